package io.github.xaiclip.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.github.xaiclip.model.PackedImage;

class SlicTest {

	static final int S = 64;

	/**
	 * The split of the S x S image into quadrants, at x = 27 and y = 37: off the 16-pixel grid of the initial
	 * centres, so that a segmentation that ignored intensity would cut across the quadrant borders.
	 */
	static final int SPLIT_X = 27, SPLIT_Y = 37;

	/** Quadrant index of (x, y): 0 top left, 1 top right, 2 bottom left, 3 bottom right. */
	static int quadrant(final int x, final int y) {
		return (y < SPLIT_Y ? 0 : 2) + (x < SPLIT_X ? 0 : 1);
	}

	static PackedImage quadrants() {
		final float[] v = new float[S * S];
		final float[] values = { 0, 100, 200, 300 };
		for (int y = 0; y < S; y++)
			for (int x = 0; x < S; x++)
				v[y * S + x] = values[quadrant(x, y)];
		return new PackedImage(S, S, 1, v);
	}

	/** The number of labels after checking that they are exactly 0..n-1. */
	static int checkContiguous(final int[] labels) {
		final int n = Arrays.stream(labels).max().getAsInt() + 1;
		final boolean[] seen = new boolean[n];
		for (final int l : labels) {
			assertTrue(l >= 0, "label " + l);
			seen[l] = true;
		}
		for (int l = 0; l < n; l++)
			assertTrue(seen[l], "label " + l + " of 0.." + (n - 1) + " is unused");
		return n;
	}

	/** Checks that every label is a single 4-connected component, by flood fill. */
	static void checkConnected(final int[] labels, final int w, final int h, final int n) {
		final boolean[] visited = new boolean[w * h];
		final int[] components = new int[n];
		for (int start = 0; start < w * h; start++) {
			if (visited[start]) continue;
			components[labels[start]]++;
			final ArrayDeque<Integer> queue = new ArrayDeque<>();
			queue.add(start);
			visited[start] = true;
			while (!queue.isEmpty()) {
				final int p = queue.poll(), x = p % w, y = p / w;
				final int[][] nb = { { x - 1, y }, { x + 1, y }, { x, y - 1 }, { x, y + 1 } };
				for (final int[] q : nb) {
					if (q[0] < 0 || q[1] < 0 || q[0] >= w || q[1] >= h) continue;
					final int i = q[1] * w + q[0];
					if (!visited[i] && labels[i] == labels[start]) {
						visited[i] = true;
						queue.add(i);
					}
				}
			}
		}
		for (int l = 0; l < n; l++)
			assertEquals(1, components[l], "label " + l + " has " + components[l] + " 4-connected components");
	}

	@Test
	void superpixelsOfFourConstantQuadrantsStayInsideOneQuadrant() {
		final int[] labels = Slic.segment(quadrants(), 16, 10);
		assertEquals(S * S, labels.length);
		final int n = checkContiguous(labels);
		assertTrue(n >= 4 && n <= 32, n + " superpixels for 16 requested");
		final int[] quadrantOf = new int[n];
		Arrays.fill(quadrantOf, -1);
		for (int y = 0; y < S; y++)
			for (int x = 0; x < S; x++) {
				final int l = labels[y * S + x], q = quadrant(x, y);
				if (quadrantOf[l] < 0) quadrantOf[l] = q;
				assertEquals(quadrantOf[l], q, "superpixel " + l + " crosses into quadrant " + q + " at (" + x + ", " + y + ")");
			}
		checkConnected(labels, S, S, n);
		// 16 requested (cells of about 16x16) over quadrants of at least 27x27: each quadrant is split further
		final int[] perQuadrant = new int[4];
		for (final int q : quadrantOf)
			perQuadrant[q]++;
		for (int q = 0; q < 4; q++)
			assertTrue(perQuadrant[q] >= 2, "quadrant " + q + " has " + perQuadrant[q] + " superpixel(s)");
	}

	@Test
	void segmentationIsDeterministic() {
		final PackedImage image = quadrants();
		final int[] a = Slic.segment(image, 16, 10);
		final int[] b = Slic.segment(image.copy(), 16, 10);
		assertArrayEquals(a, b);
		// the input is not modified
		assertArrayEquals(quadrants().data(), image.data());
	}

	@Test
	void labelsAreContiguousAndConnectedOnATexturedImage() {
		// a smooth but non-trivial image: superpixel shapes are irregular there
		final int w = 50, h = 37;
		final float[] v = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				v[y * w + x] = (float) (Math.sin(x * 0.31) * Math.cos(y * 0.23) + 0.3 * Math.sin((x + y) * 0.9));
		for (final int k : new int[] { 1, 5, 20, 60 }) {
			final int[] labels = Slic.segment(new PackedImage(w, h, 1, v), k, 10);
			final int n = checkContiguous(labels);
			checkConnected(labels, w, h, n);
		}
	}

	@Test
	void multiChannelImagesAreSegmentedOnAllChannels() {
		// channel 0 separates top from bottom, channel 1 left from right: only both together give the quadrants
		final int c = 2;
		final float[] v = new float[S * S * c];
		for (int y = 0; y < S; y++)
			for (int x = 0; x < S; x++) {
				v[(y * S + x) * c] = y < SPLIT_Y ? 0 : 1;
				v[(y * S + x) * c + 1] = x < SPLIT_X ? 5 : -5;
			}
		final int[] labels = Slic.segment(new PackedImage(S, S, c, v), 16, 10);
		final int n = checkContiguous(labels);
		final int[] quadrantOf = new int[n];
		Arrays.fill(quadrantOf, -1);
		for (int y = 0; y < S; y++)
			for (int x = 0; x < S; x++) {
				final int l = labels[y * S + x], q = quadrant(x, y);
				if (quadrantOf[l] < 0) quadrantOf[l] = q;
				assertEquals(quadrantOf[l], q, "superpixel " + l + " crosses into quadrant " + q + " at (" + x + ", " + y + ")");
			}
		checkConnected(labels, S, S, n);
	}

	@Test
	void oneSuperpixelOfAConstantImageIsTheWholeImage() {
		final float[] v = new float[20 * 10];
		Arrays.fill(v, 3);
		assertArrayEquals(new int[200], Slic.segment(new PackedImage(20, 10, 1, v), 1, 10));
	}

	@Test
	void badArgumentsAreRefused() {
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Slic.segment(quadrants(), 0, 10));
		assertTrue(e.getMessage().contains("superpixels"), e.getMessage());
		assertThrows(IllegalArgumentException.class, () -> Slic.segment(quadrants(), -4, 10));
		assertThrows(IllegalArgumentException.class, () -> Slic.segment(quadrants(), 16, 0));
		assertThrows(IllegalArgumentException.class, () -> Slic.segment(quadrants(), 16, Double.NaN));
	}

	@Test
	void connectedMergesATinyIslandIntoItsNeighbour() {
		// 6x5: label 4 everywhere but a one-pixel island of label 9 at (3, 2) and a band of label 1 in the last column
		final int[] in = {
			4, 4, 4, 4, 4, 1,
			4, 4, 4, 4, 4, 1,
			4, 4, 4, 9, 4, 1,
			4, 4, 4, 4, 4, 1,
			4, 4, 4, 4, 4, 1 };
		final int[] out = Slic.connected(in, 6, 5, 2);
		// components in raster order: the 4s (0), the 1s (1); the island (1 px < 2) joins the 4s around it
		assertArrayEquals(new int[] {
			0, 0, 0, 0, 0, 1,
			0, 0, 0, 0, 0, 1,
			0, 0, 0, 0, 0, 1,
			0, 0, 0, 0, 0, 1,
			0, 0, 0, 0, 0, 1 }, out);
		// with minSize 1 nothing is merged: three components
		assertArrayEquals(new int[] {
			0, 0, 0, 0, 0, 1,
			0, 0, 0, 0, 0, 1,
			0, 0, 0, 2, 0, 1,
			0, 0, 0, 0, 0, 1,
			0, 0, 0, 0, 0, 1 }, Slic.connected(in, 6, 5, 1));
	}

	@Test
	void connectedSplitsALabelInTwoPiecesAndMergesSmallPiecesOnly() {
		// label 7 in two pieces separated by a band of label 2; a two-pixel piece of label 5 inside the 2s
		final int[] in = {
			7, 7, 2, 2, 2, 7, 7,
			7, 7, 2, 5, 2, 7, 7,
			7, 7, 2, 5, 2, 7, 7,
			7, 7, 2, 2, 2, 7, 7 };
		// minSize 3: the 5s (2 px) merge into the 2s around them; the two 7 pieces (8 px each) stay apart
		assertArrayEquals(new int[] {
			0, 0, 1, 1, 1, 2, 2,
			0, 0, 1, 1, 1, 2, 2,
			0, 0, 1, 1, 1, 2, 2,
			0, 0, 1, 1, 1, 2, 2 }, Slic.connected(in, 7, 4, 3));
		// minSize 2: the 5s are big enough and get the next label
		assertArrayEquals(new int[] {
			0, 0, 1, 1, 1, 2, 2,
			0, 0, 1, 3, 1, 2, 2,
			0, 0, 1, 3, 1, 2, 2,
			0, 0, 1, 1, 1, 2, 2 }, Slic.connected(in, 7, 4, 2));
		// diagonal neighbours are not connected: a 2x2 checkerboard of two labels is four components
		assertArrayEquals(new int[] { 0, 1, 2, 3 }, Slic.connected(new int[] { 3, 8, 8, 3 }, 2, 2, 1));
	}
}
