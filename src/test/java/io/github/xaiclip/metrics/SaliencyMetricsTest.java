package io.github.xaiclip.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.github.xaiclip.roi.Roi;
import io.github.xaiclip.roi.Rois;
import net.imglib2.img.array.ArrayImgs;

class SaliencyMetricsTest {

	/** A mask from rows of '#' (in) and '.' (out). */
	static boolean[] grid(final String... rows) {
		final int w = rows[0].length();
		final boolean[] m = new boolean[w * rows.length];
		for (int y = 0; y < rows.length; y++)
			for (int x = 0; x < w; x++)
				m[y * w + x] = rows[y].charAt(x) == '#';
		return m;
	}

	@Test
	void diceAndIouOfA4x4ExampleByHand() {
		final boolean[] a = grid(
			"##..",
			"##..",
			"....",
			"....");
		final boolean[] b = grid(
			".##.",
			".##.",
			".##.",
			"....");
		// |A| = 4, |B| = 6, A & B = {(1, 0), (1, 1)}: 2 pixels, A | B = 4 + 6 - 2 = 8
		// Dice = 2 * 2 / (4 + 6) = 0.4; IoU = 2 / 8 = 0.25
		assertEquals(0.4, SaliencyMetrics.dice(a, b), 1e-15);
		assertEquals(0.25, SaliencyMetrics.iou(a, b), 1e-15);
		assertEquals(0.4, SaliencyMetrics.dice(b, a), 1e-15);
		assertEquals(0.25, SaliencyMetrics.iou(b, a), 1e-15);
		assertEquals(1.0, SaliencyMetrics.dice(a, a), 0);
		assertEquals(1.0, SaliencyMetrics.iou(b, b), 0);
		// disjoint: 0; both empty: 0 by definition
		final boolean[] c = grid(
			"....",
			"....",
			"....",
			"...#");
		assertEquals(0.0, SaliencyMetrics.dice(a, c), 0);
		assertEquals(0.0, SaliencyMetrics.iou(a, c), 0);
		assertEquals(0.0, SaliencyMetrics.dice(new boolean[16], new boolean[16]), 0);
		assertEquals(0.0, SaliencyMetrics.iou(new boolean[16], new boolean[16]), 0);
	}

	@Test
	void topBreaksTiesInRasterOrder() {
		final float[] v = { 1, 3, 3, 2, 3, 0 };
		assertArrayEquals(new boolean[] { false, true, false, false, false, false }, SaliencyMetrics.top(v, 1));
		assertArrayEquals(new boolean[] { false, true, true, false, false, false }, SaliencyMetrics.top(v, 2));
		assertArrayEquals(new boolean[] { false, true, true, false, true, false }, SaliencyMetrics.top(v, 3));
		assertArrayEquals(new boolean[] { false, true, true, true, true, false }, SaliencyMetrics.top(v, 4));
		assertArrayEquals(new boolean[6], SaliencyMetrics.top(v, 0));
		assertArrayEquals(new boolean[] { true, true, true, true, true, true }, SaliencyMetrics.top(v, 6));
		// all equal: the first k in raster order
		assertArrayEquals(new boolean[] { true, true, true, false, false }, SaliencyMetrics.top(new float[5], 3));
		// negative values order below zero
		assertArrayEquals(new boolean[] { false, true, false }, SaliencyMetrics.top(new float[] { -2, 0, -1 }, 1));
		assertThrows(IllegalArgumentException.class, () -> SaliencyMetrics.top(v, 7));
		assertThrows(IllegalArgumentException.class, () -> SaliencyMetrics.top(v, -1));
	}

	@Test
	void areaMatchedOverlapTakesAsManyPixelsAsTheGroundTruth() {
		final Roi gt = Rois.rectangle(4, 4, 0, 0, 2, 2); // pixels 0, 1, 4, 5
		final float[] s = {
			0.9f, 0.8f, 0.1f, 0.0f,
			0.7f, 0.2f, 0.6f, 0.0f,
			0.0f, 0.0f, 0.0f, 0.0f,
			0.0f, 0.0f, 0.0f, 0.5f };
		// |GT| = 4: the top 4 are 0.9 (0), 0.8 (1), 0.7 (4), 0.6 (6); they share {0, 1, 4} with GT
		// Dice = 2 * 3 / (4 + 4) = 0.75, IoU = 3 / (4 + 4 - 3) = 0.6
		final SaliencyMetrics.Overlap o = SaliencyMetrics.overlap(s, gt);
		assertEquals(0.75, o.dice, 1e-12);
		assertEquals(0.6, o.iou, 1e-12);
		assertTrue(o.pointingHit); // maximum 0.9 at (0, 0)
		// the same through a 2D image
		final SaliencyMetrics.Overlap img = SaliencyMetrics.overlap(ArrayImgs.floats(s.clone(), 4, 4), gt);
		assertEquals(0.75, img.dice, 1e-12);
		assertEquals(0.6, img.iou, 1e-12);
		assertEquals(o.otsuDice, img.otsuDice, 0);
		assertEquals(o.otsuIou, img.otsuIou, 0);
	}

	@Test
	void areaMatchedOverlapWithTiesTakesTheEarlierPixels() {
		// GT = the bottom row of a 3x2 image; every value equal: the top |GT| = 3 are the first three in raster order,
		// the whole top row, which misses the ground truth entirely
		final Roi gt = Rois.rectangle(3, 2, 0, 1, 3, 1);
		final SaliencyMetrics.Overlap o = SaliencyMetrics.overlap(new float[6], gt);
		assertEquals(0.0, o.dice, 0);
		assertEquals(0.0, o.iou, 0);
		assertFalse(o.pointingHit); // the first maximum is (0, 0)
		// constant map: Otsu selects nothing
		assertEquals(0.0, o.otsuDice, 0);
		assertEquals(0.0, o.otsuIou, 0);
	}

	@Test
	void otsuOverlapOfATwoLevelMap() {
		// 1 at pixels 0, 1, 4 (in GT) and 15 (not), 0 elsewhere: Otsu keeps the four ones
		// Dice = 2 * 3 / (4 + 4) = 0.75, IoU = 3 / 5 = 0.6
		final Roi gt = Rois.rectangle(4, 4, 0, 0, 2, 2);
		final float[] s = new float[16];
		s[0] = s[1] = s[4] = s[15] = 1;
		assertArrayEquals(grid(
			"##..",
			"#...",
			"....",
			"...#"), SaliencyMetrics.otsu(s));
		final SaliencyMetrics.Overlap o = SaliencyMetrics.overlap(s, gt);
		assertEquals(0.75, o.otsuDice, 1e-12);
		assertEquals(0.6, o.otsuIou, 1e-12);
	}

	@Test
	void otsuSplitsABimodalMapBetweenItsModes() {
		final int n = 200;
		final float[] v = new float[n];
		final boolean[] high = new boolean[n];
		float maxLow = Float.NEGATIVE_INFINITY, minHigh = Float.POSITIVE_INFINITY;
		for (int i = 0; i < n; i++) {
			// deterministic jitter in [-0.05, 0.05] around 0.2 and 0.8; every third value is high
			final float jitter = ((i * 37) % 11 - 5) * 0.01f;
			high[i] = (i * 7) % 3 == 0;
			v[i] = (high[i] ? 0.8f : 0.2f) + jitter;
			if (high[i]) minHigh = Math.min(minHigh, v[i]);
			else maxLow = Math.max(maxLow, v[i]);
		}
		final double t = SaliencyMetrics.otsuThreshold(v);
		assertTrue(t > maxLow && t <= minHigh, "threshold " + t + " not in (" + maxLow + ", " + minHigh + "]");
		assertArrayEquals(high, SaliencyMetrics.otsu(v));
		// shifting and scaling the map moves the threshold with it and keeps the mask
		final float[] w = new float[n];
		for (int i = 0; i < n; i++)
			w[i] = -3 + 10 * v[i];
		assertArrayEquals(high, SaliencyMetrics.otsu(w));
	}

	@Test
	void otsuOfAConstantMapIsEmpty() {
		final float[] v = new float[12];
		java.util.Arrays.fill(v, 0.37f);
		assertArrayEquals(new boolean[12], SaliencyMetrics.otsu(v));
		assertEquals(0.37f, SaliencyMetrics.otsuThreshold(v), 0);
		assertArrayEquals(new boolean[3], SaliencyMetrics.otsu(new float[3]));
	}

	@Test
	void pointingHitWithAndWithoutTolerance() {
		// GT: x 0..1, y 0..1 of 7x7
		final Roi gt = Rois.rectangle(7, 7, 0, 0, 2, 2);
		final float[] inside = new float[49];
		inside[1 * 7 + 1] = 1;
		assertTrue(SaliencyMetrics.pointingHit(inside, gt, 0));

		// maximum at (4, 1): 3 px from (1, 1)
		final float[] right = new float[49];
		right[1 * 7 + 4] = 1;
		assertFalse(SaliencyMetrics.pointingHit(right, gt, 0));
		assertFalse(SaliencyMetrics.pointingHit(right, gt, 2.9));
		assertTrue(SaliencyMetrics.pointingHit(right, gt, 3));

		// maximum at (3, 3): sqrt(8) = 2.83 px from (1, 1)
		final float[] diagonal = new float[49];
		diagonal[3 * 7 + 3] = 1;
		assertFalse(SaliencyMetrics.pointingHit(diagonal, gt, 2));
		assertFalse(SaliencyMetrics.pointingHit(diagonal, gt, 2.8));
		assertTrue(SaliencyMetrics.pointingHit(diagonal, gt, 2.9));
	}

	@Test
	void pointingHitTakesTheFirstOfEqualMaxima() {
		final Roi gt = Rois.rectangle(4, 3, 2, 2, 2, 1); // bottom right: (2, 2), (3, 2)
		final float[] s = new float[12];
		s[2 * 4 + 3] = 5; // in GT
		s[0 * 4 + 1] = 5; // earlier in raster order, outside
		assertFalse(SaliencyMetrics.pointingHit(s, gt, 0));
		s[0 * 4 + 1] = 4.9f;
		assertTrue(SaliencyMetrics.pointingHit(s, gt, 0));
		s[2 * 4 + 2] = 5; // now two maxima, both in GT
		assertTrue(SaliencyMetrics.pointingHit(s, gt, 0));
	}

	@Test
	void sizeMismatchIsRefused() {
		assertThrows(IllegalArgumentException.class, () -> SaliencyMetrics.dice(new boolean[4], new boolean[5]));
		assertThrows(IllegalArgumentException.class, () -> SaliencyMetrics.iou(new boolean[4], new boolean[3]));
		final Roi gt = Rois.rectangle(4, 4, 0, 0, 2, 2);
		assertThrows(IllegalArgumentException.class, () -> SaliencyMetrics.overlap(new float[15], gt));
		assertThrows(IllegalArgumentException.class, () -> SaliencyMetrics.pointingHit(new float[17], gt, 0));
		assertThrows(IllegalArgumentException.class, () -> SaliencyMetrics.pointingHit(new float[17], gt, 1));
		// same number of pixels, other shape
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> SaliencyMetrics.overlap(ArrayImgs.floats(2, 8), gt));
		assertTrue(e.getMessage().contains("4x4"), e.getMessage());
		assertThrows(IllegalArgumentException.class, () -> SaliencyMetrics.overlap(ArrayImgs.floats(4, 4, 2), gt));
	}
}
