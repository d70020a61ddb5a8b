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

	/** Runs a command line; user errors print one line on standard error (exit code 2), never a stack trace. */
	public static int run(final String... args) {
		final CommandLine cl = new CommandLine(new XaiClip());
		cl.setExecutionExceptionHandler((e, line, parsed) -> {
			if (e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException) {
				final PrintWriter err = line.getErr();
				err.println("xai-clip: " + e.getMessage());
				err.flush();
				return 2;
			}
			throw e;
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
