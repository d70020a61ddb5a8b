package io.github.xaiclip.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.github.xaiclip.metrics.CountingModel;
import io.github.xaiclip.metrics.SaliencyMetrics;
import io.github.xaiclip.roi.Roi;
import io.github.xaiclip.roi.Rois;
import io.github.xaiclip.testing.AnalyticModels;
import io.github.xaiclip.testing.AnalyticModels.DiskModel;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

class OcclusionTest {

	static final int W = 64, H = 48;
	static final double CX = 40, CY = 20, R = 9;

	static Roi disk() {
		final boolean[] m = new boolean[W * H];
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++)
				m[y * W + x] = AnalyticModels.inDisk(x, y, CX, CY, R);
		return Roi.ofMask(W, H, m, "disk");
	}

	@Test
	void windowStartsCoverTheImageAndReachTheFarEdge() {
		assertEquals("[0, 4, 8, 12]", java.util.Arrays.toString(Occlusion.starts(20, 8, 4)));
		assertEquals("[0, 5, 10, 12]", java.util.Arrays.toString(Occlusion.starts(20, 8, 5)));
		assertEquals("[0]", java.util.Arrays.toString(Occlusion.starts(8, 8, 3)));
	}

	@Test
	void linearModelGivesTheExactMeanImportanceOfCoveringWindows() {
		// P = sum_q w_q x_q: occluding window S with zero drops the score by exactly sum_{q in S} w_q x_q
		final int w = 12, h = 10, win = 4, stride = 3;
		final float[] weights = new float[w * h], pixels = new float[w * h];
		for (int p = 0; p < w * h; p++) {
			weights[p] = (p % 7) * 0.001f;
			pixels[p] = 1 + (p % 5) * 0.25f;
		}
		final Occlusion occlusion = Occlusion.builder().window(win).stride(stride).build();
		final Explanation e = new ExplanationEngine(new AnalyticModels.LinearModel(weights, 0.1)).batchSize(5)
			.explain(ArrayImgs.floats(pixels.clone(), w, h), Target.ofClass("on"), occlusion, Mode.FULL, null, 0);
		final int[] xs = Occlusion.starts(w, win, stride), ys = Occlusion.starts(h, win, stride);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				double sum = 0;
				int n = 0;
				for (final int y0 : ys)
					for (final int x0 : xs)
						if (x >= x0 && x < x0 + win && y >= y0 && y < y0 + win) {
							double drop = 0;
							for (int v = y0; v < y0 + win; v++)
								for (int u = x0; u < x0 + win; u++)
									drop += weights[v * w + u] * pixels[v * w + u];
							sum += drop;
							n++;
						}
				assertEquals(sum / n, e.saliencyValues()[y * w + x], 1e-5, "pixel " + x + "," + y);
			}
		assertEquals(xs.length * ys.length + 1, e.evaluations());
	}

	@Test
	void saliencyConcentratesOnTheDiskTheModelLooksAt() {
		final ArrayImg<FloatType, FloatArray> image = AnalyticModels.diskImage(W, H, CX, CY, R);
		final Explanation e = new ExplanationEngine(new DiskModel(CX, CY, R)).explain(image, Target.ofClass("disk"),
			Occlusion.builder().window(6).stride(2).build(), Mode.FULL, null, 0);
		final SaliencyMetrics.Overlap o = SaliencyMetrics.overlap(e.saliency(), disk());
		assertTrue(o.dice >= 0.8, "dice " + o);
		assertTrue(o.pointingHit, o.toString());
		assertEquals(disk(), e.targetRegion(), "the default target region is the model's prediction");
	}

	@Test
	void roiModeReproducesFullModeInsideTheRegionWithFewerEvaluations() {
		final ArrayImg<FloatType, FloatArray> image = AnalyticModels.diskImage(W, H, CX, CY, R);
		final Occlusion occlusion = Occlusion.builder().window(8).stride(4).build();
		final Roi roi = Rois.rectangle(W, H, 28, 8, 25, 25);
		final double margin = 3;
		final CountingModel model = new CountingModel(new DiskModel(CX, CY, R));
		final ExplanationEngine engine = new ExplanationEngine(model).batchSize(8);
		final Explanation full = engine.explain(image, Target.ofClass("disk"), occlusion, Mode.FULL, null, 0);
		final long fullCount = model.evaluations();
		model.reset();
		final Explanation guided = engine.explain(image, Target.ofClass("disk"), occlusion, Mode.ROI, roi, margin);

		// windows that intersect the rectangle grown by 3 px, counted by brute force
		int expected = 0;
		for (final int y0 : Occlusion.starts(H, 8, 4))
			for (final int x0 : Occlusion.starts(W, 8, 4)) {
				boolean hit = false;
				for (int y = y0; y < y0 + 8 && !hit; y++)
					for (int x = x0; x < x0 + 8 && !hit; x++)
						hit = distanceToRect(x, y, 28, 8, 52, 32) <= margin;
				if (hit) expected++;
			}
		assertEquals(expected + 1, guided.evaluations(), "one evaluation per window near the ROI, plus the reference");
		assertEquals(guided.evaluations(), model.evaluations());
		assertEquals(fullCount, full.evaluations());
		assertTrue(guided.evaluations() < full.evaluations());

		final float[] f = full.saliencyValues(), g = guided.saliencyValues();
		int inside = 0;
		for (int p = 0; p < W * H; p++)
			if (guided.roi().contains(p)) {
				assertEquals(f[p], g[p], 0.0, "pixel " + p);
				inside++;
			}
			else if (!coveredByEvaluatedWindow(p % W, p / W, guided.roi(), 8, 4)) assertEquals(0f, g[p], "never perturbed: " + p);
		assertEquals(guided.roi().area(), inside);
		assertEquals(guided.roi().areaFraction(), guided.roiFraction(), 0);
		assertEquals(1.0, full.roiFraction(), 0);
	}

	private static boolean coveredByEvaluatedWindow(final int x, final int y, final Roi region, final int win, final int stride) {
		for (final int y0 : Occlusion.starts(H, win, stride))
			for (final int x0 : Occlusion.starts(W, win, stride))
				if (x >= x0 && x < x0 + win && y >= y0 && y < y0 + win && region.intersects(x0, y0, win, win)) return true;
		return false;
	}

	/** Euclidean distance from (x, y) to the nearest pixel centre of [x0, x1] x [y0, y1] (inclusive). */
	private static double distanceToRect(final int x, final int y, final int x0, final int y0, final int x1, final int y1) {
		final int dx = Math.max(0, Math.max(x0 - x, x - x1)), dy = Math.max(0, Math.max(y0 - y, y - y1));
		return Math.sqrt(dx * dx + dy * dy);
	}

	@Test
	void fillsReplaceTheWindowWithTheirBaseline() {
		// identity model over the whole image: occluding a window with a constant c changes the mean by (c - x) per pixel
		final int w = 8, h = 8;
		final float[] pixels = new float[w * h];
		java.util.Arrays.fill(pixels, 0.5f);
		final Roi all = Roi.all(w, h);
		final ExplanationEngine engine = new ExplanationEngine(new AnalyticModels.IdentityModel(1));
		for (final String fill : new String[] { "zero", "constant:0.25", "mean", "blur:2" }) {
			final Explanation e = engine.explain(ArrayImgs.floats(pixels.clone(), w, h), Target.ofClass("on").over(all),
				Occlusion.builder().window(8).stride(8).fill(Fill.parse(fill)).build(), Mode.FULL, null, 0);
			final double expected = fill.equals("zero") ? 0.5 : fill.startsWith("constant") ? 0.25 : 0;
			assertEquals(expected, e.saliencyValues()[0], 1e-6, fill);
			assertEquals(fill.equals("blur:2") ? "blur:2.0" : fill.equals("constant:0.25") ? "constant:0.25" : fill, e.parameters().get("fill"));
		}
	}
}
