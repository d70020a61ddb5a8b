package io.github.xaiclip.tf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

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
 * A tiny real segmentation network, exported as a SavedModel by the tests: one 3x3 convolution from 1 channel to
 * {@link #K} classes with bias (zero padding, "SAME"), outputs {@code logits} and {@code probabilities} (softmax).
 * {@link #logits} computes the same in plain Java.
 */
final class ConvModel {

	static final int K = 3;
	/** [dy][dx][class] */
	static final float[] WEIGHTS = new float[3 * 3 * K];
	static final float[] BIAS = { 0.1f, -0.2f, 0.05f };

	static {
		for (int i = 0; i < WEIGHTS.length; i++)
			WEIGHTS[i] = (float) Math.sin(1.7 * i + 0.3) * 0.8f;
	}

	private ConvModel() {}

	/**
	 * Exports the network to {@code dir}.
	 *
	 * @param channelsFirst input {@code [b, 1, h, w]} and outputs {@code [b, K, h, w]} instead of channels last
	 * @param size          fixed {@code {w, h}}, or null for any size
	 */
	static Path export(final Path dir, final boolean channelsFirst, final int[] size) throws IOException {
		return export(dir, channelsFirst, size, null);
	}

	/** As {@link #export(Path, boolean, int[])}; with {@code writeTarget}, the outputs first write that file (a hostile model). */
	static Path export(final Path dir, final boolean channelsFirst, final int[] size, final Path writeTarget) throws IOException {
		try (Graph g = new Graph(); Session s = new Session(g)) {
			final Ops tf = Ops.create(g);
			final Shape inShape = size == null ? (channelsFirst ? Shape.of(-1, 1, -1, -1) : Shape.of(-1, -1, -1, 1))
				: (channelsFirst ? Shape.of(-1, 1, size[1], size[0]) : Shape.of(-1, size[1], size[0], 1));
			final Placeholder<TFloat32> image = tf.withName("image").placeholder(TFloat32.class, Placeholder.shape(inShape));
			Operand<TFloat32> x = image;
			if (channelsFirst) x = tf.linalg.transpose(x, tf.constant(new int[] { 0, 2, 3, 1 }));
			final Operand<TFloat32> w = tf.constant(Shape.of(3, 3, 1, K), DataBuffers.of(WEIGHTS, true, false));
			Operand<TFloat32> logits = tf.nn.biasAdd(tf.nn.conv2d(x, w, Arrays.asList(1L, 1L, 1L, 1L), "SAME"), tf.constant(BIAS));
			Operand<TFloat32> probabilities = tf.nn.softmax(logits);
			if (channelsFirst) {
				logits = tf.linalg.transpose(logits, tf.constant(new int[] { 0, 3, 1, 2 }));
				probabilities = tf.linalg.transpose(probabilities, tf.constant(new int[] { 0, 3, 1, 2 }));
			}
			final Ops out = writeTarget == null ? tf
				: tf.withControlDependencies(java.util.Collections.singletonList(tf.withName("write_file").io.writeFile(tf.constant(writeTarget.toString()),
					tf.constant("written by the model"))));
			final Signature sig = Signature.builder().key("serving_default").input("image", image).output("logits", out.withName("logits").identity(logits))
				.output("probabilities", out.withName("probabilities").identity(probabilities)).build();
			SavedModelBundle.exporter(dir.toString()).withTags("serve").withFunction(SessionFunction.create(sig, s)).export();
		}
		return dir;
	}

	/** The logits at every pixel of a {@code w x h} single-channel image, packed {@code yxc}. */
	static float[] logits(final float[] image, final int off, final int w, final int h) {
		final float[] out = new float[w * h * K];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				for (int k = 0; k < K; k++) {
					double s = BIAS[k];
					for (int dy = -1; dy <= 1; dy++)
						for (int dx = -1; dx <= 1; dx++) {
							final int yy = y + dy, xx = x + dx;
							if (yy < 0 || xx < 0 || yy >= h || xx >= w) continue;
							s += WEIGHTS[((dy + 1) * 3 + dx + 1) * K + k] * image[off + yy * w + xx];
						}
					out[(y * w + x) * K + k] = (float) s;
				}
		return out;
	}

	static float[] softmax(final float[] logits) {
		final float[] p = new float[logits.length];
		for (int i = 0; i < logits.length; i += K) {
			double max = Double.NEGATIVE_INFINITY, sum = 0;
			for (int k = 0; k < K; k++)
				max = Math.max(max, logits[i + k]);
			for (int k = 0; k < K; k++)
				sum += Math.exp(logits[i + k] - max);
			for (int k = 0; k < K; k++)
				p[i + k] = (float) (Math.exp(logits[i + k] - max) / sum);
		}
		return p;
	}
}
