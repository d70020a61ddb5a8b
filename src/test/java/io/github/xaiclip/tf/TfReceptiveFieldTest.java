package io.github.xaiclip.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.SavedModelBundle;

import io.github.xaiclip.explain.Cropping;
import io.github.xaiclip.explain.Explanation;
import io.github.xaiclip.explain.ExplanationEngine;
import io.github.xaiclip.explain.Mode;
import io.github.xaiclip.explain.Occlusion;
import io.github.xaiclip.explain.ReceptiveFieldProbe;
import io.github.xaiclip.explain.Target;
import io.github.xaiclip.model.InputSpec;
import io.github.xaiclip.model.ModelDescriptor;
import io.github.xaiclip.model.PackedImage;
import io.github.xaiclip.roi.Roi;
import io.github.xaiclip.roi.Rois;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

/** The receptive-field probe and cropped evaluation on real TensorFlow models: one with global context, one U-Net. */
class TfReceptiveFieldTest {

	@TempDir
	Path dir;

	static ArrayImg<FloatType, FloatArray> image(final int w, final int h) {
		final float[] v = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				v[y * w + x] = (float) (0.5 + 0.4 * Math.sin(0.21 * x) * Math.cos(0.17 * y) + (Math.hypot(x - 0.6 * w, y - 0.4 * h) < 10 ? 0.8 : 0));
		return ArrayImgs.floats(v, w, h);
	}

	@Test
	void aGlobalMeanIsFoundAndTheModelIsExplainedOnTheWholeImage() throws Exception {
		TfTestModels.globalContext(dir.resolve("global"));
		try (SavedModelBundle b = SavedModelBundle.load(dir.resolve("global").toString(), "serve")) {
			final TfSegmentationModel model = new TfSegmentationModel(b, () -> {}, "serving_default", "image", "probabilities", false,
				ModelDescriptor.Activation.NONE, InputSpec.any(1), null, Arrays.asList("background", "organ"), "global");
			final ReceptiveFieldProbe.Estimate e = ReceptiveFieldProbe.probe(model, PackedImage.of(image(96, 80)));
			assertTrue(e.field().isGlobal(), e.toString());
			final Roi roi = Rois.rectangle(96, 80, 50, 20, 20, 20);
			final Occlusion occlusion = Occlusion.builder().window(8).stride(4).build();
			final Explanation auto = new ExplanationEngine(model).cropping(Cropping.AUTO).explain(image(96, 80), Target.ofClass("organ").over(roi),
				occlusion, Mode.ROI, roi, 2);
			assertEquals("full-image", auto.parameters().get("evaluation"));
			assertEquals("receptive field " + e.field(), auto.parameters().get("evaluation_reason"));
			assertEquals(auto.evaluations() * 96 * 80, auto.pixels());
		}
	}

	@Test
	void aUNetIsProbedAndCroppedExactly() throws Exception {
		try (SavedModelBundle b = SavedModelBundle.load(TinyUNet.export(dir.resolve("unet")).toString(), "serve")) {
			final TfSegmentationModel model = new TfSegmentationModel(b, () -> {}, "serving_default", "image", "probabilities", false,
				ModelDescriptor.Activation.NONE, InputSpec.multipleOf(1, 2), null, Arrays.asList("0", "1", "2", "3", "4", "5"), "tiny u-net");
			final int w = 160, h = 128;
			final ReceptiveFieldProbe.Estimate e = ReceptiveFieldProbe.probe(model, PackedImage.of(image(w, h)));
			assertFalse(e.field().isGlobal(), e.toString());
			assertEquals(2, e.field().stride(), "one pooling: " + e);
			final Roi roi = Rois.rectangle(w, h, 80, 40, 30, 30);
			final Occlusion occlusion = Occlusion.builder().window(6).stride(3).build();
			final Target target = Target.ofClass(1).over(roi);
			final Explanation full = new ExplanationEngine(model).cropping(Cropping.OFF).explain(image(w, h), target, occlusion, Mode.ROI, roi, 2);
			final Explanation cropped = new ExplanationEngine(model).cropping(Cropping.AUTO).explain(image(w, h), target, occlusion, Mode.ROI, roi, 2);
			assertEquals("cropped", cropped.parameters().get("evaluation"), cropped.parameters().toString());
			double max = 0, diff = 0;
			for (int p = 0; p < w * h; p++) {
				max = Math.max(max, Math.abs(full.saliencyValues()[p]));
				diff = Math.max(diff, Math.abs(full.saliencyValues()[p] - cropped.saliencyValues()[p]));
			}
			assertTrue(max > 1e-3, "the map is not empty: " + max);
			assertTrue(diff <= 1e-5, "cropped against whole image: " + diff + " (" + e + ")");
			assertTrue(cropped.pixels() * 2 < full.pixels());
		}
	}
}
