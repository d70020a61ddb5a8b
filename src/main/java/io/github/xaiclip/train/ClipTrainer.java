package io.github.xaiclip.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.op.strings.StringSplit;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

import io.github.xaiclip.metrics.SaliencyMetrics;
import io.github.xaiclip.model.InputSpec;
import io.github.xaiclip.model.VisionLanguageModel;

/**
 * Trains a small CLIP-like dense vision-language model on 2D slices and exports it as one SavedModel with two
 * signatures, {@code encode_image} ({@code image [b, 128, 128, 1] -> patch_embeddings [b, g, g, d]}, {@code g =
 * 128 / }{@link #stride}: 16 by default) and {@code encode_text} ({@code text [n] -> text_embeddings [n, d]}), plus
 * its {@code xai-clip.yaml}.
 * <p>
 * Image encoder: three 3x3 convolutions with ReLU, each followed by a 2x2 max pool until the stride is reached (three
 * pools for stride 8, two for 4), a learned per-position bias on the grid (organs sit at typical places; left and
 * right kidney look alike), two more 3x3 convolutions for context, a 1x1 projection to {@code d} and L2
 * normalization per patch. Text encoder, tokenizing inside the graph:
 * lower case, non-letters to spaces, split on whitespace, hash each word into {@link #buckets} buckets, mean of the
 * words' embedding rows, a linear projection to {@code d}, L2 normalization (an empty text embeds as zeros). After
 * training, the rows of words no training prompt contains are zeroed, so unknown words are ignored.
 * <p>
 * Loss: per patch and per prompt, sigmoid cross-entropy of {@code logit = scale * cos(patch, text) + bias} (bias
 * learned) against the fraction of the patch the prompt's class covers; or, {@link #exclusive}, per patch a softmax
 * cross-entropy over the logits {@code scale * cos(patch, text)} of the prompts and a learned logit for "none of
 * them", against those fractions and the rest of the patch. Each step takes {@link #batch}
 * augmented slices ({@link Augment}) and one random training prompt per class ({@link Prompts}), so a class absent
 * from a slice is a negative there. Adam with every update gated on all gradients (see {@link Training.Adam}). Seeded: the
 * same seed gives the same weights.
 */
final class ClipTrainer {

	/** Side of the images the encoder takes. */
	static final int SIZE = 128;

	/** The word embedding table, {@code [buckets, wordDim]}. */
	static final String WORDS = "text/words";

	/** What training gave. */
	static final class Trained {

		final Map<String, float[]> weights;
		final Prompts prompts;
		final double seconds;
		/** The loss averaged over the last tenth of the steps. */
		final double finalLoss;

		Trained(final Map<String, float[]> weights, final Prompts prompts, final double seconds, final double finalLoss) {
			this.weights = weights;
			this.prompts = prompts;
			this.seconds = seconds;
			this.finalLoss = finalLoss;
		}
	}

	/** Pointing-game hits and Dice of one class, over slices x prompts. */
	static final class Score {

		int hits, total;
		double diceSum;

		double hitRate() {
			return total == 0 ? Double.NaN : (double) hits / total;
		}

		double meanDice() {
			return total == 0 ? Double.NaN : diceSum / total;
		}

		void add(final Score s) {
			hits += s.hits;
			total += s.total;
			diceSum += s.diceSum;
		}
	}

	/**
	 * Localization by text on slices: for each class present on a slice and each prompt, the similarity map's
	 * pointing-game hit and its Dice, for the training prompts and the held-out prompts separately.
	 */
	static final class Evaluation {

		/** Names of the prompted classes, in class order. */
		final List<String> classes = new ArrayList<>();
		/** Per class of {@link #classes}. */
		final List<Score> trained = new ArrayList<>(), heldOut = new ArrayList<>();
		/** Per prompt, in the order evaluated. */
		final Map<String, Score> byPrompt = new LinkedHashMap<>();

		Score overall(final boolean heldOutPrompts) {
			final Score s = new Score();
			for (final Score c : heldOutPrompts ? heldOut : trained)
				s.add(c);
			return s;
		}

		/** A table: class, then hits/total, hit rate and mean Dice for trained and for held-out prompts. */
		String table() {
			int width = 14;
			for (final String c : classes)
				width = Math.max(width, c.length() + 1);
			final String row = "%-" + width + "s %-24s %-24s%n";
			final StringBuilder b = new StringBuilder(String.format(Locale.ROOT, row, "", "trained prompts", "held-out prompts"))
				.append(String.format(Locale.ROOT, row, "class", "hits       rate  Dice", "hits       rate  Dice"));
			for (int i = 0; i < classes.size(); i++)
				b.append(String.format(Locale.ROOT, row, classes.get(i), cell(trained.get(i)), cell(heldOut.get(i))));
			b.append(String.format(Locale.ROOT, row, "all", cell(overall(false)), cell(overall(true))));
			return b.toString();
		}

		private static String cell(final Score s) {
			return String.format(Locale.ROOT, "%-9s %5.2f  %4.2f", s.hits + "/" + s.total, s.hitRate(), s.meanDice());
		}
	}

	final int dim, steps, batch;
	final float learningRate;
	final long seed;
	/** Channels of the first convolution (then 2x, 4x). */
	int width = 16;
	/** Pixels per patch side: 8 or 4. */
	int stride = 8;
	/**
	 * The loss: false, a sigmoid per patch and prompt (each prompt on its own); true, a softmax per patch over the
	 * prompts and "none of them", so that neighbouring structures compete for a patch.
	 */
	boolean exclusive;
	/** Hash buckets of the word embedding table. */
	int buckets = 2048;
	/** Width of the word embeddings. */
	int wordDim = 32;
	/** Logit scale of the cosine similarity (fixed). */
	float scale = 10;
	int logEvery = 100;
	Prompts prompts = Prompts.ct();
	/** The preprocessing the descriptor declares, as YAML. */
	String preprocessing = DemoDomain.CT.preprocessingYaml();
	/** Intra-op threads while training; 0: TensorFlow's default (all cores). */
	int threads = 0;

	ClipTrainer(final int dim, final int steps, final int batch, final float learningRate, final long seed) {
		this.dim = dim;
		this.steps = steps;
		this.batch = batch;
		this.learningRate = learningRate;
		this.seed = seed;
	}

	// ---------------------------------------------------------------- the network

	/** L2-normalized patch embeddings {@code [b, 128 / stride, 128 / stride, dim]} of {@code image [b, 128, 128, 1]}. */
	static Operand<TFloat32> encodeImage(final Ops tf, final Weights w, final Operand<TFloat32> image, final int width, final int stride,
		final int dim)
	{
		if (stride != 4 && stride != 8) throw new IllegalArgumentException("clip: stride " + stride + "; expected 4 or 8");
		final int c1 = width, c2 = 2 * width, c3 = 4 * width, grid = SIZE / stride;
		Operand<TFloat32> x = UNet.pool(tf, UNet.conv(tf, w, "image/c1", image, 1, c1, true));
		x = UNet.pool(tf, UNet.conv(tf, w, "image/c2", x, c1, c2, true));
		x = UNet.conv(tf, w, "image/c3", x, c2, c3, true);
		if (stride == 8) x = UNet.pool(tf, x);
		// a bias per grid position (zero at start): where a patch is says something about what it is
		x = tf.math.add(x, w.get(tf, "image/position/b", 1, grid, grid, c3));
		x = UNet.conv(tf, w, "image/c4", x, c3, c3, true);
		x = UNet.conv(tf, w, "image/c5", x, c3, c3, true);
		final Operand<TFloat32> e = tf.nn.biasAdd(tf.nn.conv2d(x, w.get(tf, "image/out/w", 1, 1, c3, dim), Arrays.asList(1L, 1L, 1L, 1L), "VALID"),
			w.get(tf, "image/out/b", dim));
		return normalize(tf, e, 3);
	}

	/** L2-normalized embeddings {@code [n, dim]} of the strings {@code text [n]}; an empty text gives zeros. */
	static Operand<TFloat32> encodeText(final Ops tf, final Weights w, final Operand<TString> text, final int buckets, final int wordDim, final int dim) {
		final StringSplit words = words(tf, text);
		final Operand<TInt64> ids = tf.strings.toHashBucketFast(words.values(), (long) buckets);
		final Operand<TFloat32> rows = tf.gather(w.get(tf, WORDS, buckets, wordDim), ids, tf.constant(0));
		final Operand<TInt64> owner = tf.gather(words.indices(), tf.constant(0), tf.constant(1));
		final Operand<TInt64> n = tf.gather(tf.shape(text, TInt64.class), tf.constant(0), tf.constant(0));
		final Operand<TFloat32> sum = tf.math.unsortedSegmentSum(rows, owner, n);
		final Operand<TFloat32> ones = tf.fill(tf.shape(owner), tf.constant(1f));
		final Operand<TFloat32> count = tf.expandDims(tf.math.unsortedSegmentSum(ones, owner, n), tf.constant(1));
		final Operand<TFloat32> mean = tf.math.div(sum, tf.math.maximum(count, tf.constant(1f)));
		return normalize(tf, tf.linalg.matMul(mean, w.get(tf, "text/projection", wordDim, dim)), 1);
	}

	/** The words of each text: lower case, every run of non-letters a space, split on whitespace. */
	static StringSplit words(final Ops tf, final Operand<TString> text) {
		final Operand<TString> clean = tf.strings.regexReplace(tf.strings.lower(text), tf.constant("[^a-z]+"), tf.constant(" "));
		return tf.strings.stringSplit(clean, tf.constant(""));
	}

	private static Operand<TFloat32> normalize(final Ops tf, final Operand<TFloat32> x, final int axis) {
		final Operand<TFloat32> squares = tf.reduceSum(tf.math.mul(x, x), tf.constant(axis), ReduceSum.keepDims(true));
		return tf.math.mul(x, tf.math.rsqrt(tf.math.add(squares, tf.constant(1e-8f))));
	}

	// ---------------------------------------------------------------- training

	Trained train(final DemoData data, final PrintStream log) {
		return train(DemoData.clip(data.train), log);
	}

	Trained train(final Slices train, final PrintStream log) {
		if (train.width != SIZE || train.height != SIZE) throw new IllegalArgumentException("clip: slices must be " + SIZE + "x" + SIZE);
		final long t0 = System.nanoTime();
		final List<Integer> prompted = prompts.prompted();
		final int grid = SIZE / stride, k = prompted.size(), patches = batch * grid * grid;
		try (Graph g = new Graph()) {
			final Ops tf = Ops.create(g);
			final Placeholder<TFloat32> image = tf.withName("image").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, SIZE, SIZE, 1)));
			final Placeholder<TString> text = tf.withName("text").placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
			final Placeholder<TFloat32> target = tf.withName("target").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1)));
			final Weights.Trainable weights = new Weights.Trainable(seed);
			final Operand<TFloat32> patchEmbeddings = encodeImage(tf, weights, image, width, stride, dim);
			final Operand<TFloat32> textEmbeddings = encodeText(tf, weights, text, buckets, wordDim, dim);
			final Operand<TFloat32> cos = tf.linalg.matMul(tf.reshape(patchEmbeddings, tf.constant(new int[] { -1, dim })), textEmbeddings,
				MatMul.transposeB(true));
			final Operand<TFloat32> loss;
			if (exclusive) {
				// per patch, a softmax over "none of them" (a learned logit) and the prompts
				final float[] ones = new float[patches];
				Arrays.fill(ones, 1);
				final Operand<TFloat32> none = tf.linalg.matMul(tf.constant(Shape.of(patches, 1), DataBuffers.of(ones, true, false)),
					tf.reshape(weights.get(tf, "logit/b", 1), tf.constant(new int[] { 1, 1 })));
				final Operand<TFloat32> logits = tf.concat(Arrays.asList(none, tf.math.mul(cos, tf.constant(scale))), tf.constant(1));
				loss = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, target).loss(), tf.constant(0));
			}
			else {
				final Operand<TFloat32> z = tf.math.add(tf.math.mul(cos, tf.constant(scale)), weights.get(tf, "logit/b", 1));
				// sigmoid cross-entropy as softplus(z) - y z: TensorFlow Java's LogSoftmax gradient is wrong, Softplus's is fine
				loss = tf.math.mean(tf.math.sub(tf.math.softplus(z), tf.math.mul(target, z)), tf.constant(new int[] { 0, 1 }));
			}
			final Training.Adam adam = new Training.Adam(tf, g, loss, weights, learningRate);
			final ConfigProto.Builder config = ConfigProto.newBuilder().setInterOpParallelismThreads(1);
			if (threads > 0) config.setIntraOpParallelismThreads(threads);
			try (Session s = new Session(g, config.build())) {
				s.initialize();
				final Random random = new Random(seed);
				final float[] xb = new float[batch * SIZE * SIZE], yb = new float[patches * k];
				final int columns = exclusive ? k + 1 : k;
				final float[] targets = exclusive ? new float[patches * columns] : yb;
				final float[] img = new float[SIZE * SIZE];
				final byte[] lab = new byte[SIZE * SIZE];
				final String[] texts = new String[k];
				double running = 0, tail = 0;
				int tailSteps = 0;
				for (int step = 1; step <= steps; step++) {
					for (int b = 0; b < batch; b++) {
						final int i = random.nextInt(train.size());
						Augment.apply(train.images.get(i), train.labels.get(i), SIZE, SIZE, random, img, lab);
						System.arraycopy(img, 0, xb, b * SIZE * SIZE, SIZE * SIZE);
						fractions(lab, prompted, stride, yb, b * grid * grid);
					}
					for (int j = 0; j < k; j++)
						texts[j] = prompts.sample(prompted.get(j), random);
					if (exclusive) for (int q = 0; q < patches; q++) {
						float rest = 1;
						for (int j = 0; j < k; j++) {
							targets[q * columns + 1 + j] = yb[q * k + j];
							rest -= yb[q * k + j];
						}
						targets[q * columns] = Math.max(0, rest);
					}
					final float l;
					try (TFloat32 xt = TFloat32.tensorOf(Shape.of(batch, SIZE, SIZE, 1), DataBuffers.of(xb, true, false));
						TString tt = TString.vectorOf(texts);
						TFloat32 yt = TFloat32.tensorOf(Shape.of(patches, columns), DataBuffers.of(targets, true, false));
						Result r = adam.step(s.runner().feed(image, xt).feed(text, tt).feed(target, yt).fetch(loss), step))
					{
						l = ((TFloat32) r.get(0)).getFloat();
					}
					running = 0.95 * running + 0.05 * l;
					if (step > steps - Math.max(1, steps / 10)) {
						tail += l;
						tailSteps++;
					}
					if (log != null && (step % logEvery == 0 || step == steps))
						log.printf(Locale.ROOT, "step %d/%d  loss %.4f  (%.0f s)%n", step, steps, running / (1 - Math.pow(0.95, step)),
							(System.nanoTime() - t0) * 1e-9);
				}
				final Map<String, float[]> values = weights.values(s);
				forgetUnseenWords(s, tf, text, values, log);
				return new Trained(values, prompts, (System.nanoTime() - t0) * 1e-9, tail / tailSteps);
			}
		}
	}

	/**
	 * Zeroes the embedding rows of the hash buckets that no training prompt's word falls into. Training never updated
	 * them, so they still hold their random initial values; zeroed, a word training never saw adds nothing to a
	 * text's embedding (the mean's direction is that of the known words) instead of noise. Words that share a bucket
	 * are reported: they cannot be told apart.
	 */
	private void forgetUnseenWords(final Session s, final Ops tf, final Operand<TString> text, final Map<String, float[]> values,
		final PrintStream log)
	{
		final List<String> texts = new ArrayList<>();
		for (final int c : prompts.prompted())
			texts.addAll(prompts.trained(c));
		final StringSplit words = words(tf, text);
		final Map<Long, String> seen = new HashMap<>();
		try (TString in = TString.vectorOf(texts.toArray(new String[0]));
			Result r = s.runner().feed(text, in).fetch(words.values()).fetch(tf.strings.toHashBucketFast(words.values(), (long) buckets)).run())
		{
			final TString w = (TString) r.get(0);
			final TInt64 ids = (TInt64) r.get(1);
			for (long i = 0; i < ids.shape().size(); i++) {
				final String word = w.getObject(i);
				final String before = seen.put(ids.getLong(i), word);
				if (before != null && !before.equals(word) && log != null)
					log.printf("text encoder: the words '%s' and '%s' share hash bucket %d%n", before, word, ids.getLong(i));
			}
		}
		final float[] table = values.get(WORDS);
		for (int b = 0; b < buckets; b++)
			if (!seen.containsKey((long) b)) Arrays.fill(table, b * wordDim, (b + 1) * wordDim, 0);
	}


	/**
	 * Writes, for each patch ({@code stride x stride} pixels) of a 128x128 label map and each prompted class, the
	 * fraction of the patch's pixels of that class into {@code out[(first + patch) * classes.size() + j]}.
	 */
	static void fractions(final byte[] label, final List<Integer> classes, final int stride, final float[] out, final int first) {
		final int grid = SIZE / stride;
		final int k = classes.size();
		final int[] byClass = new int[128];
		Arrays.fill(byClass, -1);
		for (int j = 0; j < k; j++)
			byClass[classes.get(j)] = j;
		Arrays.fill(out, first * k, (first + grid * grid) * k, 0);
		final float unit = 1f / (stride * stride);
		for (int y = 0; y < SIZE; y++)
			for (int x = 0; x < SIZE; x++) {
				final int j = byClass[label[y * SIZE + x]];
				if (j >= 0) out[(first + (y / stride) * grid + x / stride) * k + j] += unit;
			}
	}

	// ---------------------------------------------------------------- inference, export

	/** The trained network as a {@link VisionLanguageModel} in this process (the graph that {@link #export} writes). */
	Model model(final Trained t) {
		return new Model(t, width, stride, dim, buckets, wordDim);
	}

	/** Writes the SavedModel and its {@code xai-clip.yaml} into the folder {@code dir} (replaced if it exists). */
	void export(final Trained t, final Path dir) throws IOException {
		export(t, dir, null);
	}

	/**
	 * As {@link #export(Trained, Path)}; {@code pixelSize} ({@code {x, y}} in mm, or null) is the pixel size of the
	 * training slices, written into the descriptor.
	 */
	void export(final Trained t, final Path dir, final double[] pixelSize) throws IOException {
		ModelFolders.write(dir, out -> {
			try (Model m = model(t)) {
				final Signature image = Signature.builder("encode_image").input("image", m.image).output("patch_embeddings", m.patchEmbeddings).build();
				final Signature text = Signature.builder("encode_text").input("text", m.text).output("text_embeddings", m.textEmbeddings).build();
				SavedModelBundle.exporter(out.toString()).withTags("serve").withFunction(SessionFunction.create(image, m.session))
					.withFunction(SessionFunction.create(text, m.session)).export();
			}
			Files.write(out.resolve("xai-clip.yaml"), descriptor(t.prompts, preprocessing, pixelSize).getBytes(StandardCharsets.UTF_8));
		});
	}

	static String descriptor(final Prompts prompts, final String preprocessing, final double[] pixelSize) {
		final List<String> quoted = new ArrayList<>();
		for (final String t : prompts.trainedTemplates)
			quoted.add("'" + t.replace("'", "''") + "'");
		return "# A small CLIP-like dense vision-language model trained by XAI-CLIP (train/ClipTrainer)\n" + "kind: vision-language\n"
			+ "format: tensorflow-saved-model\n" + "tags: [serve]\n" + "image: {signature: encode_image, input: image, output: patch_embeddings}\n"
			+ "text: {signature: encode_text, input: text, output: text_embeddings}\n" + "tokenizer: none\n" + "prompt_templates: ["
			+ String.join(", ", quoted) + "]\n" + "preprocessing: " + preprocessing + "\n" + "input: {axes: byxc, size: [" + SIZE + ", " + SIZE + "], channels: 1}\n"
			+ (pixelSize == null ? "" : String.format(Locale.ROOT, "pixel_size: [%s, %s]%n", pixelSize[0], pixelSize[1]));
	}

	/** The trained encoders with their weights as constants, in a graph of their own. */
	static final class Model implements VisionLanguageModel {

		final Graph graph;
		final Session session;
		final Placeholder<TFloat32> image;
		final Placeholder<TString> text;
		final Operand<TFloat32> patchEmbeddings, textEmbeddings;
		private final int dim, grid;
		private final List<String> templates;

		Model(final Trained t, final int width, final int stride, final int dim, final int buckets, final int wordDim) {
			this.dim = dim;
			this.grid = SIZE / stride;
			this.templates = t.prompts.trainedTemplates;
			graph = new Graph();
			try {
				final Ops tf = Ops.create(graph);
				final Weights w = new Weights.Fixed(t.weights);
				image = tf.withName("image").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, SIZE, SIZE, 1)));
				patchEmbeddings = tf.withName("patch_embeddings").identity(encodeImage(tf, w, image, width, stride, dim));
				text = tf.withName("text").placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
				textEmbeddings = tf.withName("text_embeddings").identity(encodeText(tf, w, text, buckets, wordDim, dim));
				session = new Session(graph);
			}
			catch (final RuntimeException e) {
				graph.close();
				throw e;
			}
		}

		@Override
		public InputSpec inputSpec() {
			return InputSpec.fixed(1, SIZE, SIZE);
		}

		@Override
		public List<String> promptTemplates() {
			return templates;
		}

		@Override
		public PatchEmbeddings encodeImages(final float[] input, final int batch, final int height, final int width) {
			if (height != SIZE || width != SIZE) throw new IllegalArgumentException("clip: images must be " + SIZE + "x" + SIZE);
			try (TFloat32 in = TFloat32.tensorOf(Shape.of(batch, SIZE, SIZE, 1), DataBuffers.of(input, true, false).slice(0, (long) batch * SIZE * SIZE));
				Result r = session.runner().feed(image, in).fetch(patchEmbeddings).run())
			{
				final float[] v = new float[batch * grid * grid * dim];
				((TFloat32) r.get(0)).copyTo(DataBuffers.of(v, false, false));
				return new PatchEmbeddings(batch, grid, grid, dim, v);
			}
		}

		@Override
		public float[][] encodeTexts(final List<String> texts) {
			try (TString in = TString.vectorOf(texts.toArray(new String[0])); Result r = session.runner().feed(text, in).fetch(textEmbeddings).run()) {
				final float[] v = new float[texts.size() * dim];
				((TFloat32) r.get(0)).copyTo(DataBuffers.of(v, false, false));
				final float[][] e = new float[texts.size()][dim];
				for (int i = 0; i < e.length; i++)
					System.arraycopy(v, i * dim, e[i], 0, dim);
				return e;
			}
		}

		@Override
		public void close() {
			session.close();
			graph.close();
		}
	}

	// ---------------------------------------------------------------- evaluation

	/**
	 * Localization by text of every prompted class present on each slice: the cosine similarity map of the patches
	 * with a prompt, upsampled bilinearly to the slice; a pointing-game hit when its maximum lies in the class's mask,
	 * and the Dice of the map thresholded at the midpoint of its range against the mask. Each prompt counts alone.
	 */
	static Evaluation evaluate(final VisionLanguageModel model, final Slices slices, final Prompts prompts) {
		return evaluate(model, slices, prompts, 1);
	}

	/** As {@link #evaluate(VisionLanguageModel, Slices, Prompts)}, counting only classes of at least {@code minArea} pixels on a slice. */
	static Evaluation evaluate(final VisionLanguageModel model, final Slices slices, final Prompts prompts, final int minArea) {
		final int w = slices.width, h = slices.height;
		final Evaluation ev = new Evaluation();
		final List<Integer> prompted = prompts.prompted();
		final List<List<String>> trainedTexts = new ArrayList<>(), heldOutTexts = new ArrayList<>();
		final List<String> all = new ArrayList<>();
		for (final int c : prompted) {
			ev.classes.add(prompts.classes.get(c));
			ev.trained.add(new Score());
			ev.heldOut.add(new Score());
			trainedTexts.add(prompts.trained(c));
			heldOutTexts.add(prompts.heldOut(c));
			all.addAll(prompts.trained(c));
			all.addAll(prompts.heldOut(c));
		}
		final Map<String, float[]> embedding = new HashMap<>();
		if (!all.isEmpty()) {
			final float[][] e = model.encodeTexts(all);
			for (int i = 0; i < all.size(); i++)
				embedding.put(all.get(i), unit(e[i]));
		}
		for (int i = 0; i < slices.size(); i++) {
			final VisionLanguageModel.PatchEmbeddings p = model.encodeImages(slices.images.get(i), 1, h, w);
			final byte[] label = slices.labels.get(i);
			for (int j = 0; j < prompted.size(); j++) {
				final boolean[] mask = new boolean[w * h];
				int area = 0;
				for (int q = 0; q < mask.length; q++)
					if (label[q] == prompted.get(j)) {
						mask[q] = true;
						area++;
					}
				if (area == 0 || area < minArea) continue;
				for (final String t : trainedTexts.get(j))
					score(similarity(p, embedding.get(t), w, h), mask, ev.trained.get(j), ev.byPrompt.computeIfAbsent(t, x -> new Score()));
				for (final String t : heldOutTexts.get(j))
					score(similarity(p, embedding.get(t), w, h), mask, ev.heldOut.get(j), ev.byPrompt.computeIfAbsent(t, x -> new Score()));
			}
		}
		return ev;
	}

	private static void score(final float[] map, final boolean[] mask, final Score... scores) {
		int best = 0;
		float min = map[0], max = map[0];
		for (int q = 1; q < map.length; q++) {
			if (map[q] > max) {
				max = map[q];
				best = q;
			}
			min = Math.min(min, map[q]);
		}
		final float mid = (min + max) / 2;
		final boolean[] in = new boolean[map.length];
		for (int q = 0; q < map.length; q++)
			in[q] = max > min && map[q] >= mid;
		final double dice = SaliencyMetrics.dice(in, mask);
		for (final Score s : scores) {
			s.total++;
			if (mask[best]) s.hits++;
			s.diceSum += dice;
		}
	}

	/**
	 * The cosine similarity of each patch (of the first image) with {@code text}, upsampled bilinearly (pixel
	 * centres, edges clamped) to {@code w x h}.
	 */
	static float[] similarity(final VisionLanguageModel.PatchEmbeddings p, final float[] text, final int w, final int h) {
		final int gw = p.gridWidth, gh = p.gridHeight, d = p.dim;
		final float[] grid = new float[gw * gh];
		for (int q = 0; q < grid.length; q++) {
			double dot = 0, norm = 0;
			for (int i = 0; i < d; i++) {
				final float v = p.values[q * d + i];
				dot += v * text[i];
				norm += v * v;
			}
			grid[q] = norm == 0 ? 0 : (float) (dot / Math.sqrt(norm));
		}
		return upsample(grid, gw, gh, w, h);
	}

	/** Bilinear upsampling with pixel centres aligned (as TensorFlow's half-pixel resize), edges clamped. */
	static float[] upsample(final float[] grid, final int gw, final int gh, final int w, final int h) {
		final float[] out = new float[w * h];
		for (int y = 0; y < h; y++) {
			final double sy = Math.min(gh - 1, Math.max(0, (y + 0.5) * gh / h - 0.5));
			final int y0 = (int) sy, y1 = Math.min(gh - 1, y0 + 1);
			final double fy = sy - y0;
			for (int x = 0; x < w; x++) {
				final double sx = Math.min(gw - 1, Math.max(0, (x + 0.5) * gw / w - 0.5));
				final int x0 = (int) sx, x1 = Math.min(gw - 1, x0 + 1);
				final double fx = sx - x0;
				out[y * w + x] = (float) ((1 - fy) * ((1 - fx) * grid[y0 * gw + x0] + fx * grid[y0 * gw + x1])
					+ fy * ((1 - fx) * grid[y1 * gw + x0] + fx * grid[y1 * gw + x1]));
			}
		}
		return out;
	}

	private static float[] unit(final float[] v) {
		double n = 0;
		for (final float x : v)
			n += x * x;
		final float[] out = new float[v.length];
		if (n > 0) for (int i = 0; i < v.length; i++)
			out[i] = (float) (v[i] / Math.sqrt(n));
		return out;
	}

}
