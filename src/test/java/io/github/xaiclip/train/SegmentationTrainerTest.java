package io.github.xaiclip.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.xaiclip.model.RuntimeOptions;
import io.github.xaiclip.model.SegmentationModel;
import io.github.xaiclip.tf.TfRuntime;

/** Training and export of the U-Net on synthetic slices: it learns, it is reproducible, and the export is the trained network. */
class SegmentationTrainerTest {

	static final int W = 32, H = 32;

	/** A bright disk (class 1) and a grey band on the right (class 2) on dark background, at random places. */
	static Slices synthetic(final long seed, final int n) {
		final Random r = new Random(seed);
		final Slices s = new Slices(W, H);
		for (int i = 0; i < n; i++) {
			final float[] img = new float[W * H];
			final byte[] lab = new byte[W * H];
			final double cx = 8 + r.nextInt(12), cy = 8 + r.nextInt(16), band = 24 + r.nextInt(4);
			for (int y = 0; y < H; y++)
				for (int x = 0; x < W; x++) {
					final int p = y * W + x;
					if (Math.hypot(x - cx, y - cy) < 6) {
						img[p] = 0.9f;
						lab[p] = 1;
					}
					else if (x >= band) {
						img[p] = 0.45f;
						lab[p] = 2;
					}
					img[p] += 0.05f * (float) r.nextGaussian();
				}
			s.add("s" + i, img, lab);
		}
		return s;
	}

	static SegmentationTrainer trainer(final int steps, final long seed) {
		final SegmentationTrainer t = new SegmentationTrainer(3, 4, steps, 4, 5e-3f, seed);
		t.logEvery = Integer.MAX_VALUE;
		return t;
	}

	@Test
	void theUNetLearnsAndItsExportIsTheTrainedNetwork(@TempDir final Path tmp) throws Exception {
		final Slices train = synthetic(1, 16), validation = synthetic(2, 4);
		final SegmentationTrainer trainer = trainer(250, 3);
		final SegmentationTrainer.Trained t = trainer.train(train, validation, null);
		assertTrue(t.validationDice[1] > 0.9 && t.validationDice[2] > 0.9, Arrays.toString(t.validationDice));

		final Path dir = tmp.resolve("m");
		trainer.export(t.weights, dir);
		Files.write(dir.resolve("xai-clip.yaml"), ("kind: segmentation\nformat: tensorflow-saved-model\n"
			+ "input: {name: image, axes: byxc, size: {multiple_of: 4}, channels: 1}\npreprocessing: none\n"
			+ "output: {name: probabilities, axes: byxc, activation: none}\nclasses: [background, disk, band]\n").getBytes(StandardCharsets.UTF_8));
		// the exported model, run through the plugin's path, reproduces the Dice measured in training
		final long[] inter = new long[3], predicted = new long[3], truth = new long[3];
		try (SegmentationModel m = new TfRuntime().segmentation(dir, RuntimeOptions.defaults())) {
			final float[] out = new float[W * H * 3];
			for (int i = 0; i < validation.size(); i++) {
				m.predict(validation.images.get(i), 1, H, W, out);
				for (int p = 0; p < W * H; p++) {
					int best = 0;
					for (int c = 1; c < 3; c++)
						if (out[p * 3 + c] > out[p * 3 + best]) best = c;
					final int truthClass = validation.labels.get(i)[p];
					predicted[best]++;
					truth[truthClass]++;
					if (best == truthClass) inter[best]++;
				}
			}
		}
		for (int c = 1; c < 3; c++)
			assertEquals(t.validationDice[c], 2.0 * inter[c] / (predicted[c] + truth[c]), 1e-9, "class " + c);
	}

	@Test
	void theSameSeedGivesTheSameWeights() {
		final Slices train = synthetic(1, 8);
		final Map<String, float[]> a = trainer(15, 7).train(train, train, null).weights;
		final Map<String, float[]> b = trainer(15, 7).train(train, train, null).weights;
		final Map<String, float[]> c = trainer(15, 8).train(train, train, null).weights;
		assertEquals(a.keySet(), b.keySet());
		for (final String k : a.keySet())
			assertArrayEquals(a.get(k), b.get(k), k);
		assertFalse(Arrays.equals(a.get("e1a/w"), c.get("e1a/w")), "another seed, other weights");
	}

	@Test
	void augmentationKeepsLabelsOnTheirPixelsAndNeverInventsClasses() {
		final Slices s = synthetic(4, 1);
		final float[] img = new float[W * H];
		final byte[] lab = new byte[W * H];
		final Random r = new Random(5);
		for (int k = 0; k < 20; k++) {
			Augment.apply(s.images.get(0), s.labels.get(0), W, H, r, img, lab);
			int disk = 0, interior = 0;
			double mean = 0;
			for (int p = 0; p < W * H; p++) {
				assertTrue(lab[p] >= 0 && lab[p] <= 2);
				if (lab[p] == 1) disk++;
				final int x = p % W, y = p / W;
				if (x > 0 && y > 0 && x < W - 1 && y < H - 1 && lab[p] == 1 && lab[p - 1] == 1 && lab[p + 1] == 1 && lab[p - W] == 1 && lab[p + W] == 1) {
					interior++;
					mean += img[p];
				}
			}
			// the disk (area ~113 px) survives rotation, scaling and shifts; inside it, the image is still the disk
			assertTrue(disk > 70 && disk < 160, "disk area " + disk);
			assertEquals(0.9, mean / interior, 0.15, "image under the disk label");
		}
	}
}
