package io.github.xaiclip.explain;

import java.util.Arrays;

import io.github.xaiclip.model.PackedImage;

/**
 * SLIC superpixels (Achanta et al. 2012) on a packed image of any number of channels: k-means in (intensity, x, y)
 * restricted to a {@code 2S x 2S} window around each centre, then connected components smaller than a quarter cell
 * merged into a neighbour. Intensities are scaled per channel to [0, 100] so that {@code compactness} means what it
 * means for CIELAB images (10 is the usual value). Deterministic.
 */
public final class Slic {

	private static final int ITERATIONS = 10;

	private Slic() {}

	/** The labels of the superpixels, {@code 0..n-1}, indexed {@code y * width + x}. */
	public static int[] segment(final PackedImage image, final int superpixels, final double compactness) {
		if (superpixels < 1) throw new IllegalArgumentException("superpixels: expected >= 1, got " + superpixels);
		if (!(compactness > 0)) throw new IllegalArgumentException("compactness: expected > 0, got " + compactness);
		final int w = image.width(), h = image.height(), c = image.channels(), n = w * h;
		final float[] v = scaled(image);
		final double step = Math.sqrt(n / (double) superpixels);
		final int nx = Math.max(1, (int) Math.round(w / step)), ny = Math.max(1, (int) Math.round(h / step));
		final int k = nx * ny;
		final double[] cx = new double[k], cy = new double[k], cv = new double[k * c];
		for (int j = 0, i = 0; j < ny; j++)
			for (int q = 0; q < nx; q++, i++) {
				int x = (int) ((q + 0.5) * w / nx), y = (int) ((j + 0.5) * h / ny);
				// move to the lowest gradient in the 3x3 neighbourhood, off edges
				double best = Double.POSITIVE_INFINITY;
				int bx = x, by = y;
				for (int dy = -1; dy <= 1; dy++)
					for (int dx = -1; dx <= 1; dx++) {
						final int xx = x + dx, yy = y + dy;
						if (xx < 1 || yy < 1 || xx >= w - 1 || yy >= h - 1) continue;
						final double g = gradient(v, w, c, xx, yy);
						if (g < best) {
							best = g;
							bx = xx;
							by = yy;
						}
					}
				x = bx;
				y = by;
				cx[i] = x;
				cy[i] = y;
				for (int ch = 0; ch < c; ch++)
					cv[i * c + ch] = v[(y * w + x) * c + ch];
			}
		final double spatial = compactness * compactness / (step * step);
		final int radius = (int) Math.ceil(2 * step);
		final int[] label = new int[n];
		final double[] dist = new double[n];
		final double[] sx = new double[k], sy = new double[k], sv = new double[k * c];
		final int[] count = new int[k];
		for (int it = 0; it < ITERATIONS; it++) {
			Arrays.fill(label, -1);
			Arrays.fill(dist, Double.POSITIVE_INFINITY);
			for (int i = 0; i < k; i++) {
				final int x0 = Math.max(0, (int) (cx[i] - radius)), x1 = Math.min(w - 1, (int) (cx[i] + radius));
				final int y0 = Math.max(0, (int) (cy[i] - radius)), y1 = Math.min(h - 1, (int) (cy[i] + radius));
				for (int y = y0; y <= y1; y++)
					for (int x = x0; x <= x1; x++) {
						final int p = y * w + x;
						double dc = 0;
						for (int ch = 0; ch < c; ch++) {
							final double d = v[p * c + ch] - cv[i * c + ch];
							dc += d * d;
						}
						final double ddx = x - cx[i], ddy = y - cy[i];
						final double d = dc + (ddx * ddx + ddy * ddy) * spatial;
						if (d < dist[p]) {
							dist[p] = d;
							label[p] = i;
						}
					}
			}
			Arrays.fill(sx, 0);
			Arrays.fill(sy, 0);
			Arrays.fill(sv, 0);
			Arrays.fill(count, 0);
			for (int p = 0; p < n; p++) {
				final int i = label[p];
				if (i < 0) continue;
				sx[i] += p % w;
				sy[i] += p / w;
				for (int ch = 0; ch < c; ch++)
					sv[i * c + ch] += v[p * c + ch];
				count[i]++;
			}
			for (int i = 0; i < k; i++) {
				if (count[i] == 0) continue;
				cx[i] = sx[i] / count[i];
				cy[i] = sy[i] / count[i];
				for (int ch = 0; ch < c; ch++)
					cv[i * c + ch] = sv[i * c + ch] / count[i];
			}
		}
		return connected(label, w, h, Math.max(1, (int) (step * step / 4)));
	}

	/** Relabels 4-connected components 0..m-1 in raster order; merges those below {@code minSize} into a neighbour. */
	static int[] connected(final int[] label, final int w, final int h, final int minSize) {
		final int n = w * h;
		final int[] out = new int[n];
		Arrays.fill(out, -1);
		final int[] queue = new int[n];
		final int[] dx = { -1, 1, 0, 0 }, dy = { 0, 0, -1, 1 };
		int next = 0;
		for (int start = 0; start < n; start++) {
			if (out[start] >= 0) continue;
			// a neighbour labelled earlier, to absorb this component if it is too small
			int adjacent = -1;
			final int sx0 = start % w, sy0 = start / w;
			for (int d = 0; d < 4; d++) {
				final int xx = sx0 + dx[d], yy = sy0 + dy[d];
				if (xx >= 0 && yy >= 0 && xx < w && yy < h && out[yy * w + xx] >= 0) adjacent = out[yy * w + xx];
			}
			int head = 0, tail = 0;
			queue[tail++] = start;
			out[start] = next;
			while (head < tail) {
				final int p = queue[head++];
				final int x = p % w, y = p / w;
				for (int d = 0; d < 4; d++) {
					final int xx = x + dx[d], yy = y + dy[d];
					if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
					final int q = yy * w + xx;
					if (out[q] < 0 && label[q] == label[start]) {
						out[q] = next;
						queue[tail++] = q;
					}
				}
			}
			if (tail < minSize && adjacent >= 0) for (int i = 0; i < tail; i++)
				out[queue[i]] = adjacent;
			else next++;
		}
		return out;
	}

	private static double gradient(final float[] v, final int w, final int c, final int x, final int y) {
		double g = 0;
		for (int ch = 0; ch < c; ch++) {
			final double gx = v[(y * w + x + 1) * c + ch] - v[(y * w + x - 1) * c + ch];
			final double gy = v[((y + 1) * w + x) * c + ch] - v[((y - 1) * w + x) * c + ch];
			g += gx * gx + gy * gy;
		}
		return g;
	}

	private static float[] scaled(final PackedImage image) {
		final int c = image.channels();
		final float[] in = image.data(), out = new float[in.length];
		for (int ch = 0; ch < c; ch++) {
			float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
			for (int i = ch; i < in.length; i += c) {
				lo = Math.min(lo, in[i]);
				hi = Math.max(hi, in[i]);
			}
			final float scale = hi > lo ? 100f / (hi - lo) : 0;
			for (int i = ch; i < in.length; i += c)
				out[i] = (in[i] - lo) * scale;
		}
		return out;
	}
}
