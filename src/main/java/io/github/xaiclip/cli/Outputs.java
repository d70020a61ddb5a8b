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
import ij.io.FileSaver;
import ij.measure.Calibration;
import ij.process.FloatProcessor;
import io.github.xaiclip.roi.Roi;

/**
 * Result files, each written under a temporary name in its folder and renamed into place when complete: no file
 * appears under its final name unless it is whole.
 */
final class Outputs {

	private Outputs() {}

	/** A 32-bit TIFF with the pixel size in mm, readable by ImageJ/Fiji with its calibration. */
	static void tiff(final Path file, final String title, final float[] values, final int w, final int h, final double[] pixelMm) {
		final ImagePlus imp = new ImagePlus(title, new FloatProcessor(w, h, values.clone()));
		final Calibration cal = imp.getCalibration();
		cal.pixelWidth = pixelMm[0];
		cal.pixelHeight = pixelMm[1];
		cal.setUnit("mm");
		atomically(file, tmp -> {
			if (!new FileSaver(imp).saveAsTiff(tmp.toString())) throw new IOException("could not write " + tmp);
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

	/**
	 * The image in grey (values in [0, 1]), the positive saliency blended on it with a heat colour scale, the ROI
	 * outlined in cyan and the ground truth (if any) in green; enlarged {@code zoom} times.
	 */
	static BufferedImage overlay(final float[] grey, final float[] saliency, final int w, final int h, final Roi roi, final Roi truth, final int zoom) {
		float max = 0;
		for (final float s : saliency)
			max = Math.max(max, s);
		final BufferedImage out = new BufferedImage(w * zoom, h * zoom, BufferedImage.TYPE_INT_RGB);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				final int p = y * w + x;
				final double g = Math.min(1, Math.max(0, grey[p]));
				final double s = max > 0 ? Math.max(0, saliency[p]) / max : 0;
				final double a = 0.7 * s;
				final int[] heat = heat(s);
				int r = (int) Math.round((1 - a) * g * 255 + a * heat[0]);
				int gg = (int) Math.round((1 - a) * g * 255 + a * heat[1]);
				int b = (int) Math.round((1 - a) * g * 255 + a * heat[2]);
				if (truth != null && edge(truth, x, y)) {
					r = 60;
					gg = 220;
					b = 60;
				}
				if (roi != null && edge(roi, x, y)) {
					r = 0;
					gg = 230;
					b = 255;
				}
				final int rgb = r << 16 | gg << 8 | b;
				for (int dy = 0; dy < zoom; dy++)
					for (int dx = 0; dx < zoom; dx++)
						out.setRGB(x * zoom + dx, y * zoom + dy, rgb);
			}
		return out;
	}

	/** Black, red, yellow, white. */
	private static int[] heat(final double s) {
		final double r = Math.min(1, 3 * s), g = Math.min(1, Math.max(0, 3 * s - 1)), b = Math.min(1, Math.max(0, 3 * s - 2));
		return new int[] { (int) (255 * r), (int) (255 * g), (int) (255 * b) };
	}

	private static boolean edge(final Roi r, final int x, final int y) {
		return r.contains(x, y) && (!r.contains(x - 1, y) || !r.contains(x + 1, y) || !r.contains(x, y - 1) || !r.contains(x, y + 1));
	}
}
