package io.github.xaiclip.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** Writes a model folder completely into a temporary sibling, then swaps it into place. */
final class ModelFolders {

	interface Writer {

		void write(Path dir) throws IOException;
	}

	private ModelFolders() {}

	static void write(final Path folder, final Writer writer) throws IOException {
		final Path parent = folder.toAbsolutePath().getParent();
		Files.createDirectories(parent);
		final Path tmp = Files.createTempDirectory(parent, "." + folder.getFileName() + ".");
		final Path old = parent.resolve("." + folder.getFileName() + ".old");
		try {
			Files.delete(tmp); // the exporter creates the folder itself
			writer.write(tmp);
			delete(old);
			if (Files.exists(folder)) Files.move(folder, old, StandardCopyOption.ATOMIC_MOVE);
			Files.move(tmp, folder, StandardCopyOption.ATOMIC_MOVE);
			delete(old);
		}
		finally {
			delete(tmp);
		}
	}

	private static void delete(final Path p) throws IOException {
		if (!Files.exists(p)) return;
		try (Stream<Path> s = Files.walk(p)) {
			for (final Path q : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator)
				Files.delete(q);
		}
	}
}
