package io.github.xaiclip.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.xaiclip.explain.Cropping;
import io.github.xaiclip.explain.Explanation;
import io.github.xaiclip.explain.ExplanationEngine;
import io.github.xaiclip.explain.Mode;
import io.github.xaiclip.explain.Occlusion;
import io.github.xaiclip.explain.Target;
import io.github.xaiclip.image.Nifti;
import io.github.xaiclip.image.Volume;
import io.github.xaiclip.metrics.SaliencyMetrics;
import io.github.xaiclip.model.GridAdaptedModel;
import io.github.xaiclip.model.InputSpec;
import io.github.xaiclip.model.ModelDescriptor;
import io.github.xaiclip.model.ModelRuntimes;
import io.github.xaiclip.model.PackedImage;
import io.github.xaiclip.model.ReceptiveField;
import io.github.xaiclip.model.RuntimeOptions;
import io.github.xaiclip.model.SegmentationModel;
import io.github.xaiclip.roi.Roi;
import io.github.xaiclip.roi.Rois;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * The demo CT U-Net explained more cheaply. Cropped occlusion against the whole image, at its native grid (the
 * bundled 122 x 101 slice at 3 mm) and on a 512 x 512 slice fed to the SavedModel as it is: within 1e-4
 * everywhere, with the declared receptive field and with a probed one. Adaptive occlusion against plain occlusion
 * on the spleen: the same saliency Dice for fewer evaluations.
 */
class DemoUNetCostTest {

	static final Path DATA = Paths.get("test-data");
	/** The validation slice with the most liver. */
	static final int Z = 22;
	static final int LIVER = 5, SPLEEN = 1;
	static final double EXACT = 1e-4;

	static SegmentationModel unet;
	static PackedImage slice;
	static Roi liver, spleen;

	@BeforeAll
	static void load() {
		final Path dir = DATA.resolve("models/ct-unet");
		final Volume ct = Nifti.read(DATA.resolve("totalseg-abdomen-ct/example_ct_sm.nii.gz"));
		final Volume labels = Nifti.read(DATA.resolve("totalseg-abdomen-ct/example_seg.nii.gz"));
		slice = ModelDescriptor.read(dir).preprocessing().apply(Views.hyperSlice(ct.image(), 2, Z));
		liver = Rois.fromLabel(Views.hyperSlice(labels.image(), 2, Z), LIVER, "labels");
		spleen = Rois.fromLabel(Views.hyperSlice(labels.image(), 2, Z), SPLEEN, "labels");
		unet = ModelRuntimes.get().segmentation(dir, RuntimeOptions.defaults());
	}

	@AfterAll
	static void close() {
		unet.close();
	}

	/** The same model without its declared receptive field, so that the engine has to probe it. */
	static SegmentationModel undeclared(final SegmentationModel m) {
		return new SegmentationModel() {

			@Override
			public InputSpec inputSpec() {
				return m.inputSpec();
			}

			@Override
			public List<String> classNames() {
				return m.classNames();
			}

			@Override
			public void predict(final float[] input, final int batch, final int height, final int width, final float[] output) {
				m.predict(input, batch, height, width, output);
			}
		};
	}

	static double maxDifference(final Explanation a, final Explanation b) {
		double d = 0;
		for (int p = 0; p < a.saliencyValues().length; p++)
			d = Math.max(d, Math.abs(a.saliencyValues()[p] - b.saliencyValues()[p]));
		return d;
	}

	static double maxAbs(final Explanation e) {
		double m = 0;
		for (final float v : e.saliencyValues())
			m = Math.max(m, Math.abs(v));
		return m;
	}

	static ArrayImg<FloatType, FloatArray> img(final PackedImage p) {
		return ArrayImgs.floats(p.data(), p.width(), p.height());
	}

	@Test
	void atTheNativeGridCropsMatchTheWholeImage() {
		final SegmentationModel adapted = GridAdaptedModel.adapt(unet, new double[] { 3, 3 }, new double[] { 3, 3 });
		assertEquals(ReceptiveField.bounded(26, 4), adapted.receptiveField());
		final Occlusion occlusion = Occlusion.builder().window(8).stride(4).build();
		final Target target = Target.ofClass("spleen");
		final Roi roi = spleen.dilate(3);
		final Explanation full = new ExplanationEngine(adapted).cropping(Cropping.OFF).explain(img(slice), target, occlusion, Mode.ROI, roi, 3);
		final Explanation cropped = new ExplanationEngine(adapted).explain(img(slice), target, occlusion, Mode.ROI, roi, 3);
		final Explanation probed = new ExplanationEngine(undeclared(adapted)).cropping(Cropping.AUTO).explain(img(slice), target, occlusion, Mode.ROI,
			roi, 3);
		assertTrue(maxAbs(full) > 0.01, "a real map: " + maxAbs(full));
		// 8 + 4 x 26 + 3 -> 116 columns of the 122; all 101 rows
		assertEquals("cropped", cropped.parameters().get("evaluation"));
		assertEquals("crops of 116x101 px in the 122x101 image", cropped.parameters().get("evaluation_reason"));
		assertTrue(maxDifference(full, cropped) <= EXACT, "declared field: " + maxDifference(full, cropped));
		assertTrue(maxDifference(full, probed) <= EXACT, "probed field: " + maxDifference(full, probed) + ", " + probed.parameters());
		assertTrue(String.valueOf(probed.parameters().get("receptive_field")).contains("probed on 122x101"), probed.parameters().toString());
		assertTrue(cropped.pixels() < full.pixels());
		System.out.printf("native: max |saliency| %.4f, cropped differs by %.2e (declared), %.2e (probed: %s, %s)%n", maxAbs(full),
			maxDifference(full, cropped), maxDifference(full, probed), probed.parameters().get("receptive_field"), probed.parameters().get("evaluation"));
	}

	@Test
	void onA512SliceCropsMatchTheWholeImageForAFifthOfThePixels() {
		final int n = 512;
		final PackedImage big = slice.resampled(n, n);
		final boolean[] m = new boolean[n * n];
		for (int y = 0; y < n; y++)
			for (int x = 0; x < n; x++)
				m[y * n + x] = liver.contains(x * slice.width() / n, y * slice.height() / n);
		final Roi liverBig = Roi.ofMask(n, n, m, "liver");
		// a 40 px square at the liver's centre of mass, explained with 32 px windows (16 of them)
		long sx = 0, sy = 0;
		for (int p = 0; p < n * n; p++)
			if (m[p]) {
				sx += p % n;
				sy += p / n;
			}
		final int cx = (int) (sx / liverBig.area()), cy = (int) (sy / liverBig.area());
		final Roi roi = Rois.rectangle(n, n, cx - 20, cy - 20, 40, 40);
		final Target target = Target.ofClass("liver").over(liverBig);
		final Occlusion occlusion = Occlusion.builder().window(32).stride(16).build();
		final Explanation full = new ExplanationEngine(unet).cropping(Cropping.OFF).explain(img(big), target, occlusion, Mode.ROI, roi, 0);
		final Explanation cropped = new ExplanationEngine(unet).explain(img(big), target, occlusion, Mode.ROI, roi, 0);
		final Explanation probed = new ExplanationEngine(undeclared(unet)).cropping(Cropping.AUTO).explain(img(big), target, occlusion, Mode.ROI, roi,
			0);
		assertTrue(maxAbs(full) > 1e-3, "a real map: " + maxAbs(full));
		assertEquals("cropped", cropped.parameters().get("evaluation"));
		assertEquals("cropped", probed.parameters().get("evaluation"), probed.parameters().toString());
		assertFalse(((String) probed.parameters().get("receptive_field")).startsWith("global"));
		assertTrue(maxDifference(full, cropped) <= EXACT, "declared field: " + maxDifference(full, cropped));
		assertTrue(maxDifference(full, probed) <= EXACT, "probed field: " + maxDifference(full, probed) + ", " + probed.parameters());
		assertEquals(full.evaluations(), cropped.evaluations());
		// the unperturbed reference runs on the whole image in both
		final long reference = (long) n * n;
		assertTrue((cropped.pixels() - reference) * 5 <= full.pixels() - reference, cropped.pixels() + " vs " + full.pixels());
		System.out.printf("512: %d evaluations, max |saliency| %.4f, cropped differs by %.2e (declared), %.2e (probed: %s)%n", full.evaluations(),
			maxAbs(full), maxDifference(full, cropped), maxDifference(full, probed), probed.parameters().get("receptive_field"));
	}

	@Test
	void adaptiveOcclusionFindsTheSpleenAsPlainOcclusionDoesWithFewerEvaluations() {
		final SegmentationModel adapted = GridAdaptedModel.adapt(unet, new double[] { 3, 3 }, new double[] { 3, 3 });
		final Roi roi = spleen.dilate(3);
		final Target target = Target.ofClass("spleen");
		final Occlusion plain = Occlusion.builder().window(4).stride(2).build();
		final Occlusion adaptive = Occlusion.builder().window(4).stride(2).refine(12, 6, 0.3).build();
		final ExplanationEngine engine = new ExplanationEngine(adapted);
		final Explanation p = engine.explain(img(slice), target, plain, Mode.ROI, roi, 3);
		final Explanation a = engine.explain(img(slice), target, adaptive, Mode.ROI, roi, 3);
		final Explanation whole = new ExplanationEngine(adapted).cropping(Cropping.OFF).explain(img(slice), target, adaptive, Mode.ROI, roi, 3);
		final SaliencyMetrics.Overlap op = SaliencyMetrics.overlap(p.saliency(), spleen), oa = SaliencyMetrics.overlap(a.saliency(), spleen);
		System.out.printf("spleen, adaptive against plain occlusion: %d against %d evaluations, Dice %.3f against %.3f, IoU %.3f against %.3f%n",
			a.evaluations(), p.evaluations(), oa.dice, op.dice, oa.iou, op.iou);
		assertTrue(op.dice > 0.8, "plain occlusion finds the spleen: " + op.dice);
		assertEquals(op.dice, oa.dice, 0.02);
		// IoU moves about 1.5 times as far as Dice for the same pixels (0.823 -> 0.803 here)
		assertEquals(op.iou, oa.iou, 0.03);
		assertTrue(a.evaluations() < p.evaluations(), a.evaluations() + " vs " + p.evaluations());
		assertEquals(1 + ((Number) a.parameters().get("coarse_evaluations")).longValue() + ((Number) a.parameters().get("fine_evaluations")).longValue(),
			a.evaluations());
		assertTrue(maxDifference(whole, a) <= EXACT, "refinement with crops against the whole image: " + maxDifference(whole, a));
	}
}
