package io.github.xaiclip.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.google.protobuf.TextFormat;

import io.github.xaiclip.tf.SavedModelInfo.MetaGraph;
import io.github.xaiclip.tf.SavedModelInfo.SignatureInfo;
import io.github.xaiclip.tf.SavedModelInfo.TensorSpec;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.proto.SavedModel;

class SavedModelInspectorTest {

	@TempDir
	static Path tmp;
	static Path segmentation;
	static Path fixed;
	static Path visionLanguage;

	@BeforeAll
	static void exportModels() throws IOException {
		segmentation = tmp.resolve("segmentation");
		fixed = tmp.resolve("fixed");
		visionLanguage = tmp.resolve("vision-language");
		TfTestModels.segmentation(segmentation, -1, -1, -1, 1);
		TfTestModels.segmentationFixed(fixed);
		TfTestModels.visionLanguage(visionLanguage);
	}

	private static void assertTensor(TensorSpec t, String key, String tensorName, String dtype, long... shape) {
		assertEquals(key, t.key());
		assertEquals(tensorName, t.tensorName());
		assertEquals(dtype, t.dtype());
		assertTrue(t.hasKnownRank(), key + " has a known rank");
		assertArrayEquals(shape, t.shape(), key + " shape " + t.shapeString());
		assertEquals("dense", t.encoding());
	}

	@Test
	void segmentationModelDeclaresImageAndProbabilities() {
		SavedModelInfo info = SavedModelInspector.inspect(segmentation);
		assertEquals(segmentation, info.directory());
		assertEquals(segmentation.resolve("saved_model.pb"), info.file());
		assertEquals(1, info.metaGraphs().size());
		MetaGraph m = info.metaGraphs().get(0);
		assertEquals(Collections.singletonList("serve"), m.tags());
		assertSame(m, info.metaGraph("serve"));
		assertEquals(Collections.singleton("serving_default"), m.signatures().keySet());
		SignatureInfo s = m.signature("serving_default");
		assertEquals(1, s.inputs().size());
		assertEquals(1, s.outputs().size());
		assertTensor(s.input("image"), "image", "image:0", "float32", -1, -1, -1, 1);
		assertTensor(s.output("probabilities"), "probabilities", "probabilities:0", "float32", -1, -1, -1, 3);
		assertNull(s.input("probabilities"));
	}

	@Test
	void fixedModelDeclaresFixedShapesScalarsIntsAndUnknownRank() {
		SignatureInfo s = SavedModelInspector.inspect(fixed).metaGraph("serve").signature("serving_default");
		assertEquals(Arrays.asList("image", "scale"), keys(s.inputs()));
		assertEquals(Arrays.asList("confidence", "labels", "probabilities", "scaled"), keys(s.outputs()));
		assertTensor(s.input("image"), "image", "image:0", "float32", 2, 32, 32, 1);
		assertTensor(s.output("probabilities"), "probabilities", "probabilities:0", "float32", 2, 32, 32, 3);
		assertTensor(s.output("labels"), "labels", "labels:0", "int64", 2, 32, 32);
		assertTensor(s.output("confidence"), "confidence", "confidence:0", "float32");
		assertEquals("[]", s.output("confidence").shapeString());
		for (TensorSpec t : Arrays.asList(s.input("scale"), s.output("scaled"))) {
			assertFalse(t.hasKnownRank(), t.key());
			assertNull(t.shape());
			assertEquals("unknown rank", t.shapeString());
			assertEquals("float32", t.dtype());
		}
		assertEquals("scale:0", s.input("scale").tensorName());
	}

	@Test
	void visionLanguageModelDeclaresBothEncoders() {
		MetaGraph m = SavedModelInspector.inspect(visionLanguage).metaGraph("serve");
		assertEquals(Arrays.asList("encode_image", "encode_text"), new ArrayList<>(m.signatures().keySet()));
		SignatureInfo image = m.signature("encode_image");
		assertTensor(image.input("image"), "image", "image:0", "float32", -1, 64, 64, 1);
		assertTensor(image.output("patch_embeddings"), "patch_embeddings", "patch_embeddings:0", "float32",
				-1, 8, 8, 16);
		SignatureInfo text = m.signature("encode_text");
		assertTensor(text.input("text"), "text", "text:0", "string", -1);
		assertTensor(text.output("text_embeddings"), "text_embeddings", "text_embeddings:0", "float32", -1, 16);
	}

	/** TensorFlow's own loader (native) is the oracle: same signatures, dtypes and shapes. */
	@Test
	void agreesWithTensorFlowsLoader() {
		for (Path dir : Arrays.asList(segmentation, fixed, visionLanguage)) {
			MetaGraph m = SavedModelInspector.inspect(dir).metaGraph("serve");
			try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), "serve")) {
				assertEquals(bundle.signatures().size(), m.signatures().size(), dir.toString());
				for (Signature sig : bundle.signatures()) {
					SignatureInfo s = m.signature(sig.key());
					compare(sig.getInputs(), s.inputs());
					compare(sig.getOutputs(), s.outputs());
				}
			}
		}
	}

	private static void compare(Map<String, Signature.TensorDescription> expected, List<TensorSpec> actual) {
		assertEquals(expected.keySet(), new HashSet<>(keys(actual)));
		for (TensorSpec t : actual) {
			Signature.TensorDescription d = expected.get(t.key());
			String tfName = d.dataType.name();
			String expectedDtype = tfName.equals("DT_FLOAT") ? "float32"
					: tfName.substring(3).toLowerCase(java.util.Locale.ROOT);
			assertEquals(expectedDtype, t.dtype(), t.key());
			if (!t.hasKnownRank()) {
				// the proto says unknown_rank: true; TF Java 1.1.0's TensorDescription turns that into a scalar []
				assertTrue(d.shape.isUnknown() || d.shape.numDimensions() == 0, t.key() + ": " + d.shape);
			} else {
				assertArrayEquals(d.shape.asArray(), t.shape(), t.key());
			}
		}
	}

	@Test
	void dtypeNamesAreTheOnesUsersKnow() {
		assertEquals("float32", SavedModelInspector.dtypeName(1));
		assertEquals("float64", SavedModelInspector.dtypeName(2));
		assertEquals("int32", SavedModelInspector.dtypeName(3));
		assertEquals("uint8", SavedModelInspector.dtypeName(4));
		assertEquals("string", SavedModelInspector.dtypeName(7));
		assertEquals("int64", SavedModelInspector.dtypeName(9));
		assertEquals("bool", SavedModelInspector.dtypeName(10));
		assertEquals("bfloat16", SavedModelInspector.dtypeName(14));
		assertEquals("float16", SavedModelInspector.dtypeName(19));
		assertEquals("resource", SavedModelInspector.dtypeName(20));
		assertEquals("float32_ref", SavedModelInspector.dtypeName(101));
		assertEquals("invalid", SavedModelInspector.dtypeName(0));
		assertEquals("unknown dtype 999", SavedModelInspector.dtypeName(999));
	}

	@Test
	void reportShowsEverythingADescriptorNeeds() {
		String report = SavedModelInspector.inspect(fixed).report();
		assertTrue(report.startsWith("SavedModel " + fixed + "\n"), report);
		assertTrue(report.contains("meta graph with tags [serve]"), report);
		assertTrue(report.contains("signature 'serving_default'"), report);
		assertLine(report, "input", "image", "float32", "[2, 32, 32, 1]", "tensor 'image:0'");
		assertLine(report, "input", "scale", "float32", "unknown rank", "tensor 'scale:0'");
		assertLine(report, "output", "labels", "int64", "[2, 32, 32]", "tensor 'labels:0'");
		assertLine(report, "output", "confidence", "float32", "[]", "tensor 'confidence:0'");
		assertLine(report, "output", "probabilities", "float32", "[2, 32, 32, 3]", "tensor 'probabilities:0'");

		String vl = SavedModelInspector.inspect(visionLanguage).report();
		assertTrue(vl.indexOf("signature 'encode_image'") < vl.indexOf("signature 'encode_text'"), vl);
		assertLine(vl, "input", "text", "string", "[-1]", "tensor 'text:0'");
		assertLine(vl, "output", "text_embeddings", "float32", "[-1, 16]", "tensor 'text_embeddings:0'");
	}

	/** One line of the report has exactly these columns (columns are separated by two or more spaces). */
	private static void assertLine(String report, String... columns) {
		for (String line : report.split("\n")) {
			List<String> actual = Arrays.asList(line.trim().split("\\s{2,}"));
			if (actual.get(0).equals(columns[0]) && actual.size() > 1 && actual.get(1).equals(columns[1])) {
				assertEquals(Arrays.asList(columns), actual, line);
				return;
			}
		}
		throw new AssertionError("no line " + Arrays.toString(columns) + " in\n" + report);
	}

	@Test
	void acceptsTheProtobufFileItself() {
		SavedModelInfo info = SavedModelInspector.inspect(segmentation.resolve("saved_model.pb"));
		assertEquals(segmentation.toAbsolutePath(), info.directory());
		assertTensor(info.metaGraph("serve").signature("serving_default").input("image"), "image", "image:0",
				"float32", -1, -1, -1, 1);
	}

	@Test
	void readsTheTextFormatWhenThereIsNoBinary() throws IOException {
		SavedModel proto = SavedModel.parseFrom(Files.readAllBytes(visionLanguage.resolve("saved_model.pb")));
		Path dir = Files.createDirectories(tmp.resolve("text-format"));
		Files.write(dir.resolve("saved_model.pbtxt"),
				TextFormat.printer().printToString(proto).getBytes(StandardCharsets.UTF_8));
		SignatureInfo text = SavedModelInspector.inspect(dir).metaGraph("serve").signature("encode_text");
		assertTensor(text.input("text"), "text", "text:0", "string", -1);

		Path bad = Files.createDirectories(tmp.resolve("bad-text-format"));
		Files.write(bad.resolve("saved_model.pbtxt"), "meta_graphs { nonsense: 1 }".getBytes(StandardCharsets.UTF_8));
		String m = refused(() -> SavedModelInspector.inspect(bad));
		assertTrue(m.startsWith(bad.resolve("saved_model.pbtxt") + ": not a readable SavedModel (bad text format"), m);
	}

	@Test
	void resultIsImmutable() {
		SavedModelInfo info = SavedModelInspector.inspect(fixed);
		MetaGraph m = info.metaGraph("serve");
		TensorSpec image = m.signature("serving_default").input("image");
		image.shape()[0] = 99;
		assertEquals(2, image.shape()[0]);
		assertThrows(UnsupportedOperationException.class, () -> info.metaGraphs().clear());
		assertThrows(UnsupportedOperationException.class, () -> m.signatures().clear());
		assertThrows(UnsupportedOperationException.class, () -> m.tags().clear());
		assertThrows(UnsupportedOperationException.class,
				() -> m.signature("serving_default").outputs().clear());
	}

	@Test
	void unknownSignatureOrTagsNameWhatExists() {
		SavedModelInfo info = SavedModelInspector.inspect(visionLanguage);
		String m = refused(() -> info.metaGraph("serve").signature("serving_default"));
		assertEquals(visionLanguage + ": no signature 'serving_default' in the meta graph with tags [serve]; "
				+ "signatures: encode_image, encode_text", m);
		m = refused(() -> info.metaGraph("serve", "gpu"));
		assertEquals(visionLanguage + ": no meta graph with tags [serve, gpu]; the model has [serve]", m);
	}

	// ---- refusals: one line, naming the file, never a stack trace of protobuf internals

	private static String refused(Executable e) {
		IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
		String m = x.getMessage();
		assertFalse(m.contains("\n") || m.contains("\r"), "one line: " + m);
		return m;
	}

	@Test
	void missingFolder() {
		Path dir = tmp.resolve("does-not-exist");
		assertEquals(dir + ": no such folder (expected a TensorFlow SavedModel folder)",
				refused(() -> SavedModelInspector.inspect(dir)));
	}

	@Test
	void folderWithoutSavedModelPb() throws IOException {
		Path dir = Files.createDirectories(tmp.resolve("empty-folder"));
		Files.createDirectories(dir.resolve("variables"));
		assertEquals(dir + ": missing saved_model.pb (expected a TensorFlow SavedModel folder)",
				refused(() -> SavedModelInspector.inspect(dir)));
	}

	@Test
	void savedModelPbThatIsAFolder() throws IOException {
		Path dir = Files.createDirectories(tmp.resolve("pb-is-folder"));
		Files.createDirectories(dir.resolve("saved_model.pb"));
		assertEquals(dir.resolve("saved_model.pb") + ": not a regular file (expected a SavedModel protobuf)",
				refused(() -> SavedModelInspector.inspect(dir)));
	}

	@Test
	void emptyFile() throws IOException {
		Path dir = Files.createDirectories(tmp.resolve("empty-file"));
		Files.write(dir.resolve("saved_model.pb"), new byte[0]);
		assertEquals(dir.resolve("saved_model.pb") + ": not a readable SavedModel (empty file)",
				refused(() -> SavedModelInspector.inspect(dir)));
	}

	@Test
	void randomBytes() throws IOException {
		Path dir = Files.createDirectories(tmp.resolve("random"));
		Path pb = dir.resolve("saved_model.pb");
		for (int seed = 0; seed < 50; seed++) {
			Random r = new Random(seed);
			byte[] bytes = new byte[1 + r.nextInt(5000)];
			r.nextBytes(bytes);
			Files.write(pb, bytes);
			String m = refused(() -> SavedModelInspector.inspect(dir));
			assertTrue(m.startsWith(pb + ": not a readable SavedModel ("), m);
		}
	}

	@Test
	void textInsteadOfProtobuf() throws IOException {
		Path dir = Files.createDirectories(tmp.resolve("text"));
		Files.write(dir.resolve("saved_model.pb"), "kind: segmentation\nformat: tensorflow-saved-model\n"
				.getBytes(StandardCharsets.UTF_8));
		String m = refused(() -> SavedModelInspector.inspect(dir));
		assertTrue(m.startsWith(dir.resolve("saved_model.pb") + ": not a readable SavedModel ("), m);
	}

	/** Every proper prefix of a real saved_model.pb is refused (cut anywhere, not only in the middle). */
	@Test
	void truncatedRealFile() throws IOException {
		byte[] real = Files.readAllBytes(segmentation.resolve("saved_model.pb"));
		assertTrue(real.length > 1000, "a real file of " + real.length + " bytes");
		Path dir = Files.createDirectories(tmp.resolve("truncated"));
		Path pb = dir.resolve("saved_model.pb");
		for (int n = 1; n < real.length; n++) {
			Files.write(pb, Arrays.copyOf(real, n));
			String m = refused(() -> SavedModelInspector.inspect(dir));
			assertTrue(m.startsWith(pb + ": not a readable SavedModel ("), n + " bytes: " + m);
		}
		Files.write(pb, real);
		assertEquals(1, SavedModelInspector.inspect(dir).metaGraphs().size());
	}

	@Test
	void fileOverTheProtobufLimit() throws IOException {
		Path dir = Files.createDirectories(tmp.resolve("huge"));
		Path pb = dir.resolve("saved_model.pb");
		long size = SavedModelInspector.MAX_BYTES + 1;
		try (RandomAccessFile f = new RandomAccessFile(pb.toFile(), "rw")) {
			f.setLength(size); // sparse: no disk space used
		}
		try {
			assertEquals(pb + ": " + size + " bytes is over the 2 GiB protobuf limit (2147483647 bytes); "
					+ "not a readable SavedModel", refused(() -> SavedModelInspector.inspect(dir)));
		} finally {
			Files.delete(pb);
		}
	}

	/**
	 * Nesting deep enough to overflow protobuf-java's recursive parser is refused in one line, not thrown as a
	 * StackOverflowError: start-group tags nested in a map entry of the binary format (CVE-2024-7254: no depth limit
	 * there before protobuf-java 3.25.5), and messages nested in the text format, which has no depth limit at all.
	 * Deep enough for a stack of 64 MB.
	 */
	@Test
	void nestingTooDeepToParse() throws IOException {
		Path dir = Files.createDirectories(tmp.resolve("nested"));
		Path pb = dir.resolve("saved_model.pb");
		ByteArrayOutputStream groups = new ByteArrayOutputStream();
		int depth = 1_000_000;
		for (int i = 0; i < depth; i++) {
			groups.write(0x1b); // field 3, start group
		}
		for (int i = 0; i < depth; i++) {
			groups.write(0x1c); // field 3, end group
		}
		// SavedModel.meta_graphs (field 2) holding a MetaGraphDef whose signature_def map (field 5) holds the entry
		Files.write(pb, lengthDelimited(2, lengthDelimited(5, groups.toByteArray())));
		assertEquals(pb + ": not a readable SavedModel (messages nested too deeply to parse)",
				refused(() -> SavedModelInspector.inspect(dir)));
		Files.delete(pb);

		Path pbtxt = dir.resolve("saved_model.pbtxt");
		StringBuilder text = new StringBuilder("meta_graphs { graph_def { node { name: 'x' op: 'Const' attr { key: 'a' value { ");
		int levels = 200_000;
		for (int i = 0; i < levels; i++) {
			text.append("func { attr { key: 'a' value { ");
		}
		for (int i = 0; i < levels; i++) {
			text.append("} } } ");
		}
		Files.write(pbtxt, text.append("} } } } }").toString().getBytes(StandardCharsets.UTF_8));
		assertEquals(pbtxt + ": not a readable SavedModel (messages nested too deeply to parse)",
				refused(() -> SavedModelInspector.inspect(dir)));
	}

	/** A protobuf length-delimited field: tag, length (varint), bytes. */
	private static byte[] lengthDelimited(int field, byte[] body) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (long v : new long[] {field << 3 | 2, body.length}) {
			while ((v & ~0x7fL) != 0) {
				out.write((int) (v & 0x7f | 0x80));
				v >>>= 7;
			}
			out.write((int) v);
		}
		out.write(body, 0, body.length);
		return out.toByteArray();
	}

	/**
	 * Inspection and the op check work in a JVM that does not even have TensorFlow's native jar (nor JavaCPP) on its
	 * class path: nothing native is loaded.
	 */
	@Test
	void worksWithoutTheNativeLibraryOnTheClassPath() throws Exception {
		String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		List<String> kept = new ArrayList<>();
		boolean removed = false;
		for (String entry : cp.split(File.pathSeparator)) {
			String name = Paths.get(entry).getFileName().toString();
			if (name.startsWith("tensorflow-core-native-") && name.contains("linux")
					|| name.startsWith("javacpp")) {
				removed = true;
			} else {
				kept.add(entry);
			}
		}
		assertTrue(removed, "the native jar was on the class path: " + cp);
		Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
		Process p = new ProcessBuilder(java.toString(), "-cp", String.join(File.pathSeparator, kept),
				InspectMain.class.getName(), visionLanguage.toString(), "encode_text").redirectErrorStream(true)
				.start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertTrue(p.waitFor(60, TimeUnit.SECONDS));
		assertEquals(0, p.exitValue(), out);
		assertTrue(out.contains("signature 'encode_text'"), out);
		assertTrue(out.contains("findings: []"), out);
	}

	private static List<String> keys(List<TensorSpec> tensors) {
		return tensors.stream().map(TensorSpec::key).collect(Collectors.toList());
	}
}
