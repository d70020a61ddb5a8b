package io.github.xaiclip.explain;

import io.github.xaiclip.model.PackedImage;
import io.github.xaiclip.roi.Roi;

/** What a method needs while it explains one image: the image, its baseline, the region, and the evaluator. */
final class ExplanationRun {

	final PackedImage image;
	final PackedImage baseline;
	/** The region perturbations are confined to (already dilated by the margin), or null in full mode. */
	final Roi region;
	/** The unperturbed score. */
	final double reference;
	private final BatchedEvaluator evaluator;
	private final TargetScore score;
	/** Figures of the run for the explanation's record, in the order noted. */
	final java.util.Map<String, Object> notes = new java.util.LinkedHashMap<>();

	ExplanationRun(final PackedImage image, final PackedImage baseline, final Roi region, final double reference, final BatchedEvaluator evaluator,
		final TargetScore score)
	{
		this.image = image;
		this.baseline = baseline;
		this.region = region;
		this.reference = reference;
		this.evaluator = evaluator;
		this.score = score;
	}

	int width() {
		return image.width();
	}

	int height() {
		return image.height();
	}

	int channels() {
		return image.channels();
	}

	/** Records a figure of this run (how many windows a pass took) among the explanation's parameters. */
	void note(final String key, final Object value) {
		notes.put(key, value);
	}

	/** Scores of every perturbed image of {@code set} (one model evaluation each). */
	double[] scores(final PerturbationSet set) {
		final long done = evaluator.evaluations();
		return evaluator.scores(set, score, done, done + set.size());
	}
}
