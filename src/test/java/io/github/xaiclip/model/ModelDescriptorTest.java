package io.github.xaiclip.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.xaiclip.model.ModelDescriptor.Activation;
import io.github.xaiclip.model.ModelDescriptor.Axes;
import io.github.xaiclip.model.ModelDescriptor.Kind;

class ModelDescriptorTest {

	static final String SEGMENTATION = lines(
		"kind: segmentation",
		"format: tensorflow-saved-model",
		"tags: [serve, gpu]",
		"signature: predict",
		"input:  {name: image, axes: byxc, size: [128, 96], channels: 1}   # a comment",
		"preprocessing: {type: window, min: -160, max: 240}",
		"output: {name: probabilities, axes: bcyx, activation: softmax}",
		"classes: [background, liver, spleen]",
		"pixel_size: [0.8, 1.5]",
		"receptive_field: {radius: 20, stride: 2}");

	static final String VISION_LANGUAGE = lines(
		"kind: vision-language",
		"format: tensorflow-saved-model",
		"image: {signature: encode_image, input: image, output: patch_embeddings}",
		"text:",
		"  signature: encode_text",
		"  input: tokens",
		"  output: text_embeddings",
		"tokenizer: {type: clip-bpe, vocab: vocab.json, merges: merges.txt, length: 77}",
		"prompt_templates: [\"{}\", \"a CT image of the {}\"]",
		"preprocessing: {type: percentile, low: 1, high: 99.8}",
		"input: {axes: bcyx, size: {multiple_of: 16}, channels: 3}");

	@TempDir
	Path dir;

	static String lines(final String... lines) {
		return String.join("\n", lines) + "\n";
	}

	/** {@code yaml} with the top-level line of {@code key} replaced by {@code line} (removed when null). */
	static String with(final String yaml, final String key, final String line) {
		final List<String> out = new ArrayList<>();
		boolean found = false;
		for (final String l : yaml.split("\n"))
			if (l.startsWith(key + ":")) {
				found = true;
				if (line != null) out.add(line);
			}
			else out.add(l);
		assertTrue(found, key);
		return String.join("\n", out) + "\n";
	}

	Path write(final String yaml) {
		try {
			Files.writeString(dir.resolve("xai-clip.yaml"), yaml);
		}
		catch (final IOException e) {
			throw new UncheckedIOException(e);
		}
		return dir;
	}

	String file() {
		return dir.resolve("xai-clip.yaml").toString();
	}

	void writeTokenizerFiles() throws IOException {
		Files.writeString(dir.resolve("vocab.json"), "{}");
		Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n");
	}

	/** Reading {@code yaml} fails with one line: the file, then {@code expected}. */
	String assertRefused(final String yaml, final String expected) {
		final Path model = write(yaml);
		final DescriptorException e = assertThrows(DescriptorException.class, () -> ModelDescriptor.read(model));
		assertTrue(e.getMessage().startsWith(file() + ": " + expected), "expected '" + expected + "', got: " + e.getMessage());
		assertFalse(e.getMessage().contains("\n"), e.getMessage());
		return e.getMessage();
	}

	@Test
	void segmentationDescriptorReachesTheGetters() {
		final ModelDescriptor d = ModelDescriptor.read(write(SEGMENTATION));
		assertEquals(Kind.SEGMENTATION, d.kind());
		assertEquals(dir.resolve("xai-clip.yaml"), d.source());
		assertEquals(dir, d.folder());
		assertEquals("tensorflow-saved-model", d.format());
		assertEquals(List.of("serve", "gpu"), d.tags());
		assertEquals("image", d.input().name());
		assertEquals(Axes.BYXC, d.input().axes());
		final InputSpec spec = d.toInputSpec();
		assertTrue(spec.isFixed());
		assertEquals(128, spec.fixedWidth());
		assertEquals(96, spec.fixedHeight());
		assertEquals(1, spec.channels());
		assertEquals(Preprocessing.Type.WINDOW, d.preprocessing().type());
		assertEquals(-160, d.preprocessing().min(), 0);
		assertEquals(240, d.preprocessing().max(), 0);
		assertArrayEquals(new double[] { 0.8, 1.5 }, d.pixelSize());
		assertEquals(ReceptiveField.bounded(20, 2), d.receptiveField());
		assertFalse(d.receptiveField().isGlobal());

		final ModelDescriptor.Segmentation s = d.asSegmentation();
		assertSame(d, s);
		assertEquals("predict", s.signature());
		assertEquals("probabilities", s.output().name());
		assertEquals(Axes.BCYX, s.output().axes());
		assertEquals(Activation.SOFTMAX, s.output().activation());
		assertEquals(List.of("background", "liver", "spleen"), s.classes());
		assertThrows(UnsupportedOperationException.class, () -> s.classes().add("x"));
		final DescriptorException wrongKind = assertThrows(DescriptorException.class, d::asVisionLanguage);
		assertEquals(file() + ": kind: expected vision-language, got segmentation", wrongKind.getMessage());
	}

	@Test
	void segmentationDefaults() {
		final String minimal = lines(
			"kind: segmentation",
			"format: tensorflow-saved-model",
			"input: {name: x, axes: byxc, size: {multiple_of: 16}, channels: 2}",
			"preprocessing: none",
			"output: {name: y, axes: byxc, activation: sigmoid}",
			"classes: [lesion]");
		final ModelDescriptor.Segmentation d = ModelDescriptor.read(write(minimal)).asSegmentation();
		assertEquals(List.of("serve"), d.tags());
		assertEquals("serving_default", d.signature());
		assertNull(d.pixelSize());
		assertNull(d.receptiveField());
		assertFalse(d.toInputSpec().isFixed());
		assertEquals(16, d.toInputSpec().multipleOf());
		assertEquals(2, d.toInputSpec().channels());
		assertTrue(d.toInputSpec().accepts(32, 48));
		assertFalse(d.toInputSpec().accepts(32, 40));
		assertEquals(Preprocessing.Type.NONE, d.preprocessing().type());
		assertEquals(List.of("lesion"), d.classes());

		final ModelDescriptor one = ModelDescriptor.read(write(minimal + "pixel_size: 0.5\n"));
		assertArrayEquals(new double[] { 0.5, 0.5 }, one.pixelSize());
	}

	@Test
	void preprocessingForms() {
		final String base = with(SEGMENTATION, "preprocessing", "preprocessing: {type: scale_range}");
		Preprocessing p = ModelDescriptor.read(write(base)).preprocessing();
		assertEquals(Preprocessing.Type.SCALE_RANGE, p.type());
		assertEquals(0, p.min(), 0);
		assertEquals(1, p.max(), 0);
		p = ModelDescriptor.read(write(with(base, "preprocessing", "preprocessing: {type: scale_range, min: -1, max: 1.5}"))).preprocessing();
		assertEquals(-1, p.min(), 0);
		assertEquals(1.5, p.max(), 0);
		p = ModelDescriptor.read(write(with(base, "preprocessing", "preprocessing: scale_range"))).preprocessing();
		assertEquals(0, p.min(), 0);
		assertEquals(1, p.max(), 0);
		p = ModelDescriptor.read(write(with(base, "preprocessing", "preprocessing: {type: zero_mean_unit_variance}"))).preprocessing();
		assertEquals(Preprocessing.Type.ZERO_MEAN_UNIT_VARIANCE, p.type());
		p = ModelDescriptor.read(write(with(base, "preprocessing", "preprocessing: {type: none}"))).preprocessing();
		assertEquals(Preprocessing.Type.NONE, p.type());
		p = ModelDescriptor.read(write(with(base, "preprocessing", "preprocessing: {type: percentile, low: 0.5, high: 99}"))).preprocessing();
		assertEquals(0.5, p.low(), 0);
		assertEquals(99, p.high(), 0);
	}

	@Test
	void visionLanguageDescriptorReachesTheGetters() throws IOException {
		writeTokenizerFiles();
		final ModelDescriptor d = ModelDescriptor.read(write(VISION_LANGUAGE));
		assertEquals(Kind.VISION_LANGUAGE, d.kind());
		assertEquals(List.of("serve"), d.tags());
		assertNull(d.input().name(), "the image encoder names its input");
		assertEquals(Axes.BCYX, d.input().axes());
		assertEquals(16, d.toInputSpec().multipleOf());
		assertEquals(3, d.toInputSpec().channels());
		assertEquals(Preprocessing.Type.PERCENTILE, d.preprocessing().type());
		assertEquals(1, d.preprocessing().low(), 0);
		assertEquals(99.8, d.preprocessing().high(), 0);
		assertNull(d.pixelSize());

		final ModelDescriptor.VisionLanguage v = d.asVisionLanguage();
		assertEquals("encode_image", v.image().signature());
		assertEquals("image", v.image().input());
		assertEquals("patch_embeddings", v.image().output());
		assertEquals("encode_text", v.text().signature());
		assertEquals("tokens", v.text().input());
		assertEquals("text_embeddings", v.text().output());
		assertEquals("clip-bpe", v.tokenizer().type());
		assertFalse(v.tokenizer().isNone());
		assertEquals(dir.resolve("vocab.json"), v.tokenizer().vocab());
		assertEquals(dir.resolve("merges.txt"), v.tokenizer().merges());
		assertEquals(77, v.tokenizer().length());
		assertEquals(List.of("{}", "a CT image of the {}"), v.promptTemplates());
		final DescriptorException wrongKind = assertThrows(DescriptorException.class, d::asSegmentation);
		assertEquals(file() + ": kind: expected segmentation, got vision-language", wrongKind.getMessage());
	}

	@Test
	void visionLanguageDefaults() {
		final String yaml = with(with(VISION_LANGUAGE, "tokenizer", "tokenizer: none"), "prompt_templates", null);
		final ModelDescriptor.VisionLanguage v = ModelDescriptor.read(write(yaml)).asVisionLanguage();
		assertTrue(v.tokenizer().isNone());
		assertEquals("none", v.tokenizer().type());
		assertNull(v.tokenizer().vocab());
		assertEquals(List.of("{}"), v.promptTemplates());
	}

	@Test
	void parseNamesTheGivenSourceAndResolvesAgainstIt() {
		final DescriptorException e = assertThrows(DescriptorException.class, () -> ModelDescriptor.parse(
			with(SEGMENTATION, "output", "output: {name: probabilities, axes: byxc, activation: relu}"), Paths.get("models/liver/xai-clip.yaml")));
		assertEquals("models/liver/xai-clip.yaml: output.activation: expected one of none, sigmoid, softmax, got 'relu'", e.getMessage());
		assertEquals(Paths.get("models/liver"), ModelDescriptor.parse(SEGMENTATION, Paths.get("models/liver/xai-clip.yaml")).folder());
		assertEquals(Paths.get(""), ModelDescriptor.parse(SEGMENTATION, Paths.get("xai-clip.yaml")).folder());
	}

	@Test
	void missingFolderFileOrContent() throws IOException {
		final DescriptorException noFile = assertThrows(DescriptorException.class, () -> ModelDescriptor.read(dir));
		assertEquals(file() + ": missing descriptor (expected xai-clip.yaml in the model folder)", noFile.getMessage());
		final DescriptorException noFolder = assertThrows(DescriptorException.class, () -> ModelDescriptor.read(dir.resolve("nope")));
		assertEquals(dir.resolve("nope") + ": model folder not found", noFolder.getMessage());

		assertRefused("", "empty descriptor");
		assertRefused("# only a comment\n", "empty descriptor");
		assertRefused("- kind\n- segmentation\n", "expected a mapping of keys to values at the top level, got a list");
		assertRefused("just text\n", "expected a mapping of keys to values at the top level, got 'just text'");

		Files.writeString(dir.resolve("xai-clip.yaml"), "# padding\n".repeat(120_000));
		final DescriptorException large = assertThrows(DescriptorException.class, () -> ModelDescriptor.read(dir));
		assertTrue(large.getMessage().startsWith(file() + ": too large for a descriptor (1200000 bytes)"), large.getMessage());
	}

	@Test
	void commonFieldsAreChecked() {
		assertRefused(with(SEGMENTATION, "kind", null), "kind: missing (expected one of segmentation, vision-language)");
		assertRefused(with(SEGMENTATION, "kind", "kind: classification"), "kind: expected one of segmentation, vision-language, got 'classification'");
		assertRefused(with(SEGMENTATION, "format", null), "format: missing (required for kind segmentation)");
		assertRefused(with(SEGMENTATION, "format", "format: onnx"), "format: expected tensorflow-saved-model, got 'onnx'");
		assertRefused(with(SEGMENTATION, "tags", "tags: []"), "tags: expected a list of SavedModel tags, got an empty list");
		assertRefused(with(SEGMENTATION, "tags", "tags: serve"), "tags: expected a list of SavedModel tags, got 'serve'");
		assertRefused(with(SEGMENTATION, "input", null), "input: missing (required for kind segmentation)");
		assertRefused(with(SEGMENTATION, "input", "input: image"), "input: expected a mapping {name, axes, size, channels}, got 'image'");
		assertRefused(with(SEGMENTATION, "input", "input: {name: image, axes: byxc, size: 128, channels: 1}"),
			"input.size: expected [width, height] or {multiple_of: n}, got 128");
		assertRefused(with(SEGMENTATION, "input", "input: {name: image, axes: byxc, size: [128, 128, 3], channels: 1}"),
			"input.size: expected [width, height], got a list of 3");
		assertRefused(with(SEGMENTATION, "input", "input: {name: image, axes: byxc, size: [128, -1], channels: 1}"),
			"input.size[1]: expected an integer >= 1, got -1");
		assertRefused(with(SEGMENTATION, "input", "input: {name: image, axes: byxc, size: [128.5, 64], channels: 1}"),
			"input.size[0]: expected an integer >= 1, got 128.5");
		assertRefused(with(SEGMENTATION, "input", "input: {name: image, axes: byxc, size: {multiple_of: 0}, channels: 1}"),
			"input.size.multiple_of: expected an integer >= 1, got 0");
		assertRefused(with(SEGMENTATION, "input", "input: {name: image, axes: byxc, size: {}, channels: 1}"),
			"input.size.multiple_of: missing (expected an integer >= 1)");
		assertRefused(with(SEGMENTATION, "input", "input: {name: image, axes: byxc, size: [128, 128], channels: 0}"),
			"input.channels: expected an integer >= 1, got 0");
		assertRefused(with(SEGMENTATION, "input", "input: {name: image, axes: byxc, size: [128, 128], channels: 99999999999}"),
			"input.channels: expected an integer >= 1, got 99999999999");
		assertRefused(with(SEGMENTATION, "input", "input: {name: image, axes: xyzc, size: [128, 128], channels: 1}"),
			"input.axes: expected one of byxc, bcyx, got 'xyzc'");
		assertRefused(with(SEGMENTATION, "input", "input: {axes: byxc, size: [128, 128], channels: 1}"), "input.name: missing (expected a text)");
		assertRefused(with(SEGMENTATION, "input", "input: {name: '', axes: byxc, size: [128, 128], channels: 1}"),
			"input.name: expected a text, got an empty text");
		assertRefused(with(SEGMENTATION, "input", "input: {name: , axes: byxc, size: [128, 128], channels: 1}"),
			"input.name: expected a text, got nothing");
		assertRefused(with(SEGMENTATION, "pixel_size", "pixel_size: [0.8]"), "pixel_size: expected [x, y] in mm or one number, got a list");
		assertRefused(with(SEGMENTATION, "pixel_size", "pixel_size: [0.8, 0]"), "pixel_size[1]: expected a positive size in mm, got 0");
		assertRefused(with(SEGMENTATION, "pixel_size", "pixel_size: [0.8, .inf]"), "pixel_size[1]: expected a finite number, got Infinity");
		assertRefused(with(SEGMENTATION, "receptive_field", "receptive_field: {radius: 3}"), "receptive_field.stride: missing (expected an integer >= 1)");
		assertRefused(with(SEGMENTATION, "receptive_field", "receptive_field: {radius: -1, stride: 1}"),
			"receptive_field.radius: expected an integer >= 0, got -1");
	}

	@Test
	void receptiveFieldIsBoundedOrDeclaredGlobal() {
		final ReceptiveField global = ModelDescriptor.read(write(with(SEGMENTATION, "receptive_field", "receptive_field: {global: true}")))
			.receptiveField();
		assertTrue(global.isGlobal());
		assertEquals("global (declared global in xai-clip.yaml)", global.toString());
		assertEquals(ReceptiveField.bounded(0, 1),
			ModelDescriptor.read(write(with(SEGMENTATION, "receptive_field", "receptive_field: {radius: 0, stride: 1}"))).receptiveField());
		assertRefused(with(SEGMENTATION, "receptive_field", "receptive_field: {global: false}"),
			"receptive_field.global: expected true (for a bounded field leave global out and give radius and stride), got false");
		assertRefused(with(SEGMENTATION, "receptive_field", "receptive_field: {global: yes please}"),
			"receptive_field.global: expected true (for a bounded field leave global out and give radius and stride), got 'yes please'");
		assertRefused(with(SEGMENTATION, "receptive_field", "receptive_field: {global: true, radius: 20}"),
			"receptive_field.radius: not used with global: true");
		assertRefused(with(SEGMENTATION, "receptive_field", "receptive_field: {global: true, stride: 4}"),
			"receptive_field.stride: not used with global: true");
		assertRefused(with(SEGMENTATION, "receptive_field", "receptive_field: {radius: 20, stride: 4, margin: 2}"),
			"receptive_field.margin: unknown key; known keys: radius, stride, global");
		assertRefused(with(SEGMENTATION, "receptive_field", "receptive_field: 20"),
			"receptive_field: expected a mapping {radius: <pixels>, stride: <total downsampling>} or {global: true}, got 20");
		assertRefused(with(SEGMENTATION, "receptive_field", "receptive_field: {radius: 20, stride: 0}"),
			"receptive_field.stride: expected an integer >= 1, got 0");
		assertRefused(with(SEGMENTATION, "receptive_field", "receptive_field: {radius: 2.5, stride: 1}"),
			"receptive_field.radius: expected an integer >= 0, got 2.5");
	}

	@Test
	void preprocessingIsChecked() {
		assertRefused(with(SEGMENTATION, "preprocessing", null), "preprocessing: missing (required for kind segmentation)");
		assertRefused(with(SEGMENTATION, "preprocessing", "preprocessing: {type: clahe}"),
			"preprocessing.type: expected one of window, percentile, zero_mean_unit_variance, scale_range, none, got 'clahe'");
		assertRefused(with(SEGMENTATION, "preprocessing", "preprocessing: {min: 0, max: 1}"),
			"preprocessing.type: missing (expected one of window, percentile, zero_mean_unit_variance, scale_range, none)");
		assertRefused(with(SEGMENTATION, "preprocessing", "preprocessing: window"),
			"preprocessing: expected a mapping {type: window, min: ..., max: ...}, got 'window'");
		assertRefused(with(SEGMENTATION, "preprocessing", "preprocessing: {type: window, max: 240}"), "preprocessing.min: missing (expected a number)");
		assertRefused(with(SEGMENTATION, "preprocessing", "preprocessing: {type: window, min: low, max: 240}"),
			"preprocessing.min: expected a finite number, got 'low'");
		assertRefused(with(SEGMENTATION, "preprocessing", "preprocessing: {type: window, min: .nan, max: 240}"),
			"preprocessing.min: expected a finite number, got NaN");
		assertRefused(with(SEGMENTATION, "preprocessing", "preprocessing: {type: window, min: 240, max: -160}"),
			"preprocessing.max: expected a finite number greater than min (240.0), got -160.0");
		assertRefused(with(SEGMENTATION, "preprocessing", "preprocessing: {type: window, low: 1, high: 99}"),
			"preprocessing.low: unknown key for type window; known keys: type, min, max");
		assertRefused(with(SEGMENTATION, "preprocessing", "preprocessing: {type: percentile, low: 99, high: 1}"),
			"preprocessing: expected 0 <= low < high <= 100, got low 99.0, high 1.0");
		assertRefused(with(SEGMENTATION, "preprocessing", "preprocessing: {type: scale_range, min: 1, max: 1}"),
			"preprocessing.max: expected a finite number greater than min (1.0), got 1.0");
		assertRefused(with(SEGMENTATION, "preprocessing", "preprocessing: {type: none, min: 0}"),
			"preprocessing.min: unknown key for type none; known keys: type");
	}

	@Test
	void segmentationFieldsAreChecked() {
		assertRefused(with(SEGMENTATION, "classes", null), "classes: missing (required for kind segmentation)");
		assertRefused(with(SEGMENTATION, "classes", "classes:"), "classes: expected a list of class names, got nothing");
		assertRefused(with(SEGMENTATION, "classes", "classes: []"), "classes: expected a list of class names, got an empty list");
		assertRefused(with(SEGMENTATION, "classes", "classes: liver"), "classes: expected a list of class names, got 'liver'");
		assertRefused(with(SEGMENTATION, "classes", "classes: [background, liver, spleen, liver]"),
			"classes[3]: duplicate name 'liver' (also classes[1])");
		// YAML 1.1 reads a bare on / off as a boolean and 1 as a number: say how to make them names
		assertRefused(with(SEGMENTATION, "classes", "classes: [off, on]"), "classes[0]: expected a text, got false (write it in quotes to make it text)");
		assertRefused(with(SEGMENTATION, "classes", "classes: [background, 1]"), "classes[1]: expected a text, got 1 (write it in quotes to make it text)");
		assertRefused(with(SEGMENTATION, "classes", "classes: [background, [a, b]]"), "classes[1]: expected a text, got a list");
		assertTrue(ModelDescriptor.read(write(with(SEGMENTATION, "classes", "classes: ['off', 'on']"))).asSegmentation().classes().contains("on"));

		assertRefused(with(SEGMENTATION, "output", null), "output: missing (required for kind segmentation)");
		assertRefused(with(SEGMENTATION, "output", "output: {name: probabilities, axes: byxc, activation: relu}"),
			"output.activation: expected one of none, sigmoid, softmax, got 'relu'");
		assertRefused(with(SEGMENTATION, "output", "output: {name: probabilities, axes: byxc}"),
			"output.activation: missing (expected one of none, sigmoid, softmax)");
		assertRefused(with(SEGMENTATION, "output", "output: {axes: byxc, activation: none}"), "output.name: missing (expected a text)");
		assertRefused(with(SEGMENTATION, "signature", "signature: [a]"), "signature: expected a text, got a list");
		assertRefused(with(SEGMENTATION, "classes", "classes: [liver]"), "output.activation: softmax over one class is always 1");
	}

	@Test
	void visionLanguageFieldsAreChecked() throws IOException {
		writeTokenizerFiles();
		assertRefused(with(VISION_LANGUAGE, "prompt_templates", "prompt_templates: [\"{}\", a CT image of the liver]"),
			"prompt_templates[1]: expected a text containing {} (where the prompt goes), got 'a CT image of the liver'");
		assertRefused(with(VISION_LANGUAGE, "prompt_templates", "prompt_templates: []"), "prompt_templates: expected a list of texts with {}, got an empty list");
		assertRefused(with(VISION_LANGUAGE, "tokenizer", "tokenizer: {type: clip-bpe, merges: merges.txt, length: 77}"),
			"tokenizer.vocab: missing (expected a text)");
		assertRefused(with(VISION_LANGUAGE, "tokenizer", "tokenizer: {type: clip-bpe, vocab: missing.json, merges: merges.txt, length: 77}"),
			"tokenizer.vocab: file not found: " + dir.resolve("missing.json"));
		assertRefused(with(VISION_LANGUAGE, "tokenizer", "tokenizer: {type: wordpiece, vocab: vocab.json, merges: merges.txt, length: 77}"),
			"tokenizer.type: expected clip-bpe, got 'wordpiece'");
		assertRefused(with(VISION_LANGUAGE, "tokenizer", "tokenizer: {type: clip-bpe, vocab: vocab.json, merges: merges.txt, length: 0}"),
			"tokenizer.length: expected an integer >= 1, got 0");
		assertRefused(with(VISION_LANGUAGE, "tokenizer", "tokenizer: bert"),
			"tokenizer: expected none or {type: clip-bpe, vocab: <file>, merges: <file>, length: <n>}, got 'bert'");
		assertRefused(with(VISION_LANGUAGE, "tokenizer", null), "tokenizer: missing (required for kind vision-language)");
		assertRefused(with(VISION_LANGUAGE, "image", null), "image: missing (required for kind vision-language)");
		assertRefused(with(VISION_LANGUAGE, "image", "image: {signature: encode_image, input: image}"), "image.output: missing (expected a text)");
		assertRefused(with(VISION_LANGUAGE, "input", "input: {name: image, axes: byxc, size: [128, 128], channels: 1}"),
			"input.name: not used for kind vision-language (image.input names the image tensor)");
		assertRefused(with(VISION_LANGUAGE, "input", "input: {axes: byxc, size: [128, 128], channels: 1, chanels: 1}"),
			"input.chanels: unknown key for kind vision-language; known keys: axes, size, channels");
	}

	@Test
	void unknownKeysAreNamedWithTheKnownOnes() {
		final String message = assertRefused(SEGMENTATION + "clases: [a]\n", "clases: unknown key");
		assertEquals(file() + ": clases: unknown key for kind segmentation; known keys: kind, format, tags, signature, input, preprocessing, output,"
			+ " classes, pixel_size, receptive_field", message);
		assertRefused(with(SEGMENTATION, "output", "output: {name: y, axes: byxc, activaton: softmax}"),
			"output.activaton: unknown key; known keys: name, axes, activation");
		assertRefused(VISION_LANGUAGE + "classes: [a]\n", "classes: unknown key for kind vision-language; known keys: kind, format, tags, image, text,"
			+ " tokenizer, prompt_templates, input, preprocessing, pixel_size, receptive_field");
		assertRefused(with(VISION_LANGUAGE, "image", "image: {signature: s, input: i, output: o, outputs: p}"),
			"image.outputs: unknown key; known keys: signature, input, output");
		assertRefused(SEGMENTATION + "1: one\n", "expected keys that are text, got 1 at the top level");
	}

	@Test
	void yamlErrorsNameLineAndColumn() {
		// the second line continues as a plain scalar; the colon in line 3, column 7 cannot start a mapping there
		assertRefused(lines("kind: segmentation", "format: tensorflow-saved-model", "  tags: [serve]"),
			"line 3, column 7: invalid YAML: mapping values are not allowed here");
		// duplicate keys are refused where the second one starts
		final int lineOfDuplicate = SEGMENTATION.split("\n").length + 1;
		assertRefused(SEGMENTATION + "classes: [a, b]\n", "line " + lineOfDuplicate + ", column 1: invalid YAML: found duplicate key classes");
		// no arbitrary types: a Java class tag is refused where it stands
		final String message = assertRefused(
			"kind: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://localhost/\"]]]]\n",
			"line 1, column 7: invalid YAML: ");
		assertTrue(message.contains("javax.script.ScriptEngineManager"), message);
	}

	@Test
	void aliasBombIsRefusedQuickly() {
		// "billion laughs": 9 levels of 9 aliases each would expand to 9^9 strings
		final StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
		for (char c = 'b'; c <= 'i'; c++) {
			final String previous = "*" + (char) (c - 1);
			bomb.append(c).append(": &").append(c).append(" [").append(String.join(",", java.util.Collections.nCopies(9, previous))).append("]\n");
		}
		bomb.append("kind: segmentation\nclasses: *i\n");
		final String message = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertRefused(bomb.toString(), "invalid YAML: "));
		assertTrue(message.contains("aliases"), message);
	}
}
