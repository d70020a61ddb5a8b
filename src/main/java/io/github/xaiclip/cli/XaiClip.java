package io.github.xaiclip.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code xai-clip} command line. */
@Command(name = "xai-clip", mixinStandardHelpOptions = true, versionProvider = XaiClip.Version.class,
	description = "Explains what a segmentation model looked at: ROI-guided occlusion, RISE and LIME saliency.",
	subcommands = { DemoCommand.class, ExplainCommand.class, CompareCommand.class, BatchCommand.class, MergeCommand.class, BenchCommand.class, InspectCommand.class, TrainDemoCommand.class, CommandLine.HelpCommand.class })
public final class XaiClip {

	public static void main(final String[] args) {
		System.exit(run(args));
	}

	/**
	 * Runs a command line. A user error (bad option, file or model) prints one line on standard error and exits
	 * with 2; a failure of the run (a file that cannot be written, a bug) prints one line
	 * and exits with 1 — with the stack trace only when the environment variable XAI_CLIP_DEBUG is set.
	 */
	public static int run(final String... args) {
		final CommandLine cl = new CommandLine(new XaiClip());
		cl.setExecutionExceptionHandler((e, line, parsed) -> {
			final PrintWriter err = line.getErr();
			final int status;
			if (e instanceof IllegalArgumentException) {
				err.println("xai-clip: " + e.getMessage());
				status = 2;
			}
			else if (e instanceof java.io.UncheckedIOException || e instanceof java.io.IOException) {
				err.println("xai-clip: " + e.getMessage());
				status = 1;
			}
			else if (e instanceof java.util.concurrent.CancellationException) {
				err.println("xai-clip: canceled");
				status = 1;
			}
			else {
				err.println("xai-clip: failed: " + e + (System.getenv("XAI_CLIP_DEBUG") == null ? " (set XAI_CLIP_DEBUG=1 for details)" : ""));
				if (System.getenv("XAI_CLIP_DEBUG") != null) e.printStackTrace(err);
				status = 1;
			}
			err.flush();
			return status;
		});
		return cl.execute(args);
	}

	static final class Version implements CommandLine.IVersionProvider {

		@Override
		public String[] getVersion() {
			final String v = XaiClip.class.getPackage().getImplementationVersion();
			return new String[] { "xai-clip " + (v == null ? "(development build)" : v) };
		}
	}
}
