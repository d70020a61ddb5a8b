package io.github.xaiclip.model;

import java.util.Objects;

/**
 * How far a change of the input can reach in a model's output, in the model's input pixels: the fact that lets
 * a perturbation be evaluated on a crop around it instead of the whole image.
 * <p>
 * A <em>bounded</em> field has a radius {@code r} (changing an input pixel changes no output pixel more than
 * {@code r} pixels away, along either axis) and a stride {@code S} (the total downsampling: a crop gives the same
 * outputs as the whole image, away from its cut edges, only when it starts at a multiple of {@code S}). A
 * <em>global</em> one means that cropping cannot be exact: the model has global context (a global pooling, a
 * dense layer), declared or found by probing, or its grid does not follow crops (it resamples its input).
 * <p>
 * Declared in {@code xai-clip.yaml} as {@code receptive_field: {radius: R, stride: S}} or
 * {@code receptive_field: {global: true}}. Immutable.
 */
public final class ReceptiveField {

	private final int radius;
	private final int stride;
	/** Why the field is global; null for a bounded one. */
	private final String globalReason;

	private ReceptiveField(final int radius, final int stride, final String globalReason) {
		this.radius = radius;
		this.stride = stride;
		this.globalReason = globalReason;
	}

	/** A bounded field of {@code radius} pixels and total downsampling {@code stride}. */
	public static ReceptiveField bounded(final int radius, final int stride) {
		if (radius < 0) throw new IllegalArgumentException("receptive_field.radius: expected an integer >= 0, got " + radius);
		if (stride < 1) throw new IllegalArgumentException("receptive_field.stride: expected an integer >= 1, got " + stride);
		return new ReceptiveField(radius, stride, null);
	}

	/** A field that cropping cannot honour; {@code reason} says why, for the explanation's record. */
	public static ReceptiveField global(final String reason) {
		return new ReceptiveField(-1, 1, Objects.requireNonNull(reason, "reason"));
	}

	public boolean isGlobal() {
		return globalReason != null;
	}

	/** The radius in pixels; -1 for a global field. */
	public int radius() {
		return radius;
	}

	/** The total downsampling (crop origins must be multiples of it); 1 for a global field. */
	public int stride() {
		return stride;
	}

	/** Why the field is global, or null for a bounded one. */
	public String globalReason() {
		return globalReason;
	}

	@Override
	public boolean equals(final Object o) {
		if (!(o instanceof ReceptiveField)) return false;
		final ReceptiveField f = (ReceptiveField) o;
		return f.radius == radius && f.stride == stride && Objects.equals(f.globalReason, globalReason);
	}

	@Override
	public int hashCode() {
		return Objects.hash(radius, stride, globalReason);
	}

	/** {@code radius 26 px, stride 4} or {@code global (REASON)}. */
	@Override
	public String toString() {
		return isGlobal() ? "global (" + globalReason + ")" : "radius " + radius + " px, stride " + stride;
	}
}
