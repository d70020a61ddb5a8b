package io.github.xaiclip.train;

import java.util.ArrayList;
import java.util.List;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Identity;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** Training helpers for TensorFlow Java. */
final class Training {

	private Training() {}

	/**
	 * Adam on every variable of a {@link Weights.Trainable}, deterministic: the same seed gives the same weights.
	 * tensorflow-framework's Adam is not: it keeps {@code beta^t} in variables that it updates in the same step as
	 * the ApplyAdam ops that read them, unordered, and an ApplyAdam may overwrite a weight (in place: these are
	 * reference variables) before the backward pass has read it for another layer's gradient. Here the powers are
	 * fed for each step, and every update waits until all gradients are computed.
	 */
	static final class Adam {

		static final float BETA1 = 0.9f, BETA2 = 0.999f, EPSILON = 1e-8f;

		private final Placeholder<TFloat32> beta1Power, beta2Power;
		private final Op update;

		Adam(final Ops tf, final Graph g, final Operand<TFloat32> loss, final Weights.Trainable weights, final float learningRate) {
			beta1Power = tf.withName("beta1_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
			beta2Power = tf.withName("beta2_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
			final List<String> names = new ArrayList<>(weights.variables.keySet());
			final Output<?>[] vars = new Output<?>[names.size()];
			for (int i = 0; i < vars.length; i++)
				vars[i] = weights.variables.get(names.get(i)).asOutput();
			final Output<?>[] grads = g.addGradients(loss.asOutput(), vars);
			final List<Op> computed = new ArrayList<>();
			final List<Operand<TFloat32>> gradients = new ArrayList<>();
			for (final Output<?> grad : grads) {
				final Identity<TFloat32> gi = tf.identity(grad.expect(TFloat32.class));
				computed.add(gi);
				gradients.add(gi);
			}
			final Ops after = tf.withControlDependencies(computed);
			final List<Op> updates = new ArrayList<>();
			for (int i = 0; i < vars.length; i++) {
				final Shape shape = Shape.of(weights.shapes.get(names.get(i)));
				final float[] zeros = new float[(int) shape.size()];
				final String slot = names.get(i).replace('/', '_');
				final Variable<TFloat32> m = tf.withName(slot + "_m").variable(tf.withInitScope().constant(shape, DataBuffers.of(zeros, true, false)));
				final Variable<TFloat32> v = tf.withName(slot + "_v").variable(tf.withInitScope().constant(shape, DataBuffers.of(zeros, true, false)));
				updates.add(after.train.applyAdam(weights.variables.get(names.get(i)), m, v, beta1Power, beta2Power, tf.constant(learningRate),
					tf.constant(BETA1), tf.constant(BETA2), tf.constant(EPSILON), gradients.get(i)));
			}
			update = tf.withControlDependencies(updates).noOp();
		}

		/** Runs training step {@code t} (1, 2, ...) with what {@code runner} feeds and fetches. */
		Result step(final Session.Runner runner, final int t) {
			try (TFloat32 p1 = TFloat32.scalarOf((float) Math.pow(BETA1, t)); TFloat32 p2 = TFloat32.scalarOf((float) Math.pow(BETA2, t))) {
				return runner.feed(beta1Power, p1).feed(beta2Power, p2).addTarget(update).run();
			}
		}
	}
}
