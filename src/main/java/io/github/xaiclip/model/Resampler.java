package io.github.xaiclip.model;

/**
 * Separable linear resampling of packed {@code yxc} images, pixel centres aligned ({@code (i + 0.5) * scale - 0.5}).
 * When shrinking, the triangle filter widens with the scale factor so that every input pixel contributes (no
 * aliasing); when enlarging it is plain bilinear interpolation. Borders are clamped.
 */
final class Resampler {

	private final int[][] xIndex, yIndex;
	private final float[][] xWeight, yWeight;
	private final int srcW, srcH, dstW, dstH;

	Resampler(final int srcW, final int srcH, final int dstW, final int dstH) {
		this.srcW = srcW;
		this.srcH = srcH;
		this.dstW = dstW;
		this.dstH = dstH;
		xIndex = new int[dstW][];
		xWeight = new float[dstW][];
		yIndex = new int[dstH][];
		yWeight = new float[dstH][];
		taps(srcW, dstW, xIndex, xWeight);
		taps(srcH, dstH, yIndex, yWeight);
	}

	private static void taps(final int src, final int dst, final int[][] index, final float[][] weight) {
		final double scale = src / (double) dst;
		final double support = Math.max(1, scale);
		for (int i = 0; i < dst; i++) {
			final double centre = (i + 0.5) * scale - 0.5;
			final int lo = (int) Math.ceil(centre - support), hi = (int) Math.floor(centre + support);
			final int n = hi - lo + 1;
			final int[] idx = new int[n];
			final double[] w = new double[n];
			double sum = 0;
			for (int k = 0; k < n; k++) {
				final int j = lo + k;
				w[k] = Math.max(0, 1 - Math.abs(j - centre) / support);
				idx[k] = Math.min(src - 1, Math.max(0, j));
				sum += w[k];
			}
			final float[] wf = new float[n];
			for (int k = 0; k < n; k++)
				wf[k] = (float) (w[k] / sum);
			index[i] = idx;
			weight[i] = wf;
		}
	}

	/** Resamples one image of {@code c} values per pixel from {@code src[srcOff..]} into {@code dst[dstOff..]}. */
	void resample(final float[] src, final int srcOff, final float[] dst, final int dstOff, final int c) {
		final float[] rows = new float[srcH * dstW * c];
		for (int y = 0; y < srcH; y++)
			for (int x = 0; x < dstW; x++) {
				final int[] idx = xIndex[x];
				final float[] w = xWeight[x];
				for (int ch = 0; ch < c; ch++) {
					float s = 0;
					for (int k = 0; k < idx.length; k++)
						s += w[k] * src[srcOff + (y * srcW + idx[k]) * c + ch];
					rows[(y * dstW + x) * c + ch] = s;
				}
			}
		for (int y = 0; y < dstH; y++) {
			final int[] idx = yIndex[y];
			final float[] w = yWeight[y];
			for (int x = 0; x < dstW; x++)
				for (int ch = 0; ch < c; ch++) {
					float s = 0;
					for (int k = 0; k < idx.length; k++)
						s += w[k] * rows[(idx[k] * dstW + x) * c + ch];
					dst[dstOff + (y * dstW + x) * c + ch] = s;
				}
		}
	}
}
