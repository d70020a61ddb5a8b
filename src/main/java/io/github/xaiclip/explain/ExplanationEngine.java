package io.github.xaiclip.explain;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import io.github.xaiclip.model.InputSpec;
import io.github.xaiclip.model.PackedImage;
import io.github.xaiclip.model.ReceptiveField;
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
 * Perturbations may run on crops of the image where the model's receptive field allows ({@link #cropping}); the
 * explanation's parameters record the path ({@code evaluation}: {@code cropped} or {@code full-image}), why
 * ({@code evaluation_reason}) and the field used ({@code receptive_field}).
 * <p>
 * An engine holds settings, and the receptive fields it probed (once per image size); {@link #explain} may run on
 * several threads at once when the model allows it.
 */
public final class ExplanationEngine {

	/** The default number of images per model call. */
	public static final int DEFAULT_BATCH_SIZE = 16;

	private final SegmentationModel model;
	private int batchSize = DEFAULT_BATCH_SIZE;
	private ProgressListener listener = ProgressListener.NONE;
	private BooleanSupplier canceled = () -> false;
	private Cropping cropping = Cropping.DECLARED;
	private final Map<Long, ReceptiveFieldProbe.Estimate> probed = new ConcurrentHashMap<>();

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

	/** Whether perturbations run on crops around them where the receptive field allows (default: as declared). */
	public ExplanationEngine cropping(final Cropping cropping) {
		this.cropping = java.util.Objects.requireNonNull(cropping, "cropping");
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

		final Field field = field(packed);
		if (field.crops()) evaluator.cropTo(field.field, reference);

		final PackedImage baseline = method.fill().baseline(packed);
		final ExplanationRun run = new ExplanationRun(packed, baseline, region, s0, evaluator, score);
		final float[] saliency = method.explain(run);

		final Map<String, Object> parameters = new LinkedHashMap<>(method.parameters());
		parameters.put("mode", mode.id());
		parameters.put("target", className);
		parameters.put("roi_margin", mode == Mode.ROI ? roiMargin : 0.0);
		parameters.put("batch_size", batchSize);
		parameters.put("evaluation", evaluator.croppedEvaluations() > 0 ? "cropped" : "full-image");
		parameters.put("evaluation_reason", field.crops() ? evaluator.cropNote() : field.why);
		parameters.put("receptive_field", field.description);
		if (field.probeEvaluations > 0) parameters.put("probe_evaluations", field.probeEvaluations);
		parameters.putAll(run.notes);
		final double seconds = (System.nanoTime() - t0) * 1e-9;
		return new Explanation(saliency, w, h, region, targetRegion, method.name(), mode, className, parameters, method.seed(), evaluator.evaluations(),
			evaluator.pixels(), seconds, s0);
	}

	/** The receptive field an explanation crops with, where it came from, and why it does not crop when it does not. */
	private static final class Field {

		final ReceptiveField field;
		final String description, why;
		final long probeEvaluations;

		Field(final ReceptiveField field, final String description, final String why, final long probeEvaluations) {
			this.field = field;
			this.description = description;
			this.why = why;
			this.probeEvaluations = probeEvaluations;
		}

		boolean crops() {
			return why == null;
		}
	}

	private Field field(final PackedImage image) {
		final ReceptiveField declared = model.receptiveField();
		final String asDeclared = declared == null ? "not declared" : declared + " (declared)";
		if (cropping == Cropping.OFF) return new Field(declared, asDeclared, "cropping off", 0);
		if (model.inputSpec().isFixed()) return new Field(declared, asDeclared, "the model takes one fixed size (" + model.inputSpec() + ")", 0);
		if (declared != null) return new Field(declared, asDeclared, declared.isGlobal() ? "receptive field " + declared : null, 0);
		if (cropping == Cropping.DECLARED) return new Field(null, asDeclared, "the model declares no receptive field", 0);
		checkCanceled();
		final long key = ((long) image.width() << 32) | image.height();
		final boolean[] ran = { false };
		final ReceptiveFieldProbe.Estimate e = probed.computeIfAbsent(key, k -> {
			ran[0] = true;
			return ReceptiveFieldProbe.probe(model, image);
		});
		return new Field(e.field(), e.toString(), e.field().isGlobal() ? "receptive field " + e.field() : null, ran[0] ? e.evaluations() : 0);
	}

	private void checkCanceled() {
		if (canceled.getAsBoolean()) throw new java.util.concurrent.CancellationException("explanation canceled");
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
