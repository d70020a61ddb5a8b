package io.github.xaiclip.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import io.github.xaiclip.model.ClipBpeTokenizer;
import io.github.xaiclip.model.ClipBpeTokenizerTest;
import io.github.xaiclip.model.RuntimeOptions;
import io.github.xaiclip.model.VisionLanguageModel;

/** A vision-language model whose text encoder takes token ids: the runtime tokenizes with the descriptor's BPE files. */
class TokenIdsModelTest {

	static final int VOCAB = 1002, DIM = 4, LENGTH = 8;

	/** Row {@code i} of the text encoder's embedding table. */
	static float[] row(final int i) {
		final float[] r = new float[DIM];
		for (int d = 0; d < DIM; d++)
			r[d] = (float) Math.sin(i * 0.37 + d);
		return r;
	}

	@Test
	void tokenIdsFromTheDescriptorsTokenizerReachTheTextEncoder(@TempDir final Path dir) throws Exception {
		final float[] table = new float[VOCAB * DIM];
		for (int i = 0; i < VOCAB; i++)
			System.arraycopy(row(i), 0, table, i * DIM, DIM);
		try (Graph g = new Graph(); Session s = new Session(g)) {
			final Ops tf = Ops.create(g);
			final Placeholder<TFloat32> image = tf.withName("image").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 16, 16, 1)));
			final Operand<TFloat32> patches = tf.nn.conv2d(image, tf.constant(Shape.of(8, 8, 1, DIM), DataBuffers.ofFloats(8 * 8 * DIM)),
				Arrays.asList(1L, 8L, 8L, 1L), "VALID");
			final Placeholder<TInt32> ids = tf.withName("ids").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, LENGTH)));
			// the sum of the table rows of every token, padding included
			final Operand<TFloat32> text = tf.reduceSum(tf.gather(tf.constant(Shape.of(VOCAB, DIM), DataBuffers.of(table, true, false)), ids, tf.constant(0)),
				tf.constant(1));
			SavedModelBundle.exporter(dir.toString()).withTags("serve")
				.withFunction(SessionFunction.create(Signature.builder("encode_image").input("image", image).output("patch_embeddings", patches).build(), s))
				.withFunction(SessionFunction.create(Signature.builder("encode_text").input("text", ids).output("text_embeddings", text).build(), s)).export();
		}
		Files.write(dir.resolve("vocab.json"), ClipBpeTokenizerTest.json(ClipBpeTokenizerTest.testVocabulary()).getBytes(StandardCharsets.UTF_8));
		Files.write(dir.resolve("merges.txt"), ClipBpeTokenizerTest.mergesText().getBytes(StandardCharsets.UTF_8));
		Files.write(dir.resolve("xai-clip.yaml"), ("kind: vision-language\nformat: tensorflow-saved-model\n"
			+ "image: {signature: encode_image, input: image, output: patch_embeddings}\n"
			+ "text: {signature: encode_text, input: text, output: text_embeddings}\n"
			+ "tokenizer: {type: clip-bpe, vocab: vocab.json, merges: merges.txt, length: " + LENGTH + "}\n" + "prompt_templates: ['{}']\n"
			+ "preprocessing: none\ninput: {axes: byxc, size: [16, 16], channels: 1}\n").getBytes(StandardCharsets.UTF_8));

		final ClipBpeTokenizer tokenizer = ClipBpeTokenizer.read(dir.resolve("vocab.json"), dir.resolve("merges.txt"), LENGTH);
		try (VisionLanguageModel m = new TfRuntime().visionLanguage(dir, RuntimeOptions.defaults())) {
			final float[][] e = m.encodeTexts(Arrays.asList("liver", "The LIVER!"));
			for (int t = 0; t < 2; t++) {
				final float[] expected = new float[DIM];
				for (final int id : tokenizer.tokens(t == 0 ? "liver" : "The LIVER!"))
					for (int d = 0; d < DIM; d++)
						expected[d] += row(id)[d];
				assertArrayEquals(expected, e[t], 1e-5f, "text " + t);
			}
			// "liver" is start, liver</w>, end and 5 pads: 1000, 516, 1001, 0...
			assertArrayEquals(new int[] { 1000, 516, 1001, 0, 0, 0, 0, 0 }, tokenizer.tokens("liver"));
			assertEquals(2, m.encodeImages(new float[16 * 16], 1, 16, 16).gridWidth, "16 px in patches of 8");
		}
	}
}
