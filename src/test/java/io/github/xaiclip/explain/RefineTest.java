package io.github.xaiclip.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.github.xaiclip.metrics.SaliencyMetrics;
import io.github.xaiclip.model.ReceptiveField;
import io.github.xaiclip.roi.Roi;
import io.github.xaiclip.roi.Rois;
import io.github.xaiclip.testing.AnalyticModels;
import io.github.xaiclip.testing.AnalyticModels.PooledModel;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

/** Adaptive occlusion: a coarse pass, then small windows only where the coarse saliency is high. */
class RefineTest {

	static final int W = 128, H = 96;
	static final double CX = 80, CY = 40, R = 10;

	static ArrayImg<FloatType, FloatArray> image() {
		return AnalyticModels.blobImage(W, H, CX, CY, R);
	}

	static Explanation explain(final Occlusion occlusion, final Mode mode, final Roi roi, final Cropping cropping) {
		return new ExplanationEngine(new PooledModel(4, 2, ReceptiveField.bounded(11, 4))).batchSize(8).cropping(cropping).explain(image(),
			Target.ofClass("organ"), occlusion, mode, roi, 2);
	}

	static Roi blob() {
		final boolean[] m = new boolean[W * H];
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++)
				m[y * W + x] = Math.hypot(x - CX, y - CY) <= R;
		return Roi.ofMask(W, H, m, "blob");
	}

	@Test
	void theMapIsPlainOcclusionInsideTheRefinedRegionAndScaledCoarseElsewhere() {
		final Roi roi = Rois.rectangle(W, H, 45, 10, 70, 60);
		for (final Mode mode : Mode.values()) {
			final Explanation fine = explain(Occlusion.builder().window(4).stride(2).build(), mode, roi, Cropping.OFF);
			final Explanation coarse = explain(Occlusion.builder().window(16).stride(8).build(), mode, roi, Cropping.OFF);
			final Explanation refined = explain(Occlusion.builder().window(4).stride(2).refine(16, 8, 0.25).build(), mode, roi, Cropping.OFF);

			// the refined region, from the coarse pass on its own: coarse saliency >= 1/4 of its maximum (inside the region in roi mode)
			final float[] c = coarse.saliencyValues(), f = fine.saliencyValues(), r = refined.saliencyValues();
			float max = 0;
			for (final float v : c)
				max = Math.max(max, v);
			int area = 0;
			for (int p = 0; p < W * H; p++) {
				final boolean in = c[p] >= 0.25 * max && c[p] != 0 && (mode == Mode.FULL || refined.roi().contains(p));
				if (in) area++;
				assertEquals(in ? f[p] : c[p] / 16f, r[p], 0.0, mode.id() + " pixel " + p % W + "," + p / W);
			}
			assertTrue(area > 0 && area < W * H / 10, "area " + area);
			assertEquals(area / (double) (W * H), (double) refined.parameters().get("refined_fraction"), 1e-12);
			assertEquals(coarse.evaluations() - 1, ((Number) refined.parameters().get("coarse_evaluations")).longValue());
			final long fineCount = ((Number) refined.parameters().get("fine_evaluations")).longValue();
			assertEquals(1 + coarse.evaluations() - 1 + fineCount, refined.evaluations());
			assertTrue(refined.evaluations() < 0.3 * fine.evaluations(), mode.id() + ": " + refined.evaluations() + " vs " + fine.evaluations());

			// the map ranks the blob as plain occlusion does
			final double plainDice = SaliencyMetrics.overlap(fine.saliency(), blob()).dice, dice = SaliencyMetrics.overlap(refined.saliency(), blob()).dice;
			assertTrue(plainDice > 0.8, "plain " + plainDice);
			assertEquals(plainDice, dice, 0.02, mode.id());
		}
	}

	@Test
	void refinementComposesWithCropping() {
		final Occlusion occlusion = Occlusion.builder().window(4).stride(2).refine(16, 8, 0.25).build();
		final Explanation whole = explain(occlusion, Mode.FULL, null, Cropping.OFF);
		final Explanation cropped = explain(occlusion, Mode.FULL, null, Cropping.DECLARED);
		assertEquals("cropped", cropped.parameters().get("evaluation"));
		// one crop size per pass: 16 + 44 + 3 -> 64 for the coarse windows, 4 + 44 + 3 -> 52 for the fine ones
		assertEquals("crops of 64x64 px in the 128x96 image; crops of 52x52 px in the 128x96 image", cropped.parameters().get("evaluation_reason"));
		assertEquals(whole.evaluations(), cropped.evaluations());
		assertTrue(cropped.pixels() * 3 < whole.pixels());
		for (int p = 0; p < W * H; p++)
			assertEquals(whole.saliencyValues()[p], cropped.saliencyValues()[p], 1e-6);
	}

	@Test
	void refineIsRecordedAndChecked() {
		final Occlusion o = Occlusion.builder().window(4).stride(2).refine(16, 8, 0.25).build();
		assertTrue(o.refines());
		assertFalse(Occlusion.builder().build().refines());
		assertEquals("{window=4, stride=2, fill=zero, coarse_window=16, coarse_stride=8, refine_fraction=0.25}", o.parameters().toString());
		assertEquals("coarse_window: expected more than the window (8 px), got 8",
			assertThrows(IllegalArgumentException.class, () -> Occlusion.builder().window(8).refine(8, 4, 0.5).build()).getMessage());
		assertEquals("refine_fraction: expected a value in (0, 1), got 1.0",
			assertThrows(IllegalArgumentException.class, () -> Occlusion.builder().refine(32, 16, 1)).getMessage());
		assertEquals("coarse_stride: expected >= 1 pixel, got 0",
			assertThrows(IllegalArgumentException.class, () -> Occlusion.builder().refine(32, 0, 0.5)).getMessage());
		assertEquals("coarse_window: 100 px is larger than the 128x96 image",
			assertThrows(IllegalArgumentException.class, () -> explain(Occlusion.builder().refine(100, 50, 0.5).build(), Mode.FULL, null, Cropping.OFF))
				.getMessage());
	}
}
