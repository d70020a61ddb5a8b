package io.github.xaiclip.cli;

import java.io.PrintStream;
import java.util.Locale;

import io.github.xaiclip.explain.ProgressListener;

/**
 * Progress on standard error: a bar redrawn in place on a terminal, plain lines at most every {@code interval}
 * seconds otherwise (logs of cluster jobs), so that a log shows that work goes on without filling up.
 */
final class Progress implements ProgressListener {

	/** Prints nothing. */
	static final Progress QUIET = new Progress(null, false, 0);

	private final PrintStream err;
	private final boolean terminal;
	private final long intervalNanos;
	private long last = Long.MIN_VALUE;
	private String what = "";
	private int index, count;
	private boolean drawn;

	Progress(final PrintStream err, final boolean terminal, final double intervalSeconds) {
		this.err = err;
		this.terminal = terminal;
		this.intervalNanos = (long) (intervalSeconds * 1e9);
	}

	/** For this process's standard error: a bar when it is a terminal, else a line every 10 seconds. */
	static Progress onStderr() {
		return new Progress(System.err, System.console() != null, 10);
	}

	/** Starts slice {@code index} of {@code count} (0-based index) of image {@code name}. */
	void slice(final String name, final int slice, final int index, final int count) {
		this.what = count > 1 ? String.format(Locale.ROOT, "%s slice %d (%d/%d)", name, slice, index + 1, count) : name;
		this.index = index;
		this.count = count;
	}

	@Override
	public void progress(final long done, final long total) {
		if (err == null) return;
		final long now = System.nanoTime();
		if (!terminal && last != Long.MIN_VALUE && now - last < intervalNanos && done < total) return;
		if (terminal && last != Long.MIN_VALUE && now - last < 100_000_000L && done < total) return;
		last = now;
		final double f = total > 0 ? (index + done / (double) total) / Math.max(1, count) : 0;
		if (terminal) {
			final int n = 30, filled = (int) Math.round(f * n);
			final StringBuilder bar = new StringBuilder("\r[");
			for (int i = 0; i < n; i++)
				bar.append(i < filled ? '#' : ' ');
			bar.append(String.format(Locale.ROOT, "] %3.0f%%  %s: %d/%d evaluations ", 100 * f, what, done, total));
			err.print(bar);
			drawn = true;
		}
		else
			err.printf(Locale.ROOT, "progress: %s: %d/%d evaluations (%.0f%%)%n", what, done, total, 100 * f);
		err.flush();
	}

	/** Ends the bar's line. */
	void done() {
		if (err != null && terminal && drawn) {
			err.println();
			drawn = false;
		}
		last = Long.MIN_VALUE;
	}

	/** A message line, ending the bar first. */
	void log(final String line) {
		if (err == null) return;
		done();
		err.println(line);
		err.flush();
	}
}
