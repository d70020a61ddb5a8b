package io.github.xaiclip.metrics;

import java.util.Arrays;

import io.github.xaiclip.explain.BatchedEvaluator;
import io.github.xaiclip.explain.Explanation;
import io.github.xaiclip.explain.Fill;
import io.github.xaiclip.explain.PerturbationSet;
import io.github.xaiclip.explain.TargetScore;
import io.github.xaiclip.model.PackedImage;
import io.github.xaiclip.model.SegmentationModel;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;

/**
 * Deletion and insertion curves: how fast the target score falls as the most salient pixels are replaced by the
 * baseline (deletion; lower area is better), or rises as they are put back into the baseline image (insertion;
 * higher is better). Pixels go in order of decreasing saliency, ties in raster order, in {@code steps} equal steps;
 * the area is the trapezoid rule over the fraction of pixels in [0, 1]. Each curve costs {@code steps + 1}
 * evaluations; the score is the explanation's own (its class over its target region) and the baseline its fill.
 */
public final class Faithfulness {

	private final SegmentationModel model;
	private final int steps;
	private final int batchSize;

	public Faithfulness(final SegmentationModel model, final int steps, final int batchSize) {
		if (steps < 1) throw new IllegalArgumentException("steps: expected >= 1, got " + steps);
		if (batchSize < 1) throw new IllegalArgumentException("batch_size: expected >= 1, got " + batchSize);
		this.model = model;
		this.steps = steps;
		this.batchSize = batchSize;
	}

	/** The score after each deletion step, {@code steps + 1} values starting with the unperturbed image. */
	public double[] deletionCurve(final RandomAccessibleInterval<? extends RealType<?>> image, final Explanation e) {
		return curve(image, e, false);
	}

	/** The score after each insertion step, {@code steps + 1} values starting with the baseline image. */
	public double[] insertionCurve(final RandomAccessibleInterval<? extends RealType<?>> image, final Explanation e) {
		return curve(image, e, true);
	}

	public double deletionAuc(final RandomAccessibleInterval<? extends RealType<?>> image, final Explanation e) {
		return auc(deletionCurve(image, e));
	}

	public double insertionAuc(final RandomAccessibleInterval<? extends RealType<?>> image, final Explanation e) {
		return auc(insertionCurve(image, e));
	}

	/** Trapezoid area of a curve sampled at equal steps over [0, 1]. */
	public static double auc(final double[] curve) {
		if (curve.length < 2) throw new IllegalArgumentException("curve: expected >= 2 points, got " + curve.length);
		double sum = 0;
		for (int i = 0; i + 1 < curve.length; i++)
			sum += (curve[i] + curve[i + 1]) / 2;
		return sum / (curve.length - 1);
	}

	private double[] curve(final RandomAccessibleInterval<? extends RealType<?>> img, final Explanation e, final boolean insertion) {
		final PackedImage image = PackedImage.of(img);
		final int w = image.width(), h = image.height(), c = image.channels(), n = w * h;
		if (w != e.width() || h != e.height())
			throw new IllegalArgumentException("image: " + w + "x" + h + " does not match the explanation's " + e.width() + "x" + e.height());
		final PackedImage baseline = Fill.parse(String.valueOf(e.parameters().get("fill"))).baseline(image);
		final float[] sal = e.saliencyValues();
		final Integer[] boxed = new Integer[n];
		for (int i = 0; i < n; i++)
			boxed[i] = i;
		Arrays.sort(boxed, (a, b) -> {
			final int k = Float.compare(sal[b], sal[a]);
			return k != 0 ? k : Integer.compare(a, b);
		});
		final int[] order = new int[n];
		for (int i = 0; i < n; i++)
			order[i] = boxed[i];
		final float[] from = insertion ? baseline.data() : image.data(), to = insertion ? image.data() : baseline.data();
		final TargetScore score = TargetScore.over(e.targetRegion(), model.classIndex(e.targetClass()), model.numClasses());
		final BatchedEvaluator evaluator = new BatchedEvaluator(model, w, h, batchSize, null, null);
		return evaluator.scores(new PerturbationSet() {

			@Override
			public int size() {
				return steps + 1;
			}

			@Override
			public void build(final int step, final float[] dest, final int offset) {
				System.arraycopy(from, 0, dest, offset, from.length);
				final int changed = (int) Math.round(step * (double) n / steps);
				for (int i = 0; i < changed; i++) {
					final int p = order[i];
					System.arraycopy(to, p * c, dest, offset + p * c, c);
				}
			}
		}, score, 0, steps + 1);
	}
}
