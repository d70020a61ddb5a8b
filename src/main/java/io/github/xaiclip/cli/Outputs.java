package io.github.xaiclip.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import javax.imageio.ImageIO;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.measure.Calibration;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;

/**
 * Result files, each written under a temporary name in its folder and renamed into place when complete: no file
 * appears under its final name unless it is whole.
 */
final class Outputs {

	private Outputs() {}

	/** A 32-bit TIFF with the pixel size in mm, readable by ImageJ/Fiji with its calibration. */
	static void tiff(final Path file, final String title, final float[] values, final int w, final int h, final double[] pixelMm) {
		tiff(file, title, new float[][] { values }, w, h, pixelMm);
	}

	/**
	 * A 32-bit TIFF, a stack for several slices, calibrated with {@code voxel} ({x, y[, z]}) in mm — or in pixels
	 * when {@code voxel} is null.
	 */
	static void tiff(final Path file, final String title, final float[][] slices, final int w, final int h, final double[] voxel) {
		final ImageStack stack = new ImageStack(w, h);
		for (final float[] s : slices)
			stack.addSlice(new FloatProcessor(w, h, s.clone()));
		save(file, new ImagePlus(title, stack), voxel);
	}

	/** An RGB TIFF (stack), calibrated as {@link #tiff(Path, String, float[][], int, int, double[])}. */
	static void rgbTiff(final Path file, final String title, final BufferedImage[] slices, final int w, final int h, final double[] voxel) {
		final ImageStack stack = new ImageStack(w, h);
		for (final BufferedImage s : slices)
			stack.addSlice(s == null ? new ColorProcessor(w, h) : new ColorProcessor(s));
		save(file, new ImagePlus(title, stack), voxel);
	}

	private static void save(final Path file, final ImagePlus imp, final double[] voxel) {
		if (voxel != null) {
			final Calibration cal = imp.getCalibration();
			cal.pixelWidth = voxel[0];
			cal.pixelHeight = voxel[1];
			if (voxel.length > 2) cal.pixelDepth = voxel[2];
			cal.setUnit("mm");
		}
		atomically(file, tmp -> {
			final FileSaver saver = new FileSaver(imp);
			if (!(imp.getStackSize() > 1 ? saver.saveAsTiffStack(tmp.toString()) : saver.saveAsTiff(tmp.toString())))
				throw new IOException("could not write " + tmp);
		});
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
