package io.github.xaiclip.tf;

/** Transposes packed batches between channels-last ({@code byxc}) and channels-first ({@code bcyx}). */
final class Layouts {

	private Layouts() {}

	static float[] toChannelsFirst(final float[] in, final int off, final int n, final int h, final int w, final int c) {
		final float[] out = new float[n * h * w * c];
		final int plane = h * w;
		for (int b = 0; b < n; b++)
			for (int p = 0; p < plane; p++)
				for (int ch = 0; ch < c; ch++)
					out[(b * c + ch) * plane + p] = in[off + (b * plane + p) * c + ch];
		return out;
	}

	static void toChannelsLast(final float[] in, final int n, final int h, final int w, final int c, final float[] out, final int off) {
		final int plane = h * w;
		for (int b = 0; b < n; b++)
			for (int ch = 0; ch < c; ch++)
				for (int p = 0; p < plane; p++)
					out[off + (b * plane + p) * c + ch] = in[(b * c + ch) * plane + p];
	}
}
