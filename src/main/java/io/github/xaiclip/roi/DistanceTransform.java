package io.github.xaiclip.roi;

/**
 * Exact squared Euclidean distance transform on a 2D grid with anisotropic spacing (Felzenszwalb and Huttenlocher's
 * lower envelope of parabolas, one pass per axis; linear time).
 */
final class DistanceTransform {

	private DistanceTransform() {}

	/** Squared distance from each pixel centre to the nearest {@code true} pixel centre, in spacing units. */
	static double[] squaredDistanceTo(final boolean[] mask, final int width, final int height, final double sx, final double sy) {
		final double inf = Double.POSITIVE_INFINITY;
		final double[] d = new double[width * height];
		for (int p = 0; p < d.length; p++)
			d[p] = mask[p] ? 0 : inf;
		final int n = Math.max(width, height);
		final double[] f = new double[n], out = new double[n], z = new double[n + 1];
		final int[] v = new int[n];
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++)
				f[x] = d[y * width + x];
			transform1d(f, width, sx * sx, out, v, z);
			for (int x = 0; x < width; x++)
				d[y * width + x] = out[x];
		}
		for (int x = 0; x < width; x++) {
			for (int y = 0; y < height; y++)
				f[y] = d[y * width + x];
			transform1d(f, height, sy * sy, out, v, z);
			for (int y = 0; y < height; y++)
				d[y * width + x] = out[y];
		}
		return d;
	}

	private static double intersection(final double[] f, final double w, final int p, final int q) {
		return ((f[q] + w * q * q) - (f[p] + w * (double) p * p)) / (2 * w * (q - p));
	}

	/** out[q] = min_p (w (q - p)^2 + f[p]); infinite f entries are skipped. */
	private static void transform1d(final double[] f, final int n, final double w, final double[] out, final int[] v, final double[] z) {
		int k = -1;
		for (int q = 0; q < n; q++) {
			if (f[q] == Double.POSITIVE_INFINITY) continue;
			if (k < 0) {
				k = 0;
				v[0] = q;
				z[0] = Double.NEGATIVE_INFINITY;
				z[1] = Double.POSITIVE_INFINITY;
				continue;
			}
			double s = intersection(f, w, v[k], q);
			while (s <= z[k]) { // z[0] is -infinity: stops at k = 0
				k--;
				s = intersection(f, w, v[k], q);
			}
			k++;
			v[k] = q;
			z[k] = s;
			z[k + 1] = Double.POSITIVE_INFINITY;
		}
		if (k < 0) {
			for (int q = 0; q < n; q++)
				out[q] = Double.POSITIVE_INFINITY;
			return;
		}
		int j = 0;
		for (int q = 0; q < n; q++) {
			while (z[j + 1] < q) j++;
			final double dq = q - v[j];
			out[q] = w * dq * dq + f[v[j]];
		}
	}
}
