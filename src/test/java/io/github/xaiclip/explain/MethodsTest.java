package io.github.xaiclip.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.github.xaiclip.metrics.CountingModel;
import io.github.xaiclip.metrics.SaliencyMetrics;
import io.github.xaiclip.roi.Roi;
import io.github.xaiclip.roi.Rois;
import io.github.xaiclip.testing.AnalyticModels;
import io.github.xaiclip.testing.AnalyticModels.DiskModel;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

/** RISE and LIME on the disk model, and what all three methods share: batching, seeds, ROI guidance. */
class MethodsTest {

	static final int W = OcclusionTest.W, H = OcclusionTest.H;
	static final double CX = OcclusionTest.CX, CY = OcclusionTest.CY, R = OcclusionTest.R;

	static ArrayImg<FloatType, FloatArray> image() {
		// the disk on a faint texture, so that superpixels and fills have something to work with
		final ArrayImg<FloatType, FloatArray> img = AnalyticModels.diskImage(W, H, CX, CY, R);
		final float[] v = img.update(null).getCurrentStorageArray();
		for (int p = 0; p < v.length; p++)
			v[p] += 0.05f * ((p * 7919) % 13) / 13f;
		return img;
	}

	static Explanation explain(final PerturbationMethod method, final Mode mode, final int batch) {
		final Roi roi = Rois.rectangle(W, H, 26, 6, 28, 28);
		return new ExplanationEngine(new DiskModel(CX, CY, R)).batchSize(batch).explain(image(), Target.ofClass("disk"), method, mode,
			mode == Mode.ROI ? roi : null, 2);
	}

	static Rise rise(final long seed) {
		return Rise.builder().masks(400).cell(8).keepProbability(0.5).seed(seed).build();
	}

	static Lime lime(final long seed) {
		return Lime.builder().superpixels(60).samples(300).seed(seed).build();
	}

	static Occlusion occlusion() {
		return Occlusion.builder().window(8).stride(4).build();
	}

	@Test
	void riseFindsTheDisk() {
		for (final Mode mode : Mode.values()) {
			final Explanation e = explain(rise(1), mode, 16);
			final SaliencyMetrics.Overlap o = SaliencyMetrics.overlap(e.saliency(), OcclusionTest.disk());
			assertTrue(o.dice >= 0.7, mode + ": " + o);
			assertTrue(o.pointingHit, mode + ": " + o);
			assertEquals(401, e.evaluations());
		}
	}

	@Test
	void limeFindsTheDisk() {
		for (final Mode mode : Mode.values()) {
			final Explanation e = explain(lime(1), mode, 16);
			final SaliencyMetrics.Overlap o = SaliencyMetrics.overlap(e.saliency(), OcclusionTest.disk());
			assertTrue(o.dice >= 0.7, mode + ": " + o);
			assertTrue(o.pointingHit, mode + ": " + o);
			assertEquals(301, e.evaluations());
		}
	}

	@Test
	void roiModeLeavesPixelsOutsideTheRegionAtZero() {
		for (final PerturbationMethod m : new PerturbationMethod[] { rise(3), lime(3) }) {
			final Explanation e = explain(m, Mode.ROI, 16);
			final float[] s = e.saliencyValues();
			final Roi region = e.roi();
			for (int y = 0; y < H; y++)
				for (int x = 0; x < W; x++) {
					final boolean inBox = x >= region.minX() && x <= region.maxX() && y >= region.minY() && y <= region.maxY();
					if (m instanceof Rise && !inBox) assertEquals(0f, s[y * W + x], m.name() + " at " + x + "," + y);
				}
			if (m instanceof Lime) {
				// LIME: every non-zero pixel belongs to a superpixel that overlaps the region by >= 10%
				final int[] labels = Slic.segment(io.github.xaiclip.model.PackedImage.of(image()), 60, 10);
				final int[] features = Lime.features(labels, region);
				for (int p = 0; p < s.length; p++) {
					final int label = labels[p];
					if (s[p] != 0) assertTrue(Arrays.stream(features).anyMatch(f -> f == label), "pixel " + p);
				}
				assertTrue(features.length < Arrays.stream(labels).max().getAsInt() + 1, "fewer features than superpixels");
			}
		}
	}

	@Test
	void batchSizeDoesNotChangeTheSaliency() {
		for (final PerturbationMethod m : new PerturbationMethod[] { occlusion(), rise(5), lime(5) })
			for (final Mode mode : Mode.values()) {
				final float[] one = explain(m, mode, 1).saliencyValues();
				assertArrayEquals(one, explain(m, mode, 7).saliencyValues(), m.name() + " " + mode + " batch 7");
				assertArrayEquals(one, explain(m, mode, 32).saliencyValues(), m.name() + " " + mode + " batch 32");
			}
	}

	@Test
	void aSeedGivesOneMapAndAnotherSeedAnother() {
		for (final long seed : new long[] { 0, 17 }) {
			assertArrayEquals(explain(rise(seed), Mode.FULL, 16).saliencyValues(), explain(rise(seed), Mode.FULL, 8).saliencyValues());
			assertArrayEquals(explain(lime(seed), Mode.ROI, 16).saliencyValues(), explain(lime(seed), Mode.ROI, 8).saliencyValues());
		}
		assertFalse(Arrays.equals(explain(rise(0), Mode.FULL, 16).saliencyValues(), explain(rise(17), Mode.FULL, 16).saliencyValues()));
		assertFalse(Arrays.equals(explain(lime(0), Mode.FULL, 16).saliencyValues(), explain(lime(17), Mode.FULL, 16).saliencyValues()));
	}

	@Test
	void riseMasksAreSmoothValuesInTheUnitIntervalWithTheKeepProbabilityAsMean() {
		final Rise rise = Rise.builder().cell(8).keepProbability(0.3).seed(9).build();
		final float[] m = new float[64 * 64];
		double sum = 0;
		for (int i = 0; i < 200; i++) {
			rise.mask(i, 64, 64, m);
			for (int q = 0; q < m.length; q++) {
				assertTrue(m[q] >= 0 && m[q] <= 1);
				sum += m[q];
				// bilinear on 8 px cells: neighbours differ by at most 1/8
				if (q % 64 > 0) assertTrue(Math.abs(m[q] - m[q - 1]) <= 1 / 8f + 1e-6f);
			}
		}
		assertEquals(0.3, sum / (200.0 * m.length), 0.02);
	}

	@Test
	void parametersSeedAndCountsAreRecorded() {
		final Explanation e = explain(lime(11), Mode.ROI, 4);
		assertEquals("lime", e.method());
		assertEquals(Mode.ROI, e.mode());
		assertEquals("disk", e.targetClass());
		assertEquals(11L, e.seed().getAsLong());
		assertEquals(Arrays.asList("superpixels", "compactness", "samples", "kernel_width", "ridge", "seed", "fill", "mode", "target", "roi_margin",
			"batch_size", "evaluation", "evaluation_reason", "receptive_field"), Arrays.asList(e.parameters().keySet().toArray()));
		assertEquals("full-image", e.parameters().get("evaluation"));
		assertEquals("the model declares no receptive field", e.parameters().get("evaluation_reason"));
		assertEquals(4, e.parameters().get("batch_size"));
		assertEquals(2.0, e.parameters().get("roi_margin"));
		assertTrue(e.seconds() > 0);
		assertFalse(explain(occlusion(), Mode.FULL, 4).seed().isPresent());
	}

	@Test
	void theInputImageIsNotModified() {
		final ArrayImg<FloatType, FloatArray> img = image();
		final float[] before = img.update(null).getCurrentStorageArray().clone();
		final CountingModel model = new CountingModel(new DiskModel(CX, CY, R));
		for (final PerturbationMethod m : new PerturbationMethod[] { occlusion(), rise(1), lime(1) })
			new ExplanationEngine(model).explain(img, Target.ofClass("disk"), m, Mode.FULL, null, 0);
		assertArrayEquals(before, img.update(null).getCurrentStorageArray());
	}
}
