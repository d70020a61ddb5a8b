package io.github.xaiclip.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs a command line in this JVM and keeps what it printed. */
final class CliRun {

	final int status;
	final String out, err;

	private CliRun(final int status, final String out, final String err) {
		this.status = status;
		this.out = out;
		this.err = err;
	}

	static synchronized CliRun of(final String... args) {
		final PrintStream stdout = System.out, stderr = System.err;
		final ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
		System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
		System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
		try {
			final int s = XaiClip.run(args);
			return new CliRun(s, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
		}
		finally {
			System.setOut(stdout);
			System.setErr(stderr);
		}
	}

	/** Standard error without progress lines. */
	String errors() {
		final StringBuilder b = new StringBuilder();
		for (final String line : err.split("\n"))
			if (!line.startsWith("progress: ") && !line.trim().isEmpty()) b.append(line).append('\n');
		return b.toString().trim();
	}

	@Override
	public String toString() {
		return "exit " + status + "\n--- out\n" + out + "--- err\n" + err;
	}
}
