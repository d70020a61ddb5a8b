package io.github.xaiclip.explain;

/** Separable Gaussian blur of a packed {@code yxc} image, borders mirrored. */
final class Gauss {

	private Gauss() {}

	static void blur(final float[] in, final float[] out, final int w, final int h, final int c, final double sigma) {
		final int r = Math.max(1, (int) Math.ceil(3 * sigma));
		final double[] k = new double[2 * r + 1];
		double sum = 0;
		for (int i = -r; i <= r; i++)
			sum += k[i + r] = Math.exp(-0.5 * i * i / (sigma * sigma));
		for (int i = 0; i < k.length; i++)
			k[i] /= sum;
		final double[] tmp = new double[in.length];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				for (int ch = 0; ch < c; ch++) {
					double s = 0;
					for (int i = -r; i <= r; i++)
						s += k[i + r] * in[(y * w + mirror(x + i, w)) * c + ch];
					tmp[(y * w + x) * c + ch] = s;
				}
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				for (int ch = 0; ch < c; ch++) {
					double s = 0;
					for (int i = -r; i <= r; i++)
						s += k[i + r] * tmp[(mirror(y + i, h) * w + x) * c + ch];
					out[(y * w + x) * c + ch] = (float) s;
				}
	}

	private static int mirror(int i, final int n) {
		if (n == 1) return 0;
		final int period = 2 * n - 2;
		i = Math.floorMod(i, period);
		return i < n ? i : period - i;
	}
}
