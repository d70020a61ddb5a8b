package io.github.xaiclip.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks an output folder before any work is done, so that a long run does not fail at its end. */
final class Writable {

	private Writable() {}

	/** Creates {@code dir} if needed and proves it writable, or refuses in one line naming it. */
	static void check(final Path dir) {
		if (Files.exists(dir) && !Files.isDirectory(dir)) throw new IllegalArgumentException("--out: " + dir + " is a file; expected a folder");
		try {
			Files.createDirectories(dir);
			final Path probe = Files.createTempFile(dir, ".xai-clip-", ".probe");
			Files.delete(probe);
		}
		catch (final IOException | SecurityException e) {
			throw new IllegalArgumentException("--out: cannot write to " + dir + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
		}
	}
}
