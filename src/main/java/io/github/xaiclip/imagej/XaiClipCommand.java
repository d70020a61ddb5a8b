package io.github.xaiclip.imagej;

import java.awt.GraphicsEnvironment;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;

import org.scijava.Cancelable;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.ui.DialogPrompt;
import org.scijava.ui.UIService;

import ij.IJ;

/**
 * A menu command of XAI-CLIP. Its parameters are the annotated fields of the subclass, named in snake_case as
 * macros use them; the same instance runs as a SciJava command in Fiji ({@link #run()}, services injected) and as an
 * ImageJ 1.x plugin ({@link Ij1Plugins}, fields filled from a dialog or macro options). Either way the work is
 * {@link #execute(Host)}.
 */
public abstract class XaiClipCommand implements Command, Cancelable {

	@Parameter(required = false)
	private LogService log;

	@Parameter(required = false)
	private StatusService statusService;

	@Parameter(required = false)
	private UIService ui;

	private volatile String cancelReason;

	private final List<String> notes = new ArrayList<>();

	/** The command's work: checks its parameters, computes and publishes the outputs through {@code host}. */
	abstract void execute(Host host);

	/** The notes of the last run (conversions of the input, how a stack was read). */
	public List<String> notes() {
		return Collections.unmodifiableList(notes);
	}

	void addNote(final String note) {
		notes.add(note);
	}

	@Override
	public final void run() {
		perform(this, new SciJavaHost());
	}

	/**
	 * Runs {@code command} in {@code host}: errors the user can fix become one message, a stop by the user one
	 * status line; neither leaves outputs.
	 *
	 * @return whether the command completed
	 */
	static boolean perform(final XaiClipCommand command, final Host host) {
		IJ.resetEscape();
		command.notes.clear();
		try {
			command.execute(host);
			return true;
		}
		catch (final CancellationException e) {
			host.stopped("XAI-CLIP: " + e.getMessage());
		}
		catch (final IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
			host.error(e.getMessage());
		}
		return false;
	}

	@Override
	public boolean isCanceled() {
		return cancelReason != null;
	}

	@Override
	public void cancel(final String reason) {
		cancelReason = reason == null ? "canceled" : reason;
	}

	@Override
	public String getCancelReason() {
		return cancelReason;
	}

	/** Fiji: status bar and dialogs through SciJava's services, Esc through ImageJ 1.x. */
	private final class SciJavaHost implements Host {

		@Override
		public void status(final String message) {
			if (statusService != null) statusService.showStatus(message);
		}

		@Override
		public void progress(final double fraction) {
			if (statusService != null) statusService.showProgress((int) Math.round(1000 * fraction), 1000);
		}

		@Override
		public boolean canceled() {
			return isCanceled() || Thread.currentThread().isInterrupted() || IJ.escapePressed();
		}

		@Override
		public void note(final String message) {
			notes.add(message);
			if (headless()) {
				if (log != null) log.info(message);
			}
			else IJ.log(message);
		}

		@Override
		public void error(final String message) {
			cancel(message);
			if (statusService != null) statusService.clearStatus();
			if (headless() || ui == null) {
				if (log != null) log.error("XAI-CLIP: " + message);
				else System.err.println("XAI-CLIP: " + message);
			}
			else ui.showDialog(message, "XAI-CLIP", DialogPrompt.MessageType.ERROR_MESSAGE);
		}

		@Override
		public void stopped(final String message) {
			cancel(message);
			status(message);
			if (log != null) log.info(message);
		}

		@Override
		public boolean headless() {
			return GraphicsEnvironment.isHeadless() || ui != null && ui.isHeadless();
		}
	}
}
