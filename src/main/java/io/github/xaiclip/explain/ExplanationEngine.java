package io.github.xaiclip.explain;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

import io.github.xaiclip.model.InputSpec;
import io.github.xaiclip.model.PackedImage;
import io.github.xaiclip.model.SegmentationModel;
import io.github.xaiclip.roi.Roi;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;

/**
 * Explains a segmentation model's prediction for one class on 2D images, over the whole image or guided by a
 * region of interest. Stacks and volumes are explained slice by slice by the caller.
 *
 * <pre>
 * Explanation e = new ExplanationEngine(model).batchSize(16)
 * 	.explain(slice, Target.ofClass("liver"), Occlusion.builder().window(16).stride(8).build(), Mode.ROI, roi, 8);
 * </pre>
 *
 * An engine holds settings only; {@link #explain} may run on several threads at once when the model allows it.
 */
public final class ExplanationEngine {

	/** The default number of images per model call. */
	public static final int DEFAULT_BATCH_SIZE = 16;

	private final SegmentationModel model;
	private int batchSize = DEFAULT_BATCH_SIZE;
	private ProgressListener listener = ProgressListener.NONE;
	private BooleanSupplier canceled = () -> false;

	public ExplanationEngine(final SegmentationModel model) {
		this.model = model;
	}

	public ExplanationEngine batchSize(final int batchSize) {
		if (batchSize < 1) throw new IllegalArgumentException("batch_size: expected >= 1, got " + batchSize);
		this.batchSize = batchSize;
		return this;
	}

	public ExplanationEngine listener(final ProgressListener listener) {
		this.listener = listener == null ? ProgressListener.NONE : listener;
		return this;
	}

	/** Polled before every batch; when it answers true, {@link #explain} throws a CancellationException. */
	public ExplanationEngine canceled(final BooleanSupplier canceled) {
		this.canceled = canceled == null ? () -> false : canceled;
		return this;
	}

	public SegmentationModel model() {
		return model;
	}

	/**
	 * Explains the model's prediction of {@code target} on {@code image}.
	 *
	 * @param image     preprocessed 2D image {@code (x, y)} or {@code (x, y, channel)}; not modified
	 * @param target    the class and the region whose mean probability is scored
	 * @param method    occlusion, RISE or LIME with their parameters
	 * @param mode      {@link Mode#FULL} perturbs the whole image; {@link Mode#ROI} only the region
	 * @param roi       the region of interest (required in roi mode, ignored in full mode)
	 * @param roiMargin pixels the region is grown by before it guides the perturbations
	 * @throws IllegalArgumentException for bad input, naming the parameter
	 * @throws java.util.concurrent.CancellationException when canceled
	 */
	public Explanation explain(final RandomAccessibleInterval<? extends RealType<?>> image, final Target target, final PerturbationMethod method,
		final Mode mode, final Roi roi, final double roiMargin)
	{
		final long t0 = System.nanoTime();
		final PackedImage packed = PackedImage.of(image);
		final int w = packed.width(), h = packed.height();
		final InputSpec spec = model.inputSpec();
		if (packed.channels() != spec.channels())
			throw new IllegalArgumentException("image: has " + packed.channels() + " channel(s), the model takes " + spec.channels());
		if (!spec.accepts(w, h)) throw new IllegalArgumentException("image: " + w + "x" + h + " does not fit the model's input (" + spec + ")");
		method.validate(w, h);
		final Roi region;
		if (mode == Mode.ROI) {
			if (roi == null) throw new IllegalArgumentException("roi: mode=roi needs a region of interest");
			checkGrid(roi, w, h, "roi");
			region = roi.dilate(roiMargin);
		}
		else {
			if (!(roiMargin >= 0)) throw new IllegalArgumentException("roi_margin: expected a value >= 0, got " + roiMargin);
			region = null;
		}
		final int c = target.classIndex(model);
		final String className = model.classNames().get(c);
		if (target.region() != null) checkGrid(target.region(), w, h, "target region");

		final BatchedEvaluator evaluator = new BatchedEvaluator(model, w, h, batchSize, listener, canceled);
		final float[] reference = evaluator.predict(packed.data());
		final Roi targetRegion = target.region() != null ? target.region() : predicted(reference, w, h, c, model.numClasses(), target.threshold(), className);
		final TargetScore score = TargetScore.over(targetRegion, c, model.numClasses());
		final double s0 = score.score(reference, 0);

		final PackedImage baseline = method.fill().baseline(packed);
		final ExplanationRun run = new ExplanationRun(packed, baseline, region, s0, evaluator, score);
		final float[] saliency = method.explain(run);

		final Map<String, Object> parameters = new LinkedHashMap<>(method.parameters());
		parameters.put("mode", mode.id());
		parameters.put("target", className);
		parameters.put("roi_margin", mode == Mode.ROI ? roiMargin : 0.0);
		parameters.put("batch_size", batchSize);
		final double seconds = (System.nanoTime() - t0) * 1e-9;
		return new Explanation(saliency, w, h, region, targetRegion, method.name(), mode, className, parameters, method.seed(), evaluator.evaluations(),
			seconds, s0);
	}

	private static void checkGrid(final Roi roi, final int w, final int h, final String name) {
		if (roi.width() != w || roi.height() != h)
			throw new IllegalArgumentException(name + ": " + roi.width() + "x" + roi.height() + " does not match the " + w + "x" + h + " image");
	}

	private static Roi predicted(final float[] out, final int w, final int h, final int c, final int k, final double threshold, final String name) {
		final boolean[] m = new boolean[w * h];
		boolean any = false;
		for (int p = 0; p < m.length; p++)
			any |= m[p] = out[p * k + c] >= threshold;
		if (!any)
			throw new IllegalArgumentException("target: the model predicts no pixel of class '" + name + "' at p >= " + threshold
				+ " on this image; give a target region or choose another class");
		return Roi.ofMask(w, h, m, "target");
	}
}
