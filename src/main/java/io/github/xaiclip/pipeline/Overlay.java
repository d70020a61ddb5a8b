package io.github.xaiclip.pipeline;

import java.awt.image.BufferedImage;
import java.util.Arrays;

import io.github.xaiclip.roi.Roi;

/**
 * The picture a user looks at: the image in grey, the positive saliency blended on it in heat colours (black, red,
 * yellow, white; transparent where it is low), the region of interest outlined in cyan and the ground truth, if
 * any, in green.
 */
public final class Overlay {

	private Overlay() {}

	/** Draws {@code result} with the region its perturbations were confined to (roi mode), enlarged {@code zoom} times. */
	public static BufferedImage of(final SliceResult result, final int zoom) {
		return of(result.preprocessed(), result.explanation().saliencyValues(), result.width(), result.height(), result.explanation().roi(),
			result.truth(), zoom);
	}

	/**
	 * @param image    the image as the model saw it; shown between its 1st and 99th percentile
	 * @param saliency the map, same grid
	 * @param roi      outlined in cyan, or null
	 * @param truth    outlined in green, or null
	 */
	public static BufferedImage of(final float[] image, final float[] saliency, final int w, final int h, final Roi roi, final Roi truth, final int zoom) {
		if (zoom < 1) throw new IllegalArgumentException("zoom: expected >= 1, got " + zoom);
		final float[] sorted = Arrays.copyOf(image, w * h);
		Arrays.sort(sorted);
		final float lo = sorted[(int) (0.01 * (sorted.length - 1))], hi = sorted[(int) Math.ceil(0.99 * (sorted.length - 1))];
		final double range = hi > lo ? hi - lo : 1;
		final float floor = floor(saliency), max = Math.max(floor, max(saliency));
		final BufferedImage out = new BufferedImage(w * zoom, h * zoom, BufferedImage.TYPE_INT_RGB);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				final int p = y * w + x;
				final double g = Math.min(1, Math.max(0, (image[p] - lo) / range));
				final double s = max > floor ? Math.max(0, saliency[p] - floor) / (max - floor) : 0;
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

	private static float max(final float[] v) {
		float m = 0;
		for (final float x : v)
			m = Math.max(m, x);
		return m;
	}

	/**
	 * The value shown as transparent: 0, or for maps positive everywhere they were computed (RISE's score-weighted
	 * mask sums) the 5th percentile of their non-zero values, so that the colour shows the differences.
	 */
	static float floor(final float[] saliency) {
		int n = 0;
		for (final float x : saliency)
			if (x != 0) {
				if (x < 0) return 0;
				n++;
			}
		if (n == 0) return 0;
		final float[] nz = new float[n];
		int k = 0;
		for (final float x : saliency)
			if (x != 0) nz[k++] = x;
		Arrays.sort(nz);
		return nz[(int) (0.05 * (n - 1))];
	}

	/** Black, red, yellow, white for s in [0, 1]. */
	private static int[] heat(final double s) {
		final double r = Math.min(1, 3 * s), g = Math.min(1, Math.max(0, 3 * s - 1)), b = Math.min(1, Math.max(0, 3 * s - 2));
		return new int[] { (int) (255 * r), (int) (255 * g), (int) (255 * b) };
	}

	private static boolean edge(final Roi r, final int x, final int y) {
		return r.contains(x, y) && (!r.contains(x - 1, y) || !r.contains(x + 1, y) || !r.contains(x, y - 1) || !r.contains(x, y + 1));
	}
}
