package io.github.xaiclip.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The weights of a network being built: trainable variables initialized from a seeded random stream (He-normal for
 * kernels, zero for biases) while training, constants holding the trained values when exporting. A network is one
 * function of its weights, so training and inference graphs are the same code.
 */
abstract class Weights {

	/** The tensor named {@code name} of {@code shape}; a name ending in {@code /b} is a bias. */
	abstract Operand<TFloat32> get(Ops tf, String name, long... shape);

	/** Trainable variables with seeded initial values. */
	static final class Trainable extends Weights {

		private final Random random;
		final Map<String, Variable<TFloat32>> variables = new LinkedHashMap<>();
		final Map<String, long[]> shapes = new LinkedHashMap<>();

		Trainable(final long seed) {
			random = new Random(seed);
		}

		@Override
		Operand<TFloat32> get(final Ops tf, final String name, final long... shape) {
			if (variables.containsKey(name)) return variables.get(name);
			final int n = (int) Shape.of(shape).size();
			final float[] init = new float[n];
			if (!name.endsWith("/b")) {
				final long fanIn = n / shape[shape.length - 1];
				final double std = Math.sqrt(2.0 / fanIn);
				for (int i = 0; i < n; i++)
					init[i] = (float) (random.nextGaussian() * std);
			}
			final Variable<TFloat32> v = tf.withName(name.replace('/', '_')).variable(tf.withInitScope().constant(Shape.of(shape), DataBuffers.of(init, true, false)));
			variables.put(name, v);
			shapes.put(name, shape);
			return v;
		}

		/** The current values of every variable. */
		Map<String, float[]> values(final Session session) {
			final Map<String, float[]> out = new LinkedHashMap<>();
			for (final Map.Entry<String, Variable<TFloat32>> e : variables.entrySet())
				try (TFloat32 t = (TFloat32) session.runner().fetch(e.getValue()).run().get(0)) {
					final float[] v = new float[(int) t.shape().size()];
					t.copyTo(DataBuffers.of(v, false, false));
					out.put(e.getKey(), v);
				}
			return out;
		}
	}

	/** Trained values as constants. */
	static final class Fixed extends Weights {

		private final Map<String, float[]> values;

		Fixed(final Map<String, float[]> values) {
			this.values = values;
		}

		@Override
		Operand<TFloat32> get(final Ops tf, final String name, final long... shape) {
			final float[] v = values.get(name);
			if (v == null || v.length != Shape.of(shape).size()) throw new IllegalStateException("weights: no trained values for " + name);
			return tf.constant(Shape.of(shape), DataBuffers.of(v, true, false));
		}
	}
}
