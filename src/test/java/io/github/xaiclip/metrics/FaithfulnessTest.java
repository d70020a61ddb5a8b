package io.github.xaiclip.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.github.xaiclip.explain.Explanation;
import io.github.xaiclip.explain.ExplanationEngine;
import io.github.xaiclip.explain.Fill;
import io.github.xaiclip.explain.Mode;
import io.github.xaiclip.explain.Occlusion;
import io.github.xaiclip.explain.Target;
import io.github.xaiclip.model.SegmentationModel;
import io.github.xaiclip.roi.Roi;
import io.github.xaiclip.testing.AnalyticModels.IdentityModel;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

class FaithfulnessTest {

	static final int N = 10;

	/** A 10x1 ramp, pixel x = x / 9. */
	static ArrayImg<FloatType, FloatArray> ramp() {
		final float[] v = new float[N];
		for (int x = 0; x < N; x++)
			v[x] = x / 9f;
		return ArrayImgs.floats(v, N, 1);
	}

	/** Occlusion, window 1, of the identity model's mean P(on) over the whole ramp. */
	static Explanation explainRamp(final SegmentationModel model, final Fill fill) {
		return new ExplanationEngine(model).batchSize(4).explain(ramp(), Target.ofClass("on").over(Roi.all(N, 1)),
			Occlusion.builder().window(1).stride(1).fill(fill).build(), Mode.FULL, null, 0);
	}

	@Test
	void occlusionOfTheRampRanksPixelsByTheirValue() {
		// the score is mean_x P(on)(x) = mean_x x/9; zeroing pixel x drops it by (x/9)/10
		final Explanation e = explainRamp(new IdentityModel(1), Fill.zero());
		final float[] s = e.saliencyValues();
		for (int x = 0; x < N; x++)
			assertEquals(x / 9.0 / 10, s[x], 1e-6, "pixel " + x);
		for (int x = 1; x < N; x++)
			assertTrue(s[x] > s[x - 1], "saliency increases with the pixel value at " + x);
		assertEquals(0.5, e.referenceScore(), 1e-6);
		assertEquals("zero", e.parameters().get("fill"));
	}

	@Test
	void deletionAndInsertionCurvesOfTheRampByHand() {
		final IdentityModel model = new IdentityModel(1);
		final Explanation e = explainRamp(model, Fill.zero());
		final Faithfulness f = new Faithfulness(model, 10, 3);

		// deletion zeroes the brightest pixel first, one pixel a step: after k steps pixels 0..9-k remain,
		// score = sum_{x=0}^{9-k} (x/9) / 10 = m (m + 1) / 2 / 90 with m = 9 - k
		final double[] deletion = {
			45 / 90.0, 36 / 90.0, 28 / 90.0, 21 / 90.0, 15 / 90.0, 10 / 90.0, 6 / 90.0, 3 / 90.0, 1 / 90.0, 0, 0 };
		assertArrayEquals(deletion, f.deletionCurve(ramp(), e), 1e-6);
		// trapezoid: (sum of the points - (first + last) / 2) / 10 = (165 - 22.5) / 90 / 10 = 142.5 / 900
		assertEquals(142.5 / 900, f.deletionAuc(ramp(), e), 1e-6);

		// insertion puts the brightest pixel back first into the zero image: score = (45 - m (m + 1) / 2) / 90
		final double[] insertion = {
			0, 9 / 90.0, 17 / 90.0, 24 / 90.0, 30 / 90.0, 35 / 90.0, 39 / 90.0, 42 / 90.0, 44 / 90.0, 45 / 90.0, 45 / 90.0 };
		assertArrayEquals(insertion, f.insertionCurve(ramp(), e), 1e-6);
		// (330 - 22.5) / 900
		assertEquals(307.5 / 900, f.insertionAuc(ramp(), e), 1e-6);
		// for the same order the two curves add up to the unperturbed score, so the areas do too
		assertEquals(0.5, f.deletionAuc(ramp(), e) + f.insertionAuc(ramp(), e), 1e-6);
	}

	@Test
	void fewerStepsMoveSeveralPixelsAtOnce() {
		final IdentityModel model = new IdentityModel(1);
		final Explanation e = explainRamp(model, Fill.zero());
		final Faithfulness f = new Faithfulness(model, 5, 16);
		// 2 pixels a step: remaining 0..9, 0..7, 0..5, 0..3, 0..1, none: sums 45, 28, 15, 6, 1, 0 (/ 90)
		assertArrayEquals(new double[] { 45 / 90.0, 28 / 90.0, 15 / 90.0, 6 / 90.0, 1 / 90.0, 0 }, f.deletionCurve(ramp(), e), 1e-6);
		// (95 - 22.5) / 90 / 5
		assertEquals(72.5 / 450, f.deletionAuc(ramp(), e), 1e-6);
		// one step: the image, then the baseline
		assertArrayEquals(new double[] { 0.5, 0 }, new Faithfulness(model, 1, 1).deletionCurve(ramp(), e), 1e-6);
		assertArrayEquals(new double[] { 0, 0.5 }, new Faithfulness(model, 1, 1).insertionCurve(ramp(), e), 1e-6);
	}

	@Test
	void curvesUseTheExplanationsFill() {
		// fill constant 0.5: occluding x changes the score by (0.5 - x/9) / 10, still increasing in x as a drop;
		// deleting k pixels replaces 9..10-k by 0.5: score = (sum_{x=0}^{9-k} x/9 + 0.5 k) / 10
		final IdentityModel model = new IdentityModel(1);
		final Explanation e = explainRamp(model, Fill.constant(0.5));
		assertEquals("constant:0.5", e.parameters().get("fill"));
		final double[] curve = new Faithfulness(model, 10, 4).deletionCurve(ramp(), e);
		assertEquals(11, curve.length);
		for (int k = 0; k <= 10; k++) {
			final int m = 9 - k;
			final double kept = m < 0 ? 0 : m * (m + 1) / 2 / 9.0;
			assertEquals((kept + 0.5 * k) / 10, curve[k], 1e-6, "step " + k);
		}
		assertEquals(0.5, curve[10], 1e-6); // all pixels at 0.5
	}

	@Test
	void eachCurveCostsStepsPlusOneEvaluations() {
		final CountingModel model = new CountingModel(new IdentityModel(1));
		final Explanation e = explainRamp(model, Fill.zero());
		assertEquals(N + 1, e.evaluations()); // 10 windows and the reference
		assertEquals(N + 1, model.evaluations());
		model.reset();
		final Faithfulness f = new Faithfulness(model, 10, 3);
		f.deletionCurve(ramp(), e);
		assertEquals(11, model.evaluations());
		assertEquals(4, model.batches()); // 3 + 3 + 3 + 2
		model.reset();
		f.insertionCurve(ramp(), e);
		assertEquals(11, model.evaluations());
		model.reset();
		new Faithfulness(model, 4, 100).insertionAuc(ramp(), e);
		assertEquals(5, model.evaluations());
		assertEquals(1, model.batches());
	}

	@Test
	void aucIsTheTrapezoidAreaOverZeroToOne() {
		assertEquals(0.5, Faithfulness.auc(new double[] { 0, 1 }), 1e-15);
		assertEquals(1.0, Faithfulness.auc(new double[] { 1, 1, 1 }), 1e-15);
		assertEquals(0.5, Faithfulness.auc(new double[] { 0, 1, 0 }), 1e-15);
		// (1 + 0) / 2 over the first third, nothing after: 0.5 / 3
		assertEquals(1 / 6.0, Faithfulness.auc(new double[] { 1, 0, 0, 0 }), 1e-15);
		// ((0.2 + 0.4) / 2 + (0.4 + 0.9) / 2) / 2 = (0.3 + 0.65) / 2
		assertEquals(0.475, Faithfulness.auc(new double[] { 0.2, 0.4, 0.9 }), 1e-12);
		assertThrows(IllegalArgumentException.class, () -> Faithfulness.auc(new double[] { 1 }));
		assertThrows(IllegalArgumentException.class, () -> Faithfulness.auc(new double[0]));
	}

	@Test
	void badArgumentsAreRefused() {
		final IdentityModel model = new IdentityModel(1);
		final IllegalArgumentException steps = assertThrows(IllegalArgumentException.class, () -> new Faithfulness(model, 0, 4));
		assertTrue(steps.getMessage().contains("steps"), steps.getMessage());
		assertThrows(IllegalArgumentException.class, () -> new Faithfulness(model, -3, 4));
		assertThrows(IllegalArgumentException.class, () -> new Faithfulness(model, 10, 0));
		final Explanation e = explainRamp(model, Fill.zero());
		final IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
			() -> new Faithfulness(model, 10, 4).deletionCurve(ArrayImgs.floats(9, 1), e));
		assertTrue(size.getMessage().contains("10x1"), size.getMessage());
	}
}
