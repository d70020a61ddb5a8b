package io.github.xaiclip.explain;

import java.util.Locale;

/**
 * Whether an explanation runs the model on crops around each perturbation instead of the whole image. Cropping is
 * exact when the receptive field holds (see {@link BatchedEvaluator}); it applies to local perturbations
 * (occlusion windows) whose crops are smaller than the image, and every explanation records which path ran and
 * why.
 */
public enum Cropping {

	/** Always the whole image: the conventional path. */
	OFF,

	/** Crops when the model declares a bounded receptive field (in {@code xai-clip.yaml}); the default. */
	DECLARED,

	/**
	 * Crops with the field the model declares or, when it declares none, with one estimated by
	 * {@link ReceptiveFieldProbe probing} the model once per image size (the probe's cost is recorded).
	 */
	AUTO;

	/** {@code off}, {@code declared} or {@code auto}, as users type it. */
	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static Cropping parse(final String s) {
		for (final Cropping c : values())
			if (c.id().equalsIgnoreCase(s == null ? "" : s.trim())) return c;
		throw new IllegalArgumentException("cropping: expected 'off', 'declared' or 'auto', got '" + s + "'");
	}
}
