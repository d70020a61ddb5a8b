package io.github.xaiclip.train;

import java.util.Random;

/**
 * Augmentation that keeps anatomy plausible: a small rotation (+-10 degrees), scaling (0.9..1.1) and shift
 * (+-6 px) about the image centre, intensity gain and offset, and Gaussian noise. No flips: left and right organs
 * are different classes. Labels follow the same geometry with nearest-neighbour sampling.
 */
final class Augment {

	private Augment() {}

	static void apply(final float[] image, final byte[] label, final int w, final int h, final Random r, final float[] outImage, final byte[] outLabel) {
		final double angle = Math.toRadians((r.nextDouble() * 2 - 1) * 10);
		final double scale = 0.9 + 0.2 * r.nextDouble();
		final double tx = (r.nextDouble() * 2 - 1) * 6, ty = (r.nextDouble() * 2 - 1) * 6;
		final double gain = 1 + (r.nextDouble() * 2 - 1) * 0.1, offset = (r.nextDouble() * 2 - 1) * 0.05;
		final double cos = Math.cos(angle), sin = Math.sin(angle);
		final double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				// inverse map: output pixel -> source position
				final double ux = (x - cx - tx) / scale, uy = (y - cy - ty) / scale;
				final double sx = cos * ux + sin * uy + cx, sy = -sin * ux + cos * uy + cy;
				final int p = y * w + x;
				final int nx = (int) Math.round(sx), ny = (int) Math.round(sy);
				outLabel[p] = nx >= 0 && ny >= 0 && nx < w && ny < h ? label[ny * w + nx] : 0;
				final int x0 = (int) Math.floor(sx), y0 = (int) Math.floor(sy);
				final double fx = sx - x0, fy = sy - y0;
				final double v = (1 - fy) * ((1 - fx) * at(image, w, h, x0, y0) + fx * at(image, w, h, x0 + 1, y0))
					+ fy * ((1 - fx) * at(image, w, h, x0, y0 + 1) + fx * at(image, w, h, x0 + 1, y0 + 1));
				outImage[p] = (float) (v * gain + offset + r.nextGaussian() * 0.02);
			}
	}

	private static double at(final float[] img, final int w, final int h, final int x, final int y) {
		return x >= 0 && y >= 0 && x < w && y < h ? img[y * w + x] : 0;
	}
}
