package io.github.xaiclip.train;

import java.util.Arrays;
import java.util.List;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A three-level 2D U-Net: two 3x3 convolutions with ReLU per level, max pooling down, bilinear upsampling and skip
 * concatenation up, a 1x1 convolution to the class logits. Input height and width must be multiples of 4.
 */
final class UNet {

	/** Total downsampling: two 2x2 poolings. */
	static final int STRIDE = 4;
	/**
	 * How far (px, along either axis) an output pixel sees: the 1D dependency of the graph below followed layer by
	 * layer (3x3 convolutions, 2x2 pooling, TensorFlow's bilinear resize without half-pixel centres) reaches 22 to 26
	 * pixels depending on the output pixel's phase.
	 */
	static final int RECEPTIVE_RADIUS = 26;

	private UNet() {}

	/** Logits {@code [b, h, w, classes]} of {@code image [b, h, w, channels]}. */
	static Operand<TFloat32> logits(final Ops tf, final Weights w, final Operand<TFloat32> image, final int channels, final int base, final int classes) {
		final Operand<TFloat32> e1 = conv(tf, w, "e1b", conv(tf, w, "e1a", image, channels, base, true), base, base, true);
		final Operand<TFloat32> e2 = conv(tf, w, "e2b", conv(tf, w, "e2a", pool(tf, e1), base, 2 * base, true), 2 * base, 2 * base, true);
		final Operand<TFloat32> e3 = conv(tf, w, "e3b", conv(tf, w, "e3a", pool(tf, e2), 2 * base, 4 * base, true), 4 * base, 4 * base, true);
		final Operand<TFloat32> d2 = conv(tf, w, "d2b", conv(tf, w, "d2a", up(tf, e3, e2), 6 * base, 2 * base, true), 2 * base, 2 * base, true);
		final Operand<TFloat32> d1 = conv(tf, w, "d1b", conv(tf, w, "d1a", up(tf, d2, e1), 3 * base, base, true), base, base, true);
		final Operand<TFloat32> k = w.get(tf, "out/w", 1, 1, base, classes);
		return tf.nn.biasAdd(tf.nn.conv2d(d1, k, Arrays.asList(1L, 1L, 1L, 1L), "SAME"), w.get(tf, "out/b", classes));
	}

	static Operand<TFloat32> conv(final Ops tf, final Weights w, final String name, final Operand<TFloat32> x, final int in, final int out,
		final boolean relu)
	{
		final Operand<TFloat32> y = tf.nn.biasAdd(tf.nn.conv2d(x, w.get(tf, name + "/w", 3, 3, in, out), Arrays.asList(1L, 1L, 1L, 1L), "SAME"),
			w.get(tf, name + "/b", out));
		return relu ? tf.nn.relu(y) : y;
	}

	static Operand<TFloat32> pool(final Ops tf, final Operand<TFloat32> x) {
		return tf.nn.maxPool(x, tf.constant(new int[] { 1, 2, 2, 1 }), tf.constant(new int[] { 1, 2, 2, 1 }), "VALID");
	}

	/** {@code x} upsampled to the size of {@code skip}, then concatenated with it along channels. */
	static Operand<TFloat32> up(final Ops tf, final Operand<TFloat32> x, final Operand<TFloat32> skip) {
		final Operand<TInt32> size = tf.slice(tf.shape(skip), tf.constant(new int[] { 1 }), tf.constant(new int[] { 2 }));
		final Operand<TFloat32> u = tf.image.resizeBilinear(x, size);
		final List<Operand<TFloat32>> parts = Arrays.asList(u, skip);
		return tf.concat(parts, tf.constant(3));
	}
}
