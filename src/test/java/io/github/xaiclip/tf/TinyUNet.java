package io.github.xaiclip.tf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

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

/**
 * A two-level U-Net of about 23k fixed random parameters (the size of the demo CT model), exported as a SavedModel:
 * input {@code image [b, h, w, 1]} (h, w multiples of 2), output {@code probabilities [b, h, w, 6]} (softmax).
 * For benchmarks of the TensorFlow path.
 */
final class TinyUNet {

	static final int CLASSES = 6;

	private TinyUNet() {}

	static Path export(final Path dir) throws IOException {
		final Random rng = new Random(7);
		try (Graph g = new Graph(); Session s = new Session(g)) {
			final Ops tf = Ops.create(g);
			final Placeholder<TFloat32> image = tf.withName("image").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 1)));
			final Operand<TFloat32> e1 = conv(tf, conv(tf, image, 1, 16, rng, true), 16, 16, rng, true);
			final Operand<TFloat32> down = tf.nn.maxPool(e1, tf.constant(new int[] { 1, 2, 2, 1 }), tf.constant(new int[] { 1, 2, 2, 1 }), "VALID");
			final Operand<TFloat32> e2 = conv(tf, conv(tf, down, 16, 32, rng, true), 32, 32, rng, true);
			final Operand<org.tensorflow.types.TInt32> size = tf.slice(tf.shape(e1), tf.constant(new int[] { 1 }), tf.constant(new int[] { 2 }));
			final Operand<TFloat32> up = tf.dtypes.cast(tf.image.resizeBilinear(e2, size), TFloat32.class);
			final Operand<TFloat32> cat = tf.concat(Arrays.asList(e1, up), tf.constant(3));
			final Operand<TFloat32> d1 = conv(tf, cat, 48, 16, rng, true);
			final Operand<TFloat32> logits = conv(tf, d1, 16, CLASSES, rng, false);
			final Operand<TFloat32> p = tf.withName("probabilities").nn.softmax(logits);
			final Signature sig = Signature.builder().key("serving_default").input("image", image).output("probabilities", p).build();
			SavedModelBundle.exporter(dir.toString()).withTags("serve").withFunction(SessionFunction.create(sig, s)).export();
		}
		return dir;
	}

	private static Operand<TFloat32> conv(final Ops tf, final Operand<TFloat32> x, final int in, final int out, final Random rng, final boolean relu) {
		final float[] w = new float[3 * 3 * in * out];
		final double scale = Math.sqrt(2.0 / (9 * in));
		for (int i = 0; i < w.length; i++)
			w[i] = (float) (rng.nextGaussian() * scale);
		final float[] b = new float[out];
		final Operand<TFloat32> y = tf.nn.biasAdd(tf.nn.conv2d(x, tf.constant(Shape.of(3, 3, in, out), DataBuffers.of(w, true, false)),
			Arrays.asList(1L, 1L, 1L, 1L), "SAME"), tf.constant(b));
		return relu ? tf.nn.relu(y) : y;
	}
}
