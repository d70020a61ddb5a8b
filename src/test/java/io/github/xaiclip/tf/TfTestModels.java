package io.github.xaiclip.tf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.strings.StringSplit;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/** Tiny real SavedModels exported with TensorFlow Java (loads the native library). */
final class TfTestModels {

	static final List<Long> UNIT_STRIDES = Arrays.asList(1L, 1L, 1L, 1L);

	private TfTestModels() {
	}

	/** A small conv + softmax segmenter with 3 classes; signature serving_default: image -> probabilities. */
	static void segmentation(Path dir, long... imageShape) throws IOException {
		try (Graph g = new Graph()) {
			Ops tf = Ops.create(g);
			Placeholder<TFloat32> image = tf.withName("image").placeholder(TFloat32.class,
					Placeholder.shape(Shape.of(imageShape)));
			Operand<TFloat32> probabilities = tf.withName("probabilities").nn.softmax(logits(tf, image));
			export(g, dir, Signature.builder("serving_default").input("image", image)
					.output("probabilities", probabilities).build());
		}
	}

	/**
	 * Fixed-size segmenter [2, 32, 32, 1] with more outputs: probabilities, labels (int64 argmax), confidence (a
	 * scalar); and an unknown-rank input 'scale' with output 'scaled'.
	 */
	static void segmentationFixed(Path dir) throws IOException {
		try (Graph g = new Graph()) {
			Ops tf = Ops.create(g);
			Placeholder<TFloat32> image = tf.withName("image").placeholder(TFloat32.class,
					Placeholder.shape(Shape.of(2, 32, 32, 1)));
			Operand<TFloat32> p = tf.withName("probabilities").nn.softmax(logits(tf, image));
			Operand<TInt64> labels = tf.withName("labels").math.argMax(p, tf.constant(3), TInt64.class);
			Operand<TFloat32> confidence = tf.withName("confidence").math.mean(
					tf.max(p, tf.constant(3)), tf.constant(new int[] {0, 1, 2}));
			Placeholder<TFloat32> scale = tf.withName("scale").placeholder(TFloat32.class);
			Operand<TFloat32> scaled = tf.withName("scaled").math.mul(scale, tf.constant(2f));
			export(g, dir, Signature.builder("serving_default").input("image", image).input("scale", scale)
					.output("probabilities", p).output("labels", labels).output("confidence", confidence)
					.output("scaled", scaled).build());
		}
	}

	/**
	 * A segmenter with global context, 2 classes, any size: a 3x3 convolution plus the mean of the whole image
	 * added to every pixel's organ logit, then softmax; signature serving_default: image [-1, -1, -1, 1] -> probabilities.
	 */
	static void globalContext(Path dir) throws IOException {
		try (Graph g = new Graph()) {
			Ops tf = Ops.create(g);
			Placeholder<TFloat32> image = tf.withName("image").placeholder(TFloat32.class,
					Placeholder.shape(Shape.of(-1, -1, -1, 1)));
			float[][][][] k = new float[3][3][1][2];
			for (int y = 0; y < 3; y++) {
				for (int x = 0; x < 3; x++) {
					k[y][x][0][1] = 1f / 9;
				}
			}
			Operand<TFloat32> local = tf.nn.conv2d(image, tf.constant(k), UNIT_STRIDES, "SAME");
			Operand<TFloat32> mean = tf.math.mean(image, tf.constant(new int[] {1, 2}),
					org.tensorflow.op.math.Mean.keepDims(true));
			// the mean goes to the organ's logit only: added to both, softmax would cancel it
			Operand<TFloat32> logits = tf.math.mul(tf.math.add(local, tf.math.mul(mean, tf.constant(new float[] {0f, 1f}))),
					tf.constant(4f));
			Operand<TFloat32> probabilities = tf.withName("probabilities").nn.softmax(logits);
			export(g, dir, Signature.builder("serving_default").input("image", image)
					.output("probabilities", probabilities).build());
		}
	}

	private static Operand<TFloat32> logits(Ops tf, Operand<TFloat32> image) {
		float[][][][] k = new float[3][3][1][3];
		for (int c = 0; c < 3; c++) {
			k[1][1][0][c] = c - 1f;
		}
		Operand<TFloat32> w = tf.withName("kernel").variable(tf.withInitScope().constant(k));
		Operand<TFloat32> conv = tf.nn.conv2d(image, w, UNIT_STRIDES, "SAME");
		return tf.nn.relu(tf.nn.biasAdd(conv, tf.constant(new float[] {0.1f, 0f, -0.1f})));
	}

	/**
	 * A CLIP-like pair in one SavedModel: encode_image (image [-1, 64, 64, 1] -> patch_embeddings [-1, 8, 8, 16])
	 * and encode_text (text string [-1] -> text_embeddings [-1, 16], tokenized in the graph with tf.strings ops).
	 */
	static void visionLanguage(Path dir) throws IOException {
		try (Graph g = new Graph()) {
			Ops tf = Ops.create(g);
			Placeholder<TFloat32> image = tf.withName("image").placeholder(TFloat32.class,
					Placeholder.shape(Shape.of(-1, 64, 64, 1)));
			Operand<TFloat32> kernel = tf.withName("patch_kernel").variable(
					tf.withInitScope().constant(org.tensorflow.ndarray.Shape.of(8, 8, 1, 16), org.tensorflow.ndarray.buffer.DataBuffers.of(pattern(8 * 8 * 16), true, false)));
			Operand<TFloat32> patches = tf.nn.relu(tf.nn.conv2d(image, kernel, Arrays.asList(1L, 8L, 8L, 1L),
					"VALID"));
			Operand<TFloat32> norm = tf.math.rsqrt(tf.math.add(
					tf.sum(tf.math.square(patches), tf.constant(3), org.tensorflow.op.core.Sum.keepDims(true)),
					tf.constant(1e-6f)));
			Operand<TFloat32> patchEmbeddings = tf.withName("patch_embeddings").math.mul(patches, norm);

			Placeholder<TString> text = tf.withName("text").placeholder(TString.class,
					Placeholder.shape(Shape.of(-1)));
			Operand<TString> clean = tf.strings.regexReplace(tf.strings.lower(text), tf.constant("[^a-z ]"),
					tf.constant(" "));
			StringSplit words = tf.strings.stringSplit(clean, tf.constant(""));
			Operand<TInt64> ids = tf.strings.toHashBucketFast(words.values(), 64L);
			Operand<TFloat32> table = tf.withName("token_table").variable(
					tf.withInitScope().constant(org.tensorflow.ndarray.Shape.of(64, 16), org.tensorflow.ndarray.buffer.DataBuffers.of(pattern(64 * 16), true, false)));
			Operand<TFloat32> rows = tf.gather(table, ids, tf.constant(0));
			Operand<TInt64> row = tf.gather(words.indices(), tf.constant(0), tf.constant(1));
			Operand<TInt64> count = tf.gather(tf.shape(text, TInt64.class), tf.constant(0), tf.constant(0));
			Operand<TFloat32> sum = tf.math.unsortedSegmentSum(rows, row, count);
			Operand<TFloat32> textEmbeddings = tf.withName("text_embeddings").reshape(sum,
					tf.constant(new int[] {-1, 16}));
			export(g, dir,
					Signature.builder("encode_image").input("image", image)
							.output("patch_embeddings", patchEmbeddings).build(),
					Signature.builder("encode_text").input("text", text).output("text_embeddings", textEmbeddings)
							.build());
		}
	}

	/**
	 * A model with hostile signatures, all with input x float32 [-1]: clean (x * 2, nothing else), write_control
	 * (x * 2 with a control dependency on WriteFile), read_file (length of a ReadFile), matching_files (count of
	 * MatchingFiles), write_in_function (x through a function 'evil_fn' that writes a file before returning).
	 */
	static void hostile(Path dir, Path writeTarget, Path functionWriteTarget, Path secret, Path listed)
			throws IOException {
		try (Graph g = new Graph()) {
			Ops tf = Ops.create(g);
			Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
			Operand<TFloat32> doubled = tf.withName("doubled").math.mul(x, tf.constant(2f));

			Op write = tf.withName("write_file").io.writeFile(tf.constant(writeTarget.toString()),
					tf.constant("pwned"));
			Operand<TFloat32> afterWrite = tf.withControlDependencies(Collections.singletonList(write))
					.withName("after_write").identity(doubled);

			Operand<TInt32> secretLength = tf.withName("secret_length").strings.stringLength(
					tf.withName("read_file").io.readFile(tf.constant(secret.toString())));

			Operand<TInt32> listedCount = tf.withName("listed_count").size(
					tf.withName("matching_files").io.matchingFiles(tf.constant(listed.toString() + "/*")));

			try (ConcreteFunction evil = ConcreteFunction.create(f -> {
				Placeholder<TFloat32> in = f.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
				Op inner = f.withName("inner_write").io.writeFile(f.constant(functionWriteTarget.toString()),
						f.constant("pwned"));
				Operand<TFloat32> out = f.withControlDependencies(Collections.singletonList(inner)).identity(in);
				return Signature.builder("evil_fn").input("in", in).output("out", out).build();
			})) {
				Operand<?> called = tf.withName("call_evil").call(evil, x);
				export(g, dir,
						Signature.builder("clean").input("x", x).output("y", doubled).build(),
						Signature.builder("write_control").input("x", x).output("y", afterWrite).build(),
						Signature.builder("read_file").input("x", x).output("n", secretLength).build(),
						Signature.builder("matching_files").input("x", x).output("n", listedCount).build(),
						Signature.builder("write_in_function").input("x", x).output("y", called).build());
			}
		}
	}

	/**
	 * The segmenter of {@link #segmentation} (classes background, dim, bright: bright where the image is above about
	 * 0.8) whose serving_default output also depends on a WriteFile of {@code writeTarget}: it works as a
	 * segmentation model and writes a file on every run. With its xai-clip.yaml.
	 */
	static void hostileSegmentation(Path dir, Path writeTarget) throws IOException {
		try (Graph g = new Graph()) {
			Ops tf = Ops.create(g);
			Placeholder<TFloat32> image = tf.withName("image").placeholder(TFloat32.class,
					Placeholder.shape(Shape.of(-1, -1, -1, 1)));
			Op write = tf.withName("write_file").io.writeFile(tf.constant(writeTarget.toString()), tf.constant("pwned"));
			Operand<TFloat32> probabilities = tf.withControlDependencies(Collections.singletonList(write))
					.withName("probabilities").nn.softmax(logits(tf, image));
			export(g, dir, Signature.builder("serving_default").input("image", image)
					.output("probabilities", probabilities).build());
		}
		Files.write(dir.resolve("xai-clip.yaml"), String.join("\n", "kind: segmentation", "format: tensorflow-saved-model", "tags: [serve]",
				"signature: serving_default", "input: {name: image, axes: byxc, size: {multiple_of: 1}, channels: 1}",
				"preprocessing: {type: none}", "output: {name: probabilities, axes: byxc, activation: none}",
				"classes: [background, dim, bright]", "").getBytes(java.nio.charset.StandardCharsets.UTF_8));
	}

	/** Fixed non-zero weights, so that different inputs give different embeddings. */
	private static float[] pattern(final int n) {
		final float[] v = new float[n];
		for (int i = 0; i < n; i++)
			v[i] = (float) Math.sin(0.91 * i + 0.2);
		return v;
	}

	private static void export(Graph g, Path dir, Signature... signatures) throws IOException {
		try (Session s = new Session(g)) {
			s.initialize();
			SavedModelBundle.Exporter e = SavedModelBundle.exporter(dir.toString()).withTags("serve");
			for (Signature sig : signatures) {
				e.withFunction(SessionFunction.create(sig, s));
			}
			e.export();
		}
	}
}
