package io.github.xaiclip.explain;

import java.util.Map;
import java.util.OptionalLong;

/**
 * A perturbation explanation method (occlusion, RISE, LIME) with its parameters. Immutable; one instance can
 * explain any number of images, from any number of threads.
 */
public abstract class PerturbationMethod {

	PerturbationMethod() {}

	/** {@code occlusion}, {@code rise} or {@code lime}. */
	public abstract String name();

	/** The method's parameters by their user-facing (snake_case) names, in a stable order. */
	public abstract Map<String, Object> parameters();

	/** What perturbed pixels are replaced with. */
	public abstract Fill fill();

	/** The random seed, for methods that draw random perturbations. */
	public OptionalLong seed() {
		return OptionalLong.empty();
	}

	/** Refuses parameters that cannot work on a {@code width x height} image, naming the parameter. */
	abstract void validate(int width, int height);

	/** The saliency map, indexed {@code y * width + x}; 0 where nothing was perturbed. */
	abstract float[] explain(ExplanationRun run);

	@Override
	public String toString() {
		return name() + parameters();
	}
}
