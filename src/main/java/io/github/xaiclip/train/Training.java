package io.github.xaiclip.train;

import java.util.ArrayList;
import java.util.List;

import org.tensorflow.Operand;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.framework.optimizers.Optimizer.GradAndVar;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TType;

/** Training helpers for TensorFlow Java. */
final class Training {

	private Training() {}

	/**
	 * {@code optimizer.minimize(loss)}, with every update waiting for every gradient. Without that gate an update
	 * may overwrite a variable that the backward pass of another layer still reads (plain variables are references),
	 * which makes training racy: the same seed would not give the same weights.
	 */
	static Op minimize(final Ops tf, final Optimizer optimizer, final Operand<?> loss) {
		final List<GradAndVar<?>> raw = optimizer.computeGradients(loss);
		final List<Op> gradients = new ArrayList<>();
		for (final GradAndVar<?> gv : raw)
			gradients.add(gv.getGradient());
		final Ops gated = tf.withControlDependencies(gradients);
		final List<GradAndVar<? extends TType>> out = new ArrayList<>();
		for (final GradAndVar<?> gv : raw)
			out.add(gate(gated, gv));
		return optimizer.applyGradients(out, "train");
	}

	private static <T extends TType> GradAndVar<T> gate(final Ops gated, final GradAndVar<T> gv) {
		return new GradAndVar<>(gated.identity(gv.getGradient()).asOutput(), gv.getVariable());
	}
}
