package io.github.xaiclip.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.xaiclip.model.ModelRuntime;
import io.github.xaiclip.model.RuntimeOptions;
import io.github.xaiclip.model.SegmentationModel;
import io.github.xaiclip.model.VisionLanguageModel;

/** Loading models through their descriptors: the happy path, the cache, and every way a model can fail to fit. */
class TfRuntimeTest {

	@TempDir
	static Path dir;
	static Path conv, hostile, written, vl;

	static final String DESCRIPTOR = "kind: segmentation\n" + "format: tensorflow-saved-model\n" + "signature: serving_default\n"
		+ "input: {name: image, axes: byxc, size: {multiple_of: 1}, channels: 1}\n" + "preprocessing: none\n"
		+ "output: {name: probabilities, axes: byxc, activation: none}\n" + "classes: [background, a, b]\n";

	@BeforeAll
	static void export() throws IOException {
		conv = ConvModel.export(dir.resolve("conv"), false, null);
		write(conv, DESCRIPTOR);
		written = dir.resolve("written.txt");
		hostile = ConvModel.export(dir.resolve("hostile"), false, null, written);
		write(hostile, DESCRIPTOR);
		vl = dir.resolve("vl");
		TfTestModels.visionLanguage(vl);
		write(vl, "kind: vision-language\nformat: tensorflow-saved-model\n"
			+ "image: {signature: encode_image, input: image, output: patch_embeddings}\n"
			+ "text: {signature: encode_text, input: text, output: text_embeddings}\n" + "tokenizer: none\n"
			+ "prompt_templates: ['{}', 'a CT image of the {}']\n" + "preprocessing: {type: window, min: -160, max: 240}\n"
			+ "input: {axes: byxc, size: [64, 64], channels: 1}\n");
	}

	static void write(final Path folder, final String yaml) throws IOException {
		Files.write(folder.resolve("xai-clip.yaml"), yaml.getBytes(StandardCharsets.UTF_8));
	}

	/** A copy of the conv model folder with another descriptor. */
	static Path variant(final String name, final String yaml) throws IOException {
		final Path d = Files.createDirectories(dir.resolve(name));
		Files.copy(conv.resolve("saved_model.pb"), d.resolve("saved_model.pb"));
		write(d, yaml);
		return d;
	}

	@Test
	void aModelLoadsThroughItsDescriptorAndPredicts() {
		final TfRuntime runtime = new TfRuntime();
		try (SegmentationModel m = runtime.segmentation(conv, RuntimeOptions.defaults().threads(1))) {
			assertEquals(Arrays.asList("background", "a", "b"), m.classNames());
			final int w = 6, h = 5;
			final float[] in = new float[w * h], out = new float[w * h * 3];
			for (int i = 0; i < in.length; i++)
				in[i] = i % 3 - 1;
			m.predict(in, 1, h, w, out);
			assertArrayEquals(ConvModel.softmax(ConvModel.logits(in, 0, w, h)), out, 1e-5f);
		}
	}

	@Test
	void aModelLoadsOncePerFolderAndOptionsAndIsFreedWhenIdle() {
		final TfRuntime runtime = new TfRuntime();
		final SegmentationModel a = runtime.segmentation(conv, RuntimeOptions.defaults());
		final SegmentationModel b = runtime.segmentation(conv.resolve("..").resolve("conv"), RuntimeOptions.defaults());
		assertEquals(1, runtime.cached(), "same folder, same options: one SavedModel");
		final SegmentationModel c = runtime.segmentation(conv, RuntimeOptions.defaults().threads(1));
		assertEquals(2, runtime.cached(), "other thread settings: another session");
		a.close();
		a.close(); // closing twice gives back one reference only
		runtime.closeIdle();
		assertEquals(2, runtime.cached(), "b still holds the model");
		b.close();
		c.close();
		runtime.closeIdle();
		assertEquals(0, runtime.cached());
	}

	private static void refused(final Path folder, final String expected) {
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> new TfRuntime().segmentation(folder, RuntimeOptions.defaults()).close());
		assertTrue(e.getMessage().startsWith(expected), "'" + e.getMessage() + "'\nshould start with\n'" + expected + "'");
		assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
	}

	@Test
	void descriptorsThatDoNotFitTheSavedModelAreRefusedWithTheExactMismatch() throws IOException {
		refused(variant("input-name", DESCRIPTOR.replace("name: image", "name: img")), dir.resolve("input-name").resolve("xai-clip.yaml")
			+ ": input.name: signature 'serving_default' has no input 'img'; its inputs are [image]");
		refused(variant("signature", DESCRIPTOR.replace("signature: serving_default", "signature: predict")),
			dir.resolve("signature").resolve("xai-clip.yaml") + ": signature: 'predict' is not in the SavedModel; it has serving_default");
		refused(variant("channels", DESCRIPTOR.replace("channels: 1", "channels: 3")), dir.resolve("channels").resolve("xai-clip.yaml")
			+ ": input.channels: 3, but input 'image' has shape [-1, -1, -1, 1] (axes byxc: 1 channel(s))");
		refused(variant("output-name", DESCRIPTOR.replace("name: probabilities", "name: probs")),
			dir.resolve("output-name").resolve("xai-clip.yaml") + ": output.name: signature 'serving_default' has no output 'probs'; its outputs are");
		refused(variant("tags", DESCRIPTOR + "tags: [train]\n"), dir.resolve("tags").resolve("xai-clip.yaml") + ": tags: ");
	}

	@Test
	void brokenFoldersAreRefusedNamingTheFile() throws IOException {
		final Path empty = Files.createDirectories(dir.resolve("empty"));
		write(empty, DESCRIPTOR);
		refused(empty, empty + ": missing saved_model.pb");
		final Path noDescriptor = Files.createDirectories(dir.resolve("no-descriptor"));
		Files.copy(conv.resolve("saved_model.pb"), noDescriptor.resolve("saved_model.pb"));
		refused(noDescriptor, noDescriptor.resolve("xai-clip.yaml").toString());
		final Path corrupt = Files.createDirectories(dir.resolve("corrupt"));
		write(corrupt, DESCRIPTOR);
		final byte[] pb = Files.readAllBytes(conv.resolve("saved_model.pb"));
		Files.write(corrupt.resolve("saved_model.pb"), Arrays.copyOf(pb, pb.length / 2));
		refused(corrupt, corrupt.resolve("saved_model.pb") + ": not a readable SavedModel");
	}

	@Test
	void aModelThatWritesFilesIsRefusedUnlessTrusted() throws IOException {
		Files.deleteIfExists(written);
		refused(hostile, hostile + ": signature 'serving_default' reaches op WriteFile");
		assertFalse(Files.exists(written), "nothing ran");
		final TfRuntime runtime = new TfRuntime();
		try (SegmentationModel m = runtime.segmentation(hostile, RuntimeOptions.defaults().trusted(true))) {
			m.predict(new float[16], 1, 4, 4, new float[48]);
		}
		assertTrue(Files.exists(written), "trusted, the model ran as its author wrote it");
		final ModelRuntime.Inspection inspection = runtime.inspect(hostile);
		assertFalse(inspection.fits());
		assertTrue(inspection.problems().get(0).contains("WriteFile"), inspection.report());
	}

	@Test
	void askingForAGpuWithoutOneSaysSo() {
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> new TfRuntime().segmentation(conv, RuntimeOptions.defaults().device(RuntimeOptions.Device.GPU)));
		assertTrue(e.getMessage().startsWith("device: gpu requested, but TensorFlow finds no GPU"), e.getMessage());
		// cpu and auto run
		new TfRuntime().segmentation(conv, RuntimeOptions.defaults().device(RuntimeOptions.Device.CPU)).close();
	}

	@Test
	void inspectionReportsWhatTheModelDeclaresAndThatTheDescriptorFits() {
		final ModelRuntime.Inspection i = new TfRuntime().inspect(conv);
		assertTrue(i.fits(), i.report());
		for (final String s : new String[] { "serving_default", "image", "probabilities", "logits", "float32", "fits the SavedModel",
			"receptive field: not declared" })
			assertTrue(i.report().contains(s), s + " in\n" + i.report());
	}

	@Test
	void aVisionLanguageModelEncodesImagesAndTexts() {
		try (VisionLanguageModel m = new TfRuntime().visionLanguage(vl, RuntimeOptions.defaults())) {
			assertEquals(Arrays.asList("{}", "a CT image of the {}"), m.promptTemplates());
			final VisionLanguageModel.PatchEmbeddings p = m.encodeImages(new float[2 * 64 * 64], 2, 64, 64);
			assertArrayEquals(new int[] { 2, 8, 8, 16 }, new int[] { p.batch, p.gridHeight, p.gridWidth, p.dim });
			final float[][] t = m.encodeTexts(Arrays.asList("liver", "LIVER!", "spleen"));
			assertEquals(3, t.length);
			assertEquals(16, t[0].length);
			assertArrayEquals(t[0], t[1], "lower-cased and cleaned inside the graph");
			assertFalse(Arrays.equals(t[0], t[2]), "another word, another embedding");
			final float[] image = new float[2 * 64 * 64];
			for (int i = 64 * 64; i < image.length; i++)
				image[i] = (float) Math.cos(i * 0.01);
			final VisionLanguageModel.PatchEmbeddings q = m.encodeImages(image, 2, 64, 64);
			final int one = 8 * 8 * 16;
			assertFalse(Arrays.equals(Arrays.copyOfRange(q.values, 0, one), Arrays.copyOfRange(q.values, one, 2 * one)), "two images, two embeddings");
		}
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> new TfRuntime().segmentation(vl, RuntimeOptions.defaults()));
		assertTrue(e.getMessage().endsWith("kind: expected segmentation for a segmentation model, got vision-language"), e.getMessage());
	}

	@Test
	void aVisionLanguageDescriptorOnAModelWithoutATextSignatureIsRefused() throws IOException {
		// the segmentation network has only serving_default: no text encoder to be had
		final Path noText = variant("no-text", "kind: vision-language\nformat: tensorflow-saved-model\n"
			+ "image: {signature: serving_default, input: image, output: logits}\n"
			+ "text: {signature: encode_text, input: text, output: text_embeddings}\n" + "tokenizer: none\n"
			+ "preprocessing: none\ninput: {axes: byxc, size: {multiple_of: 1}, channels: 1}\n");
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TfRuntime().visionLanguage(noText, RuntimeOptions.defaults()));
		assertEquals(noText.resolve("xai-clip.yaml") + ": text.signature: 'encode_text' is not in the SavedModel; it has serving_default", e.getMessage());
	}

	@Test
	void aTensorOfTheWrongTypeIsRefusedNamingBoth() throws IOException {
		// a text encoder that is really the segmentation network: its input is float32, a string was declared
		final Path wrong = variant("dtype", "kind: vision-language\nformat: tensorflow-saved-model\n"
			+ "image: {signature: serving_default, input: image, output: logits}\n"
			+ "text: {signature: serving_default, input: image, output: probabilities}\n" + "tokenizer: none\n"
			+ "preprocessing: none\ninput: {axes: byxc, size: {multiple_of: 1}, channels: 1}\n");
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TfRuntime().visionLanguage(wrong, RuntimeOptions.defaults()));
		assertTrue(e.getMessage().startsWith(wrong.resolve("xai-clip.yaml") + ": text.input: tensor 'image' is float32, expected string"), e.getMessage());
		assertTrue(e.getMessage().endsWith("more: run inspect on the model)"), "rank and output problems counted: " + e.getMessage());
	}
}
