package io.github.xaiclip.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import javax.imageio.ImageIO;

import io.github.xaiclip.image.TiffStackWriter;

/**
 * Result files, each written under a temporary name in its folder and renamed into place when complete: no file
 * appears under its final name unless it is whole.
 */
final class Outputs {

	private Outputs() {}

	/** A 32-bit TIFF with the pixel size {x, y} in mm (null: uncalibrated), readable by ImageJ/Fiji with its calibration. */
	static void tiff(final Path file, final String title, final float[] values, final int w, final int h, final double[] pixelMm) {
		try (TiffStackWriter t = TiffStackWriter.create(file, TiffStackWriter.Kind.FLOAT32, w, h, 1,
			pixelMm == null ? null : new double[] { pixelMm[0], pixelMm[1], 1 }))
		{
			t.writeSlice(0, values);
			t.finish();
		}
	}

	static void png(final Path file, final BufferedImage image) {
		atomically(file, tmp -> {
			if (!ImageIO.write(image, "png", tmp.toFile())) throw new IOException("no PNG writer");
		});
	}

	static void text(final Path file, final String text) {
		atomically(file, tmp -> Files.write(tmp, text.getBytes(StandardCharsets.UTF_8)));
	}

	interface Writer {

		void write(Path tmp) throws IOException;
	}

	static void atomically(final Path file, final Writer writer) {
		final Path tmp = file.resolveSibling("." + file.getFileName() + ".part");
		try {
			Files.createDirectories(file.toAbsolutePath().getParent());
			writer.write(tmp);
			try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
				c.force(true); // on disk before it gets its final name
			}
			Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (final IOException e) {
			throw new UncheckedIOException(file + ": " + e.getMessage(), e);
		}
		finally {
			try {
				Files.deleteIfExists(tmp);
			}
			catch (final IOException e) {
				// nothing more to do
			}
		}
	}
}
