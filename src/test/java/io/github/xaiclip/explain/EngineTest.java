package io.github.xaiclip.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import io.github.xaiclip.metrics.CountingModel;
import io.github.xaiclip.model.InputSpec;
import io.github.xaiclip.roi.Roi;
import io.github.xaiclip.roi.Rois;
import io.github.xaiclip.testing.AnalyticModels;
import io.github.xaiclip.testing.AnalyticModels.DiskModel;
import net.imglib2.img.array.ArrayImgs;

/** Progress, cancellation and the refusal of bad input. */
class EngineTest {

	static final int W = MethodsTest.W, H = MethodsTest.H;

	private static ExplanationEngine engine() {
		return new ExplanationEngine(new DiskModel(MethodsTest.CX, MethodsTest.CY, MethodsTest.R));
	}

	@Test
	void progressCountsEveryEvaluationAndReachesTheTotal() {
		for (final PerturbationMethod m : new PerturbationMethod[] { MethodsTest.occlusion(), MethodsTest.rise(1), MethodsTest.lime(1) }) {
			final List<long[]> calls = new ArrayList<>();
			final Explanation e = engine().batchSize(7).listener((done, total) -> calls.add(new long[] { done, total }))
				.explain(MethodsTest.image(), Target.ofClass("disk"), m, Mode.FULL, null, 0);
			final long[] last = calls.get(calls.size() - 1);
			assertEquals(e.evaluations(), last[0], m.name());
			assertEquals(e.evaluations(), last[1], m.name());
			for (int i = 1; i < calls.size(); i++) {
				assertTrue(calls.get(i)[0] > calls.get(i - 1)[0], "increasing");
				assertTrue(calls.get(i)[0] - calls.get(i - 1)[0] <= 7, "one call per batch");
			}
		}
	}

	@Test
	void cancelingStopsBeforeTheNextBatchAndReturnsNothing() {
		final CountingModel model = new CountingModel(new DiskModel(MethodsTest.CX, MethodsTest.CY, MethodsTest.R));
		final AtomicBoolean cancel = new AtomicBoolean();
		final ExplanationEngine engine = new ExplanationEngine(model).batchSize(10).canceled(cancel::get).listener((done, total) -> {
			if (done >= 51) cancel.set(true); // after the 5th batch of 10 (plus the reference)
		});
		assertThrows(CancellationException.class,
			() -> engine.explain(MethodsTest.image(), Target.ofClass("disk"), MethodsTest.rise(1), Mode.FULL, null, 0));
		assertEquals(51, model.evaluations(), "no batch runs after the request");
		// the engine is reusable after a cancellation
		cancel.set(false);
		model.reset();
		final Explanation e = new ExplanationEngine(model).batchSize(10).explain(MethodsTest.image(), Target.ofClass("disk"), MethodsTest.rise(1),
			Mode.FULL, null, 0);
		assertEquals(401, e.evaluations());
	}

	@Test
	void errorsInTheModelReachTheCaller() {
		final AnalyticModels.IdentityModel identity = new AnalyticModels.IdentityModel(1);
		final io.github.xaiclip.model.SegmentationModel failing = new io.github.xaiclip.model.SegmentationModel() {

			int calls;

			@Override
			public InputSpec inputSpec() {
				return identity.inputSpec();
			}

			@Override
			public List<String> classNames() {
				return identity.classNames();
			}

			@Override
			public void predict(final float[] input, final int batch, final int height, final int width, final float[] output) {
				if (++calls == 3) throw new IllegalStateException("model failed");
				identity.predict(input, batch, height, width, output);
			}
		};
		final float[] v = new float[16 * 16];
		java.util.Arrays.fill(v, 1);
		final IllegalStateException e = assertThrows(IllegalStateException.class, () -> new ExplanationEngine(failing).batchSize(4)
			.explain(ArrayImgs.floats(v, 16, 16), Target.ofClass("on"), Occlusion.builder().window(4).stride(4).build(), Mode.FULL, null, 0));
		assertEquals("model failed", e.getMessage());
	}

	private static void refuses(final String expectedStart, final Executable call) {
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
		assertTrue(e.getMessage().startsWith(expectedStart), "'" + e.getMessage() + "' should start with '" + expectedStart + "'");
		assertTrue(!e.getMessage().contains("\n"), "one line");
	}

	@Test
	void badInputIsRefusedNamingTheParameter() {
		final Roi roi = Rois.rectangle(W, H, 30, 10, 20, 20);
		refuses("window:", () -> engine().explain(MethodsTest.image(), Target.ofClass("disk"), Occlusion.builder().window(W + 1).build(), Mode.FULL,
			null, 0));
		refuses("window:", () -> Occlusion.builder().window(0));
		refuses("stride:", () -> Occlusion.builder().stride(0));
		refuses("masks:", () -> Rise.builder().masks(0));
		refuses("cell:", () -> Rise.builder().cell(0));
		refuses("p:", () -> Rise.builder().keepProbability(1));
		refuses("samples:", () -> Lime.builder().samples(0));
		refuses("superpixels:", () -> Lime.builder().superpixels(0));
		refuses("kernel_width:", () -> Lime.builder().kernelWidth(Double.NaN));
		refuses("batch_size:", () -> engine().batchSize(0));
		refuses("mode:", () -> Mode.parse("partial"));
		refuses("roi:", () -> engine().explain(MethodsTest.image(), Target.ofClass("disk"), MethodsTest.occlusion(), Mode.ROI, null, 0));
		refuses("roi:", () -> Roi.ofMask(W, H, new boolean[W * H], "roi"));
		refuses("roi rectangle:", () -> Rois.rectangle(W, H, W + 5, 0, 10, 10));
		refuses("roi:", () -> engine().explain(MethodsTest.image(), Target.ofClass("disk"), MethodsTest.occlusion(), Mode.ROI,
			Rois.rectangle(W + 1, H, 0, 0, 4, 4), 0));
		refuses("roi_margin:", () -> engine().explain(MethodsTest.image(), Target.ofClass("disk"), MethodsTest.occlusion(), Mode.ROI, roi, -1));
		refuses("target region:", () -> engine().explain(MethodsTest.image(), Target.ofClass("disk").over(Roi.all(W, H + 1)), MethodsTest.occlusion(),
			Mode.FULL, null, 0));
		refuses("target:", () -> engine().explain(MethodsTest.image(), Target.ofClass("liver"), MethodsTest.occlusion(), Mode.FULL, null, 0));
		refuses("target:", () -> engine().explain(MethodsTest.image(), Target.ofClass(2), MethodsTest.occlusion(), Mode.FULL, null, 0));
		// nothing predicted: an empty image has no disk
		refuses("target:", () -> engine().explain(ArrayImgs.floats(W, H), Target.ofClass("disk"), MethodsTest.occlusion(), Mode.FULL, null, 0));
		final float[] nan = new float[W * H];
		nan[5 * W + 3] = Float.NaN;
		refuses("image: pixel (x=3, y=5) is NaN", () -> engine().explain(ArrayImgs.floats(nan, W, H), Target.ofClass("disk"), MethodsTest.occlusion(),
			Mode.FULL, null, 0));
		refuses("image: has 2 channel(s)", () -> engine().explain(ArrayImgs.floats(W, H, 2), Target.ofClass("disk"), MethodsTest.occlusion(), Mode.FULL,
			null, 0));
		refuses("image: expected 2 dimensions", () -> engine().explain(ArrayImgs.floats(W, H, 2, 2), Target.ofClass("disk"), MethodsTest.occlusion(),
			Mode.FULL, null, 0));
		final io.github.xaiclip.model.SegmentationModel fixed = new AnalyticModels.IdentityModel(1) {

			@Override
			public InputSpec inputSpec() {
				return InputSpec.multipleOf(1, 16);
			}
		};
		refuses("image: 20x16 does not fit", () -> new ExplanationEngine(fixed).explain(ArrayImgs.floats(20, 16), Target.ofClass("on"),
			MethodsTest.occlusion(), Mode.FULL, null, 0));
	}
}
