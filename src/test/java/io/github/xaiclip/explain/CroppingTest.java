package io.github.xaiclip.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.github.xaiclip.metrics.CountingModel;
import io.github.xaiclip.model.GridAdaptedModel;
import io.github.xaiclip.model.PackedImage;
import io.github.xaiclip.model.ReceptiveField;
import io.github.xaiclip.model.SegmentationModel;
import io.github.xaiclip.roi.Roi;
import io.github.xaiclip.roi.Rois;
import io.github.xaiclip.testing.AnalyticModels;
import io.github.xaiclip.testing.AnalyticModels.GlobalMeanModel;
import io.github.xaiclip.testing.AnalyticModels.PooledModel;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

/**
 * Cropped evaluation against the whole image on closed-form models whose receptive field is known: exact where
 * the field holds, and falling back to the whole image, saying why, where it does not.
 */
class CroppingTest {

	/** Stride 4, 2 blocks of context: true radius 11. */
	static final int S = 4, K = 2;
	static final int W = 128, H = 96;

	static ArrayImg<FloatType, FloatArray> image(final int w, final int h) {
		return AnalyticModels.blobImage(w, h, w * 0.6, h * 0.45, 9);
	}

	static Explanation explain(final SegmentationModel model, final Cropping cropping, final ArrayImg<FloatType, FloatArray> image,
		final PerturbationMethod method, final Mode mode, final Roi roi)
	{
		return new ExplanationEngine(model).batchSize(6).cropping(cropping).explain(image, Target.ofClass("organ"), method, mode, roi, 3);
	}

	static double maxDifference(final Explanation a, final Explanation b) {
		double d = 0;
		for (int p = 0; p < a.saliencyValues().length; p++)
			d = Math.max(d, Math.abs(a.saliencyValues()[p] - b.saliencyValues()[p]));
		return d;
	}

	static boolean anyNonZero(final Explanation e) {
		for (final float v : e.saliencyValues())
			if (v != 0) return true;
		return false;
	}

	@Test
	void croppedOcclusionEqualsTheWholeImageInBothModes() {
		final PooledModel model = new PooledModel(S, K, ReceptiveField.bounded(11, S));
		// windows of 6 at stride 5 start off the stride grid, and reach the far edges in full mode
		final Occlusion occlusion = Occlusion.builder().window(6).stride(5).build();
		final Roi roi = Rois.rectangle(W, H, 60, 30, 30, 25);
		for (final Mode mode : Mode.values()) {
			final Explanation full = explain(model, Cropping.OFF, image(W, H), occlusion, mode, roi);
			final Explanation cropped = explain(model, Cropping.DECLARED, image(W, H), occlusion, mode, roi);
			assertTrue(anyNonZero(full), mode.id());
			assertEquals(0, maxDifference(full, cropped), 1e-6, mode.id());
			assertEquals(full.evaluations(), cropped.evaluations(), mode.id());
			assertEquals("full-image", full.parameters().get("evaluation"));
			assertEquals("cropping off", full.parameters().get("evaluation_reason"));
			assertEquals("cropped", cropped.parameters().get("evaluation"), mode.id());
			assertEquals("radius 11 px, stride 4 (declared)", cropped.parameters().get("receptive_field"));
			// a 6 px window grown by 2 x 11 on each side, with 3 px to align its start: 56 px
			assertEquals("crops of 56x56 px in the 128x96 image", cropped.parameters().get("evaluation_reason"), mode.id());
			assertEquals((long) W * H * full.evaluations(), full.pixels());
			assertTrue(cropped.pixels() * 2.5 < full.pixels(), cropped.pixels() + " vs " + full.pixels());
		}
	}

	@Test
	void cropsStartOnTheStrideAndComeInAFewSizes() {
		final PooledModel model = new PooledModel(S, K, ReceptiveField.bounded(11, S));
		explain(model, Cropping.DECLARED, image(W, H), Occlusion.builder().window(6).stride(5).build(), Mode.FULL, null);
		final Set<String> sizes = new HashSet<>();
		for (final int[] s : model.sizes.subList(1, model.sizes.size())) // after the unperturbed reference
			sizes.add(s[0] + "x" + s[1]);
		// 56 inside; towards a far edge a crop keeps an aligned start and ends at the edge, up to 3 px longer
		assertTrue(sizes.size() <= 4 && sizes.contains("56x56"), sizes.toString());
		for (final String s : sizes) {
			final int w = Integer.parseInt(s.split("x")[0]), h = Integer.parseInt(s.split("x")[1]);
			assertTrue(w % S == 0 && h % S == 0 && w >= 56 && h >= 56 && w < 56 + S && h < 56 + S, s);
		}
	}

	@Test
	void aWrongFieldBreaksExactnessSoTheComparisonHasTeeth() {
		final Occlusion occlusion = Occlusion.builder().window(6).stride(5).build();
		final Explanation full = explain(new PooledModel(S, K, null), Cropping.OFF, image(W, H), occlusion, Mode.FULL, null);
		final Explanation tooSmall = explain(new PooledModel(S, K, ReceptiveField.bounded(5, S)), Cropping.DECLARED, image(W, H), occlusion,
			Mode.FULL, null);
		final Explanation offGrid = explain(new PooledModel(S, K, ReceptiveField.bounded(11, 1)) {

			@Override
			public io.github.xaiclip.model.InputSpec inputSpec() {
				return io.github.xaiclip.model.InputSpec.any(1);
			}

			@Override
			public void predict(final float[] input, final int batch, final int height, final int width, final float[] output) {
				// crops of any size reach the model through mirror padding, as in the grid adapter
				final SegmentationModel padded = GridAdaptedModel.adapt(new PooledModel(S, K, null), null, null);
				padded.predict(input, batch, height, width, output);
			}
		}, Cropping.DECLARED, image(W, H), occlusion, Mode.FULL, null);
		assertTrue(maxDifference(full, tooSmall) > 1e-4, "radius too small: " + maxDifference(full, tooSmall));
		assertTrue(maxDifference(full, offGrid) > 1e-4, "crops off the pooling grid: " + maxDifference(full, offGrid));
	}

	@Test
	void throughTheGridAdapterCropsPadTheFarEdgesLikeTheWholeImage() {
		// 126 x 93 is no multiple of 4: the adapter mirror-pads every image, the whole one and the crops at its far edges
		final SegmentationModel model = GridAdaptedModel.adapt(new PooledModel(S, K, ReceptiveField.bounded(11, S)), null, null);
		assertEquals(ReceptiveField.bounded(11, S), model.receptiveField());
		final Occlusion occlusion = Occlusion.builder().window(6).stride(5).build();
		final Explanation full = explain(model, Cropping.OFF, image(126, 93), occlusion, Mode.FULL, null);
		final Explanation cropped = explain(model, Cropping.DECLARED, image(126, 93), occlusion, Mode.FULL, null);
		assertEquals("cropped", cropped.parameters().get("evaluation"));
		assertEquals(0, maxDifference(full, cropped), 1e-6);
	}

	@Test
	void theProbeFindsABoundedFieldAndItsStride() {
		final PooledModel model = new PooledModel(S, K, null);
		final ReceptiveFieldProbe.Estimate e = ReceptiveFieldProbe.probe(model, PackedImage.of(image(W, H)));
		assertFalse(e.field().isGlobal(), e.toString());
		assertEquals(S, e.field().stride(), e.toString());
		assertTrue(e.reach() <= model.trueRadius() && e.reach() >= model.trueRadius() - S, e.toString());
		assertTrue(e.field().radius() >= model.trueRadius(), e.toString());
		assertTrue(e.toString().startsWith("radius " + e.field().radius() + " px, stride 4 (probed on 128x96 with "), e.toString());

		// the engine probes once per image size, records it, and crops exactly
		final CountingModel counting = new CountingModel(model);
		final ExplanationEngine engine = new ExplanationEngine(counting).cropping(Cropping.AUTO);
		final Occlusion occlusion = Occlusion.builder().window(6).stride(5).build();
		final Explanation first = engine.explain(image(W, H), Target.ofClass("organ"), occlusion, Mode.FULL, null, 0);
		final long firstCount = counting.evaluations();
		final Explanation second = engine.explain(image(W, H), Target.ofClass("organ"), occlusion, Mode.FULL, null, 0);
		assertEquals(e.evaluations(), first.parameters().get("probe_evaluations"));
		assertEquals(firstCount - e.evaluations(), first.evaluations(), "the probe is not the explanation's");
		assertFalse(second.parameters().containsKey("probe_evaluations"), "probed once");
		assertEquals(e.toString(), second.parameters().get("receptive_field"));
		assertEquals("cropped", second.parameters().get("evaluation"));
		final Explanation full = explain(model, Cropping.OFF, image(W, H), occlusion, Mode.FULL, null);
		assertEquals(0, maxDifference(full, second), 1e-6);
	}

	@Test
	void aGlobalModelIsDetectedAndExplainedOnTheWholeImage() {
		final GlobalMeanModel model = new GlobalMeanModel(null);
		final ReceptiveFieldProbe.Estimate e = ReceptiveFieldProbe.probe(model, PackedImage.of(image(W, H)));
		assertTrue(e.field().isGlobal(), e.toString());
		assertTrue(e.toString().contains("changes the output across the whole 128x96 image"), e.toString());
		// a model that looks at fixed coordinates (a disk) is local, but no crop reproduces it
		final ReceptiveFieldProbe.Estimate disk = ReceptiveFieldProbe.probe(new AnalyticModels.DiskModel(70, 40, 9), PackedImage.of(image(W, H)));
		assertTrue(disk.field().isGlobal(), disk.toString());
		assertEquals("global (probe: no crop reproduced the whole image's output at any stride up to 64)", disk.toString());

		final Occlusion occlusion = Occlusion.builder().window(8).stride(8).build();
		final Explanation auto = explain(model, Cropping.AUTO, image(W, H), occlusion, Mode.FULL, null);
		final Explanation full = explain(model, Cropping.OFF, image(W, H), occlusion, Mode.FULL, null);
		assertEquals("full-image", auto.parameters().get("evaluation"));
		assertTrue(((String) auto.parameters().get("evaluation_reason")).startsWith("receptive field global (probe: "), auto.parameters().toString());
		assertEquals(0, maxDifference(full, auto), 0.0);
		assertEquals(full.pixels(), auto.pixels());

		final Explanation declared = explain(new GlobalMeanModel(ReceptiveField.global("declared global in xai-clip.yaml")), Cropping.AUTO,
			image(W, H), occlusion, Mode.FULL, null);
		assertEquals("full-image", declared.parameters().get("evaluation"));
		assertEquals("receptive field global (declared global in xai-clip.yaml)", declared.parameters().get("evaluation_reason"));
		assertFalse(declared.parameters().containsKey("probe_evaluations"), "a declared field is not probed");
	}

	@Test
	void theFullImagePathSaysWhy() {
		final ArrayImg<FloatType, FloatArray> img = image(W, H);
		final Explanation undeclared = explain(new PooledModel(S, K, null), Cropping.DECLARED, img, Occlusion.builder().window(6).stride(5).build(),
			Mode.FULL, null);
		assertEquals("the model declares no receptive field", undeclared.parameters().get("evaluation_reason"));
		assertEquals("not declared", undeclared.parameters().get("receptive_field"));
		final PooledModel declared = new PooledModel(S, K, ReceptiveField.bounded(11, S));
		final Explanation rise = explain(declared, Cropping.DECLARED, img, Rise.builder().masks(20).cell(16).build(), Mode.FULL, null);
		assertEquals("full-image", rise.parameters().get("evaluation"));
		assertEquals("the perturbations are not local", rise.parameters().get("evaluation_reason"));
		final Explanation large = explain(declared, Cropping.DECLARED, img, Occlusion.builder().window(90).stride(38).build(), Mode.FULL, null);
		assertEquals("full-image", large.parameters().get("evaluation"));
		assertEquals("crops would be no smaller than the 128x96 image (140x140 at least)", large.parameters().get("evaluation_reason"));
	}
}
