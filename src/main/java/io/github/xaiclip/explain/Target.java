package io.github.xaiclip.explain;

import java.util.Objects;

import io.github.xaiclip.model.SegmentationModel;
import io.github.xaiclip.roi.Roi;

/**
 * What is explained: class {@code c} over a target region {@code T}. The score of an image {@code x} is the mean of
 * {@code P_c(x)} over {@code T}; the importance of a perturbation is the drop it causes in that score.
 * <p>
 * {@code T} is by default the model's own unperturbed prediction ({@code P_c >= threshold}); it can instead be a
 * given region (the ROI, or a ground-truth mask).
 */
public final class Target {

	private final String className;
	private final int classIndex;
	private final Roi region;
	private final double threshold;

	private Target(final String className, final int classIndex, final Roi region, final double threshold) {
		this.className = className;
		this.classIndex = classIndex;
		this.region = region;
		this.threshold = threshold;
	}

	/** The named class, over the region the model predicts for it. */
	public static Target ofClass(final String className) {
		Objects.requireNonNull(className, "target");
		return new Target(className, -1, null, 0.5);
	}

	/** The class at output channel {@code index}, over the region the model predicts for it. */
	public static Target ofClass(final int index) {
		if (index < 0) throw new IllegalArgumentException("target: class index must be >= 0, got " + index);
		return new Target(null, index, null, 0.5);
	}

	/** The same class, scored over {@code region} instead of the prediction. */
	public Target over(final Roi region) {
		return new Target(className, classIndex, Objects.requireNonNull(region, "target region"), threshold);
	}

	/** The same class, over the prediction {@code P_c >= threshold}. */
	public Target predictedAt(final double threshold) {
		if (!(threshold > 0 && threshold < 1)) throw new IllegalArgumentException("target threshold: expected a value in (0, 1), got " + threshold);
		return new Target(className, classIndex, null, threshold);
	}

	/** The given target region, or null when the prediction defines it. */
	public Roi region() {
		return region;
	}

	public double threshold() {
		return threshold;
	}

	/** The output channel of the class for {@code model}. */
	public int classIndex(final SegmentationModel model) {
		if (className != null) return model.classIndex(className);
		if (classIndex >= model.numClasses())
			throw new IllegalArgumentException("target: class index " + classIndex + " is out of range; the model has " + model.numClasses() + " classes " + model.classNames());
		return classIndex;
	}

	@Override
	public String toString() {
		return (className != null ? className : "class " + classIndex) + (region != null ? " over a given region" : " over P >= " + threshold);
	}
}
