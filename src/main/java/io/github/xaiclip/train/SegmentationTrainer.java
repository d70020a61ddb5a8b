package io.github.xaiclip.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
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
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * Trains the U-Net on 2D slices with cross-entropy plus soft Dice, Adam ({@link Training.Adam}), seeded sampling and augmentation, and
 * exports the trained network (weights as constants, no optimizer state) as a SavedModel.
 */
final class SegmentationTrainer {

	/** What training gave. */
	static final class Trained {

		final Map<String, float[]> weights;
		/** Dice per class on the validation slices (all slices pooled); NaN where a class never occurs there. */
		final double[] validationDice;
		final double seconds;

		Trained(final Map<String, float[]> weights, final double[] validationDice, final double seconds) {
			this.weights = weights;
			this.validationDice = validationDice;
			this.seconds = seconds;
		}
	}

	final int classes, base, steps, batch;
	final float learningRate;
	final long seed;
	int logEvery = 100;
	boolean diceLoss = true;

	SegmentationTrainer(final int classes, final int base, final int steps, final int batch, final float learningRate, final long seed) {
		this.classes = classes;
		this.base = base;
		this.steps = steps;
		this.batch = batch;
		this.learningRate = learningRate;
		this.seed = seed;
	}

	Trained train(final Slices train, final Slices validation, final PrintStream log) {
		final long t0 = System.nanoTime();
		final int w = train.width, h = train.height, k = classes;
		try (Graph g = new Graph()) {
			final Ops tf = Ops.create(g);
			final Placeholder<TFloat32> x = tf.withName("image").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, h, w, 1)));
			final Placeholder<TFloat32> y = tf.withName("target").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, h, w, k)));
			final Weights.Trainable weights = new Weights.Trainable(seed);
			final Operand<TFloat32> logits = UNet.logits(tf, weights, x, 1, base, k);
			final Operand<TFloat32> probabilities = tf.nn.softmax(logits);
			// SoftmaxCrossEntropyWithLogits: TensorFlow Java's gradient of LogSoftmax is wrong (training diverges)
			final Operand<org.tensorflow.types.TInt32> flat = tf.constant(new int[] { -1, k });
			final Operand<TFloat32> crossEntropy = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(tf.reshape(logits, flat), tf.reshape(y, flat)).loss(),
				tf.constant(0));
			// soft Dice over the foreground classes, pooled over the batch
			final Operand<org.tensorflow.types.TInt32> axes = tf.constant(new int[] { 0, 1, 2 });
			final Operand<TFloat32> inter = tf.reduceSum(tf.math.mul(probabilities, y), axes);
			final Operand<TFloat32> sizes = tf.math.add(tf.reduceSum(probabilities, axes), tf.reduceSum(y, axes));
			final Operand<TFloat32> dice = tf.math.div(tf.math.add(tf.math.mul(inter, tf.constant(2f)), tf.constant(1f)), tf.math.add(sizes, tf.constant(1f)));
			final Operand<TFloat32> foregroundDice = tf.math.mean(tf.slice(dice, tf.constant(new int[] { 1 }), tf.constant(new int[] { k - 1 })),
				tf.constant(0));
			final Operand<TFloat32> loss = diceLoss ? tf.math.add(crossEntropy, tf.math.sub(tf.constant(1f), foregroundDice)) : crossEntropy;
			final Training.Adam adam = new Training.Adam(tf, g, loss, weights, learningRate);
			try (Session s = new Session(g, ConfigProto.newBuilder().setInterOpParallelismThreads(1).build())) {
				s.initialize();
				final Random random = new Random(seed);
				final float[] xb = new float[batch * w * h], yb = new float[batch * w * h * k];
				final float[] img = new float[w * h];
				final byte[] lab = new byte[w * h];
				double running = 0;
				for (int step = 1; step <= steps; step++) {
					Arrays.fill(yb, 0);
					for (int b = 0; b < batch; b++) {
						final int i = random.nextInt(train.size());
						Augment.apply(train.images.get(i), train.labels.get(i), w, h, random, img, lab);
						System.arraycopy(img, 0, xb, b * w * h, w * h);
						for (int p = 0; p < w * h; p++)
							yb[(b * w * h + p) * k + lab[p]] = 1;
					}
					try (TFloat32 xt = TFloat32.tensorOf(Shape.of(batch, h, w, 1), DataBuffers.of(xb, true, false));
						TFloat32 yt = TFloat32.tensorOf(Shape.of(batch, h, w, k), DataBuffers.of(yb, true, false));
						Result r = adam.step(s.runner().feed(x, xt).feed(y, yt).fetch(loss), step))
					{
						running = 0.95 * running + 0.05 * ((TFloat32) r.get(0)).getFloat();
					}
					if (log != null && (step % logEvery == 0 || step == steps))
						log.printf("step %d/%d  loss %.4f  (%.0f s)%n", step, steps, running / (1 - Math.pow(0.95, step)), (System.nanoTime() - t0) * 1e-9);
				}
				final double[] validationDice = dice(s, x, probabilities, validation);
				return new Trained(weights.values(s), validationDice, (System.nanoTime() - t0) * 1e-9);
			}
		}
	}

	/** Dice per class of the arg-max prediction over all the slices together. */
	private double[] dice(final Session s, final Operand<TFloat32> x, final Operand<TFloat32> probabilities, final Slices slices) {
		final int w = slices.width, h = slices.height, k = classes;
		final long[] inter = new long[k], predicted = new long[k], truth = new long[k];
		final float[] out = new float[w * h * k];
		for (int i = 0; i < slices.size(); i++) {
			try (TFloat32 xt = TFloat32.tensorOf(Shape.of(1, h, w, 1), DataBuffers.of(slices.images.get(i), true, false));
				Result r = s.runner().feed(x, xt).fetch(probabilities).run())
			{
				((TFloat32) r.get(0)).copyTo(DataBuffers.of(out, false, false));
			}
			final byte[] lab = slices.labels.get(i);
			for (int p = 0; p < w * h; p++) {
				int best = 0;
				for (int c = 1; c < k; c++)
					if (out[p * k + c] > out[p * k + best]) best = c;
				predicted[best]++;
				truth[lab[p]]++;
				if (best == lab[p]) inter[best]++;
			}
		}
		final double[] d = new double[k];
		for (int c = 0; c < k; c++)
			d[c] = truth[c] == 0 ? Double.NaN : 2.0 * inter[c] / (predicted[c] + truth[c]);
		return d;
	}

	/**
	 * Exports the network with trained weights as constants: input {@code image [b, h, w, 1]} (h, w multiples of 4),
	 * output {@code probabilities [b, h, w, classes]}.
	 */
	void export(final Map<String, float[]> weights, final Path dir) throws IOException {
		try (Graph g = new Graph(); Session s = new Session(g)) {
			final Ops tf = Ops.create(g);
			final Placeholder<TFloat32> image = tf.withName("image").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 1)));
			final Operand<TFloat32> p = tf.withName("probabilities").nn.softmax(UNet.logits(tf, new Weights.Fixed(weights), image, 1, base, classes));
			final Signature sig = Signature.builder().key("serving_default").input("image", image).output("probabilities", p).build();
			SavedModelBundle.exporter(dir.toString()).withTags("serve").withFunction(SessionFunction.create(sig, s)).export();
		}
	}

}
