package io.github.xaiclip.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.xaiclip.image.Volume;
import io.github.xaiclip.model.ModelDescriptor;
import io.github.xaiclip.model.ModelRuntimes;
import io.github.xaiclip.model.RuntimeOptions;
import io.github.xaiclip.model.SegmentationModel;
import io.github.xaiclip.model.VisionLanguageModel;

/**
 * What train-demo does for the MRI, with a few steps instead of thousands: twice with the same seed it writes models
 * that compute the same (TensorFlow serializes a graph's attributes in no fixed order, so the saved_model.pb bytes
 * differ), the same descriptors and figures, and the domain's report section beside the other domain's.
 */
class DemoModelsBuildTest {

	@Test
	void theSameSeedRebuildsTheSameMriModels(@TempDir final Path tmp) throws IOException {
		final Volume[] v = DemoDomain.MRI.read(Paths.get("test-data"));
		final Path a = tmp.resolve("a"), b = tmp.resolve("b");
		Files.createDirectories(a);
		Files.write(a.resolve("README.md"), "# Data\n\n<!-- train-demo report ct: begin -->\nCT figures\n<!-- train-demo report ct: end -->\n"
			.getBytes(StandardCharsets.UTF_8));
		final PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, "UTF-8");
		DemoModels.build(DemoDomain.MRI, v[0], v[1], a, 3, 4, 4, log);
		DemoModels.build(DemoDomain.MRI, v[0], v[1], b, 3, 4, 4, log);
		for (final String file : new String[] { "mri-unet/xai-clip.yaml", "mri-unet/validation.tsv", "mri-clip/xai-clip.yaml", "mri-clip/validation.txt" })
			assertArrayEquals(Files.readAllBytes(a.resolve("models").resolve(file)), Files.readAllBytes(b.resolve("models").resolve(file)), file);
		final Slices validation = DemoData.of(DemoDomain.MRI, v[0], v[1]).validation;
		final int n = validation.width * validation.height, k = DemoDomain.MRI.classes.size();
		final float[] in = new float[2 * n];
		System.arraycopy(validation.images.get(3), 0, in, 0, n);
		System.arraycopy(validation.images.get(4), 0, in, n, n);
		final float[] pa = new float[2 * n * k], pb = new float[2 * n * k];
		try (SegmentationModel ma = ModelRuntimes.get().segmentation(a.resolve("models/mri-unet"), RuntimeOptions.defaults());
			SegmentationModel mb = ModelRuntimes.get().segmentation(b.resolve("models/mri-unet"), RuntimeOptions.defaults()))
		{
			ma.predict(in, 2, validation.height, validation.width, pa);
			mb.predict(in, 2, validation.height, validation.width, pb);
		}
		assertArrayEquals(pa, pb, "the U-Nets' probabilities");
		final float[] clipIn = DemoData.clip(validation).images.get(3);
		final java.util.List<String> texts = java.util.Arrays.asList("left thalamus", "the right putamen");
		try (VisionLanguageModel ma = ModelRuntimes.get().visionLanguage(a.resolve("models/mri-clip"), RuntimeOptions.defaults());
			VisionLanguageModel mb = ModelRuntimes.get().visionLanguage(b.resolve("models/mri-clip"), RuntimeOptions.defaults()))
		{
			final VisionLanguageModel.PatchEmbeddings ea = ma.encodeImages(clipIn, 1, DemoData.SIZE, DemoData.SIZE);
			assertEquals(32, ea.gridWidth, "4-pixel patches");
			assertArrayEquals(ea.values, mb.encodeImages(clipIn, 1, DemoData.SIZE, DemoData.SIZE).values, "the patch embeddings");
			final float[][] ta = ma.encodeTexts(texts), tb = mb.encodeTexts(texts);
			for (int i = 0; i < texts.size(); i++)
				assertArrayEquals(ta[i], tb[i], texts.get(i));
		}

		final ModelDescriptor.Segmentation unet = ModelDescriptor.read(a.resolve("models/mri-unet")).asSegmentation();
		assertEquals(DemoDomain.MRI.classes, unet.classes());
		assertEquals("percentile {low: 1.0, high: 99.0}", unet.preprocessing().toString());
		assertEquals("percentile {low: 1.0, high: 99.0}", ModelDescriptor.read(a.resolve("models/mri-clip")).preprocessing().toString());

		final String readme = new String(Files.readAllBytes(a.resolve("README.md")), StandardCharsets.UTF_8);
		assertTrue(readme.startsWith("# Data\n\n<!-- train-demo report ct: begin -->\nCT figures\n<!-- train-demo report ct: end -->\n"), readme);
		assertTrue(readme.contains("<!-- train-demo report mri: begin -->\nWritten by `xai-clip train-demo --domain mri --seed 3 --steps 4 --clip-steps 4`"),
			readme);
		assertTrue(readme.contains("| thalamus_left |") && readme.contains("hippocampus_right "), readme);
		assertTrue(readme.trim().endsWith("<!-- train-demo report mri: end -->"), readme);
	}
}
