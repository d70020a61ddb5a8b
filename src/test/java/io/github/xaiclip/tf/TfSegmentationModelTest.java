package io.github.xaiclip.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

import io.github.xaiclip.model.InputSpec;
import io.github.xaiclip.model.ModelDescriptor;

class TfSegmentationModelTest {

	@TempDir
	static Path dir;
	static SavedModelBundle last, first;
	static final List<String> CLASSES = Arrays.asList("background", "a", "b");

	@BeforeAll
	static void export() throws Exception {
		last = SavedModelBundle.load(ConvModel.export(dir.resolve("byxc"), false, null).toString(), "serve");
		first = SavedModelBundle.load(ConvModel.export(dir.resolve("bcyx"), true, null).toString(), "serve");
	}

	@AfterAll
	static void close() {
		last.close();
		first.close();
	}

	static TfSegmentationModel model(final SavedModelBundle b, final String output, final ModelDescriptor.Activation a) {
		return new TfSegmentationModel(b, () -> {}, "serving_default", "image", output, b == first, a, InputSpec.any(1), null, CLASSES, "test model");
	}

	static float[] images(final int n, final int w, final int h) {
		final float[] v = new float[n * w * h];
		for (int i = 0; i < v.length; i++)
			v[i] = (float) Math.cos(i * 0.37) * 2;
		return v;
	}

	@Test
	void probabilitiesMatchTheNetworkComputedByHand() {
		final int w = 9, h = 7, n = 3;
		final float[] in = images(n, w, h);
		for (final SavedModelBundle b : new SavedModelBundle[] { last, first }) {
			final float[] fromProbabilities = new float[n * w * h * 3], fromLogits = new float[n * w * h * 3];
			model(b, "probabilities", ModelDescriptor.Activation.NONE).predict(in, n, h, w, fromProbabilities);
			model(b, "logits", ModelDescriptor.Activation.SOFTMAX).predict(in, n, h, w, fromLogits);
			for (int i = 0; i < n; i++) {
				final float[] expected = ConvModel.softmax(ConvModel.logits(in, i * w * h, w, h));
				assertArrayEquals(expected, Arrays.copyOfRange(fromProbabilities, i * w * h * 3, (i + 1) * w * h * 3), 1e-5f, "image " + i);
				assertArrayEquals(expected, Arrays.copyOfRange(fromLogits, i * w * h * 3, (i + 1) * w * h * 3), 1e-5f, "image " + i);
			}
		}
	}

	@Test
	void sigmoidIsAppliedElementWise() {
		final int w = 4, h = 5;
		final float[] in = images(1, w, h), out = new float[w * h * 3];
		model(last, "logits", ModelDescriptor.Activation.SIGMOID).predict(in, 1, h, w, out);
		final float[] logits = ConvModel.logits(in, 0, w, h);
		for (int i = 0; i < out.length; i++)
			assertEquals(1 / (1 + Math.exp(-logits[i])), out[i], 1e-6);
	}

	@Test
	void thePluginPathGivesExactlyWhatABareSessionRunGives() {
		final int w = 16, h = 12, n = 4;
		final float[] in = images(n, w, h), ours = new float[n * w * h * 3];
		model(last, "probabilities", ModelDescriptor.Activation.NONE).predict(in, n, h, w, ours);
		final float[] bare = new float[ours.length];
		try (TFloat32 t = TFloat32.tensorOf(Shape.of(n, h, w, 1), DataBuffers.of(in, true, false));
			Result r = last.session().runner().feed("image", t).fetch("probabilities").run())
		{
			((TFloat32) r.get(0)).copyTo(DataBuffers.of(bare, false, false));
		}
		assertArrayEquals(bare, ours);
	}

	@Test
	void batchSizeDoesNotChangeTheOutput() {
		final int w = 8, h = 8, n = 16;
		final float[] in = images(n, w, h), batched = new float[n * w * h * 3];
		final TfSegmentationModel m = model(last, "probabilities", ModelDescriptor.Activation.NONE);
		m.predict(in, n, h, w, batched);
		for (int i = 0; i < n; i++) {
			final float[] one = new float[w * h * 3];
			m.predict(Arrays.copyOfRange(in, i * w * h, (i + 1) * w * h), 1, h, w, one);
			assertArrayEquals(one, Arrays.copyOfRange(batched, i * w * h * 3, (i + 1) * w * h * 3), "image " + i);
		}
	}

	@Test
	void arraysLongerThanTheBatchAreFineAndTheInputIsUntouched() {
		final int w = 5, h = 5;
		final float[] in = images(3, w, h), copy = in.clone(), out = new float[3 * w * h * 3 + 11];
		Arrays.fill(out, -7);
		model(first, "probabilities", ModelDescriptor.Activation.NONE).predict(in, 2, h, w, out);
		assertArrayEquals(copy, in);
		for (int i = 2 * w * h * 3; i < out.length; i++)
			assertEquals(-7f, out[i], "beyond the batch: " + i);
	}

	@Test
	void aWrongOutputShapeIsAClearError() {
		final TfSegmentationModel wrongClasses = new TfSegmentationModel(last, () -> {}, "serving_default", "image", "probabilities", false,
			ModelDescriptor.Activation.NONE, InputSpec.any(1), null, Arrays.asList("background", "a"), "liver-model");
		final IllegalStateException e = assertThrows(IllegalStateException.class, () -> wrongClasses.predict(new float[16], 1, 4, 4, new float[32]));
		assertTrue(e.getMessage().startsWith("liver-model: output 'probabilities' has shape [1, 4, 4, 3], expected [1, 4, 4, 2]"), e.getMessage());
	}

	@Test
	void runningOutOfMemoryHalvesTheBatchAndKeepsTheSizeThatWorked() {
		final TfSegmentationModel m = model(last, "probabilities", ModelDescriptor.Activation.NONE);
		final java.util.List<int[]> chunks = new java.util.ArrayList<>();
		// a device that holds 5 images at most
		final TfSegmentationModel.Chunk device = (start, n) -> {
			if (n > 5) throw new org.tensorflow.exceptions.TFResourceExhaustedException("OOM when allocating tensor");
			chunks.add(new int[] { start, n });
		};
		m.inChunks(16, device);
		assertEquals(4, m.maxBatch(), "16 -> 8 -> 4");
		assertEquals("[[0, 4], [4, 4], [8, 4], [12, 4]]", java.util.Arrays.deepToString(chunks.toArray()));
		chunks.clear();
		m.inChunks(10, device);
		assertEquals("[[0, 4], [4, 4], [8, 2]]", java.util.Arrays.deepToString(chunks.toArray()), "later calls start at the size that worked");
		final IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.inChunks(3, (start, n) -> {
			throw new org.tensorflow.exceptions.TFResourceExhaustedException("OOM");
		}));
		assertEquals("test model: TensorFlow ran out of memory on a single image", e.getMessage());
	}
}
