package io.github.xaiclip.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.xaiclip.model.ModelDescriptor;
import io.github.xaiclip.model.RuntimeOptions;
import io.github.xaiclip.model.VisionLanguageModel;
import io.github.xaiclip.tf.TfRuntime;

/**
 * Trains the CLIP-like model on synthetic slices — a bright disc, a grey square and a dark bar at random places on
 * a noisy background — exports it, loads it through the runtime and checks that each shape's prompt finds that
 * shape on slices training never saw, and that training is reproducible.
 */
class ClipTrainerTest {

	static final List<String> SHAPES = Arrays.asList("background", "disc", "square", "bar");
	static final float[] INTENSITY = { 0.05f, 0.9f, 0.55f, 0.3f };

	@TempDir
	static Path dir;
	static DemoData data;
	static ClipTrainer.Trained trained;
	static Path model;

	static Prompts prompts() {
		return new Prompts(SHAPES, Arrays.asList("{}", "a picture of the {}"), Arrays.asList("an image showing the {}"))
			.synonyms("disc", Arrays.asList("bright disc", "round blob"), Arrays.asList("bright blob"))
			.synonyms("square", Arrays.asList("grey square", "box"), Arrays.asList("grey box"))
			.synonyms("bar", Arrays.asList("dark bar", "stripe"), Arrays.asList("dark stripe"));
	}

	static ClipTrainer trainer() {
		final ClipTrainer t = new ClipTrainer(16, 500, 4, 3e-3f, 7);
		t.width = 8;
		t.prompts = prompts();
		return t;
	}

	/** {@code n} slices with each shape once, at random places, not overlapping. */
	static Slices synthetic(final int n, final long seed) {
		final Random r = new Random(seed);
		final int s = ClipTrainer.SIZE;
		final Slices slices = new Slices(s, s);
		for (int i = 0; i < n; i++) {
			final float[] image = new float[s * s];
			final byte[] label = new byte[s * s];
			for (int c = 1; c < SHAPES.size(); c++) {
				for (int attempt = 0;; attempt++) {
					final int cx = 20 + r.nextInt(s - 40), cy = 20 + r.nextInt(s - 40);
					final int radius = 9 + r.nextInt(6), side = 9 + r.nextInt(4), length = 16 + r.nextInt(5);
					final List<Integer> pixels = new ArrayList<>();
					for (int y = 0; y < s; y++)
						for (int x = 0; x < s; x++) {
							final int dx = x - cx, dy = y - cy;
							final boolean inside = c == 1 ? dx * dx + dy * dy <= radius * radius
								: c == 2 ? Math.abs(dx) <= side && Math.abs(dy) <= side : Math.abs(dx) <= length && Math.abs(dy) <= 4;
							if (inside) pixels.add(y * s + x);
						}
					boolean free = true;
					for (final int p : pixels)
						free &= label[p] == 0 && !near(label, p, s);
					if (!free && attempt < 100) continue;
					for (final int p : pixels)
						label[p] = (byte) c;
					break;
				}
			}
			for (int p = 0; p < s * s; p++)
				image[p] = INTENSITY[label[p]] + (float) r.nextGaussian() * 0.03f;
			slices.add("synthetic" + i, image, label);
		}
		return slices;
	}

	/** Whether another shape lies within 3 pixels of {@code p}. */
	private static boolean near(final byte[] label, final int p, final int s) {
		final int x = p % s, y = p / s;
		for (int dy = -3; dy <= 3; dy++)
			for (int dx = -3; dx <= 3; dx++) {
				final int xx = x + dx, yy = y + dy;
				if (xx >= 0 && yy >= 0 && xx < s && yy < s && label[yy * s + xx] != 0) return true;
			}
		return false;
	}

	@BeforeAll
	static void train() throws IOException {
		data = DemoData.of(synthetic(24, 1), synthetic(8, 2));
		final ClipTrainer trainer = trainer();
		trained = trainer.train(data, null);
		model = dir.resolve("clip");
		trainer.export(trained, model);
	}

	@Test
	void theExportedModelLoadsThroughItsDescriptorAndFindsEachShapeByText() {
		final ModelDescriptor.VisionLanguage d = ModelDescriptor.read(model).asVisionLanguage();
		assertEquals(Arrays.asList("{}", "a picture of the {}"), d.promptTemplates());
		assertTrue(d.tokenizer().isNone());
		assertEquals(128, d.toInputSpec().fixedWidth());
		try (VisionLanguageModel m = new TfRuntime().visionLanguage(model, RuntimeOptions.defaults())) {
			final Slices validation = data.validation;
			final Prompts prompts = prompts();
			for (int c = 1; c < SHAPES.size(); c++) {
				final List<String> texts = prompts.trained(c);
				final float[][] t = m.encodeTexts(texts);
				for (int i = 0; i < validation.size(); i++) {
					final VisionLanguageModel.PatchEmbeddings p = m.encodeImages(validation.images.get(i), 1, 128, 128);
					assertArrayEquals(new int[] { 1, 16, 16, 16 }, new int[] { p.batch, p.gridHeight, p.gridWidth, p.dim });
					for (int j = 0; j < texts.size(); j++) {
						// the best patch, straight from the embeddings: it must cover part of the shape
						int best = 0;
						double bestDot = Double.NEGATIVE_INFINITY;
						for (int q = 0; q < 256; q++) {
							double dot = 0;
							for (int k = 0; k < p.dim; k++)
								dot += p.values[q * p.dim + k] * t[j][k];
							if (dot > bestDot) {
								bestDot = dot;
								best = q;
							}
						}
						assertTrue(covers(validation.labels.get(i), best, c), "'" + texts.get(j) + "' on " + validation.names.get(i) + ": best patch " + best
							+ " is not on the " + SHAPES.get(c));
					}
				}
			}
			final ClipTrainer.Evaluation e = ClipTrainer.evaluate(m, validation, prompts);
			assertEquals(Arrays.asList("disc", "square", "bar"), e.classes);
			for (int j = 0; j < e.classes.size(); j++) {
				assertEquals(8 * prompts.trained(j + 1).size(), e.trained.get(j).total);
				assertEquals(1.0, e.trained.get(j).hitRate(), 1e-9, e.table());
				assertTrue(e.trained.get(j).meanDice() > 0.5, e.table());
			}
			assertTrue(e.overall(true).hitRate() >= 0.8, "held-out prompts\n" + e.table());
		}
	}

	@Test
	void textsAreTokenizedInTheGraphAndEmbedAsUnitVectorsOrZeros() {
		try (VisionLanguageModel m = new TfRuntime().visionLanguage(model, RuntimeOptions.defaults())) {
			final float[][] t = m.encodeTexts(Arrays.asList("Bright DISC!", "bright disc", "  the  grey-square ", "", "123 !!"));
			assertArrayEquals(t[0], t[1], "case and punctuation do not matter");
			assertEquals(1.0, norm(t[2]), 1e-4);
			assertFalse(Arrays.equals(t[1], t[2]));
			assertEquals(0.0, norm(t[3]), 0.0, "an empty text embeds as zeros");
			assertEquals(0.0, norm(t[4]), 0.0, "so does one without letters");
			// words no training prompt had add nothing: their embedding rows are zero
			final float[][] u = m.encodeTexts(Arrays.asList("zebra", "bright disc", "bright zebra disc", "a picture of the bright disc"));
			assertEquals(0.0, norm(u[0]), 0.0);
			assertArrayEquals(u[1], u[2], 1e-6f);
			assertFalse(Arrays.equals(u[1], u[3]), "words seen in training count");
		}
	}

	@Test
	void theSameSeedGivesTheSameModel() throws IOException {
		final ClipTrainer trainer = trainer();
		final ClipTrainer.Trained again = trainer.train(data, null);
		final Path copy = dir.resolve("clip-again");
		trainer.export(again, copy);
		final List<String> texts = Arrays.asList("bright disc", "a picture of the box", "dark stripe");
		final float[] images = new float[2 * 128 * 128];
		System.arraycopy(data.validation.images.get(0), 0, images, 0, 128 * 128);
		System.arraycopy(data.validation.images.get(1), 0, images, 128 * 128, 128 * 128);
		final TfRuntime runtime = new TfRuntime();
		try (VisionLanguageModel a = runtime.visionLanguage(model, RuntimeOptions.defaults());
			VisionLanguageModel b = runtime.visionLanguage(copy, RuntimeOptions.defaults()))
		{
			assertArrayEquals(a.encodeImages(images, 2, 128, 128).values, b.encodeImages(images, 2, 128, 128).values);
			final float[][] ta = a.encodeTexts(texts), tb = b.encodeTexts(texts);
			for (int i = 0; i < texts.size(); i++)
				assertArrayEquals(ta[i], tb[i], texts.get(i));
		}
		assertTrue(Files.exists(copy.resolve("xai-clip.yaml")));
		// another seed, another model
		final ClipTrainer other = trainer();
		final ClipTrainer.Trained different = new ClipTrainer(other.dim, 5, other.batch, other.learningRate, 8).train(data, null);
		assertFalse(Arrays.equals(trained.weights.get("text/projection"), different.weights.get("text/projection")));
	}

	@Test
	void targetsAreThePatchFractionsOfEachClass() {
		final byte[] label = new byte[128 * 128];
		for (int y = 0; y < 4; y++)
			for (int x = 0; x < 8; x++)
				label[y * 128 + x] = 2; // half of patch (0, 0)
		label[9 * 128 + 2] = 1; // one pixel of patch 16 (grid row 1, column 0)
		final float[] out = new float[2 * 256 * 2];
		Arrays.fill(out, 5f);
		ClipTrainer.fractions(label, Arrays.asList(1, 2), 8, out, 256);
		for (int i = 0; i < 512; i++)
			assertEquals(5f, out[i], "the first image's targets are left alone");
		assertEquals(0.5f, out[(256 + 0) * 2 + 1]);
		assertEquals(0f, out[(256 + 0) * 2]);
		assertEquals(1f / 64, out[(256 + 16) * 2]);
		float sum = 0;
		for (int i = 512; i < out.length; i++)
			sum += out[i];
		assertEquals(0.5f + 1f / 64, sum, 1e-6);
	}

	@Test
	void withFourPixelPatchesTheGridIsThirtyTwoWide() {
		final byte[] label = new byte[128 * 128];
		for (int y = 4; y < 8; y++)
			for (int x = 124; x < 128; x++)
				label[y * 128 + x] = 1; // all of patch (31, 1)
		label[127 * 128] = 1; // one pixel of the last row's first patch
		final float[] out = new float[32 * 32];
		ClipTrainer.fractions(label, Arrays.asList(1), 4, out, 0);
		assertEquals(1f, out[32 + 31]);
		assertEquals(1f / 16, out[31 * 32]);
		float sum = 0;
		for (final float v : out)
			sum += v;
		assertEquals(1f + 1f / 16, sum, 1e-6);
	}

	@Test
	void similarityMapsAreUpsampledBilinearlyAtPixelCentres() {
		final float[] grid = { 0, 1, 2, 3 };
		final float[] up = ClipTrainer.upsample(grid, 2, 2, 4, 4);
		// corners clamp to the grid values; between them, linear
		assertEquals(0f, up[0]);
		assertEquals(3f, up[15]);
		assertEquals(0.25f, up[1], 1e-6);
		assertEquals(0.75f, up[2], 1e-6);
		assertEquals(1.5f, (up[5] + up[10]) / 2, 1e-6);
	}

	private static boolean covers(final byte[] label, final int patch, final int c) {
		final int px = patch % 16 * 8, py = patch / 16 * 8;
		for (int y = py; y < py + 8; y++)
			for (int x = px; x < px + 8; x++)
				if (label[y * 128 + x] == c) return true;
		return false;
	}

	private static double norm(final float[] v) {
		double n = 0;
		for (final float x : v)
			n += x * x;
		return Math.sqrt(n);
	}
}
