package io.github.xaiclip.roi;

/** Connected components and hole filling on binary masks indexed {@code y * width + x}. */
final class Masks {

	private Masks() {}

	static boolean any(final boolean[] m) {
		for (final boolean b : m)
			if (b) return true;
		return false;
	}

	/**
	 * The 8-connected components of {@code mask}: the one holding {@code seed} when {@code minSize} is 0, else every
	 * component of at least {@code minSize} pixels.
	 */
	static boolean[] components(final boolean[] mask, final int w, final int h, final int seed, final int minSize) {
		final int[] label = new int[mask.length];
		final int[] queue = new int[mask.length];
		final boolean[] out = new boolean[mask.length];
		int next = 0;
		for (int start = 0; start < mask.length; start++) {
			if (!mask[start] || label[start] != 0) continue;
			next++;
			int head = 0, tail = 0;
			queue[tail++] = start;
			label[start] = next;
			while (head < tail) {
				final int p = queue[head++], x = p % w, y = p / w;
				for (int dy = -1; dy <= 1; dy++)
					for (int dx = -1; dx <= 1; dx++) {
						final int xx = x + dx, yy = y + dy;
						if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
						final int q = yy * w + xx;
						if (mask[q] && label[q] == 0) {
							label[q] = next;
							queue[tail++] = q;
						}
					}
			}
			final boolean keep = minSize == 0 ? label[seed] == next : tail >= minSize;
			if (keep) for (int i = 0; i < tail; i++)
				out[queue[i]] = true;
		}
		return out;
	}

	/** {@code mask} with every background region that does not touch the border set (4-connected background). */
	static boolean[] fillHoles(final boolean[] mask, final int w, final int h) {
		final boolean[] outside = new boolean[mask.length];
		final int[] queue = new int[mask.length];
		int tail = 0;
		for (int x = 0; x < w; x++)
			for (final int y : new int[] { 0, h - 1 }) {
				final int p = y * w + x;
				if (!mask[p] && !outside[p]) {
					outside[p] = true;
					queue[tail++] = p;
				}
			}
		for (int y = 0; y < h; y++)
			for (final int x : new int[] { 0, w - 1 }) {
				final int p = y * w + x;
				if (!mask[p] && !outside[p]) {
					outside[p] = true;
					queue[tail++] = p;
				}
			}
		for (int head = 0; head < tail; head++) {
			final int p = queue[head], x = p % w, y = p / w;
			final int[] nx = { x - 1, x + 1, x, x }, ny = { y, y, y - 1, y + 1 };
			for (int k = 0; k < 4; k++) {
				if (nx[k] < 0 || ny[k] < 0 || nx[k] >= w || ny[k] >= h) continue;
				final int q = ny[k] * w + nx[k];
				if (!mask[q] && !outside[q]) {
					outside[q] = true;
					queue[tail++] = q;
				}
			}
		}
		final boolean[] out = new boolean[mask.length];
		for (int p = 0; p < out.length; p++)
			out[p] = !outside[p];
		return out;
	}
}
