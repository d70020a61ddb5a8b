package io.github.xaiclip.pipeline;

import java.util.function.BooleanSupplier;

import io.github.xaiclip.explain.Explanation;
import io.github.xaiclip.explain.ExplanationEngine;
import io.github.xaiclip.explain.Mode;
import io.github.xaiclip.explain.PerturbationMethod;
import io.github.xaiclip.explain.ProgressListener;
import io.github.xaiclip.explain.Target;
import io.github.xaiclip.metrics.Faithfulness;
import io.github.xaiclip.metrics.SaliencyMetrics;
import io.github.xaiclip.model.GridAdaptedModel;
import io.github.xaiclip.model.ModelDescriptor;
import io.github.xaiclip.model.ModelRuntimes;
import io.github.xaiclip.model.PackedImage;
import io.github.xaiclip.model.RuntimeOptions;
import io.github.xaiclip.model.SegmentationModel;
import io.github.xaiclip.model.VisionLanguageModel;
import io.github.xaiclip.roi.PredictionRoiSource;
import io.github.xaiclip.roi.Roi;
import io.github.xaiclip.roi.Rois;
import io.github.xaiclip.roi.TextRegionLocalizer;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;

/**
 * The core of every entry point (menu command, macro, command line, batch): given the settings, loads the models
 * once, and for each 2D slice preprocesses it, finds the region of interest, explains the target class and scores
 * the explanation. Not thread-safe: one explainer per job; the models behind it are shared through the runtime's
 * cache.
 * <p>
 * The pipeline per slice, in the order it runs: {@link #prepare} (preprocess for each model, region from the
 * chosen source, ground truth) then {@link #explain} (perturbation explanation, overlap with the ground truth,
 * deletion/insertion AUC). {@code compare} prepares once and explains several times.
 */
public final class Explainer implements AutoCloseable {

	private final ExplainSettings settings;
	private final ModelDescriptor.Segmentation segDescriptor;
	private final ModelDescriptor clipDescriptor;
	private final SegmentationModel seg;
	private final VisionLanguageModel clip;
	private final TextRegionLocalizer localizer;
	private ProgressListener listener = ProgressListener.NONE;
	private BooleanSupplier canceled = () -> false;

	private Explainer(final ExplainSettings settings, final ModelDescriptor.Segmentation segDescriptor, final ModelDescriptor clipDescriptor,
		final SegmentationModel seg, final VisionLanguageModel clip)
	{
		this.settings = settings;
		this.segDescriptor = segDescriptor;
		this.clipDescriptor = clipDescriptor;
		this.seg = seg;
		this.clip = clip;
		this.localizer = clip == null ? null : new TextRegionLocalizer(clip);
	}

	/**
	 * Checks the settings and loads the models they name (cached by folder, so a second job on the same models
	 * loads nothing).
	 *
	 * @throws IllegalArgumentException naming the parameter or model file that is wrong
	 */
	public static Explainer open(final ExplainSettings settings, final RuntimeOptions options) {
		settings.check();
		final ModelDescriptor d = ModelDescriptor.read(settings.segModel);
		if (d.kind() != ModelDescriptor.Kind.SEGMENTATION)
			throw new IllegalArgumentException("seg_model: " + d.source() + " describes a " + d.kind() + " model; expected kind: segmentation");
		final ModelDescriptor.Segmentation segD = d.asSegmentation();
		if (!segD.classes().contains(settings.target))
			throw new IllegalArgumentException("target: '" + settings.target + "' is not a class of " + settings.segModel + "; expected one of " + segD.classes());
		ModelDescriptor clipD = null;
		if (settings.roiSource == ExplainSettings.RoiSourceKind.TEXT) {
			clipD = ModelDescriptor.read(settings.clipModel);
			if (clipD.kind() != ModelDescriptor.Kind.VISION_LANGUAGE)
				throw new IllegalArgumentException("clip_model: " + clipD.source() + " describes a " + clipD.kind() + " model; expected kind: vision-language");
		}
		final SegmentationModel seg = ModelRuntimes.get().segmentation(settings.segModel, options);
		VisionLanguageModel clip = null;
		try {
			if (clipD != null) clip = ModelRuntimes.get().visionLanguage(settings.clipModel, options);
		}
		catch (final RuntimeException e) {
			seg.close();
			throw e;
		}
		return new Explainer(settings, segD, clipD, seg, clip);
	}

	/** Told of each batch of model evaluations. */
	public Explainer listener(final ProgressListener l) {
		listener = l == null ? ProgressListener.NONE : l;
		return this;
	}

	/** Asked before each batch; true stops the explanation with a {@link java.util.concurrent.CancellationException}. */
	public Explainer canceled(final BooleanSupplier c) {
		canceled = c == null ? () -> false : c;
		return this;
	}

	public ExplainSettings settings() {
		return settings;
	}

	/** The segmentation model's class names. */
	public java.util.List<String> classes() {
		return segDescriptor.classes();
	}

	/** One 2D slice to explain: raw values (as in the file, e.g. Hounsfield units) and what goes with them. */
	public static final class SliceInput {

		final String image;
		final int slice;
		final RandomAccessibleInterval<? extends RealType<?>> raw;
		final double[] pixelSizeMm;
		final RandomAccessibleInterval<? extends RealType<?>> roiImage, truthImage;

		/**
		 * @param image       the image's name in tables
		 * @param slice       1-based slice number, as Fiji counts
		 * @param raw         the slice's values, {@code (x, y)}
		 * @param pixelSizeMm {x, y} in mm, or null when the image has no calibration
		 * @param roiImage    the mask or label slice for region sources mask and label, else null
		 * @param truthImage  the ground-truth label or mask slice, or null
		 */
		public SliceInput(final String image, final int slice, final RandomAccessibleInterval<? extends RealType<?>> raw, final double[] pixelSizeMm,
			final RandomAccessibleInterval<? extends RealType<?>> roiImage, final RandomAccessibleInterval<? extends RealType<?>> truthImage)
		{
			if (raw.numDimensions() != 2) throw new IllegalArgumentException(image + ": expected a 2D slice, got " + raw.numDimensions() + " dimensions");
			this.image = image;
			this.slice = slice;
			this.raw = raw;
			this.pixelSizeMm = pixelSizeMm == null ? null : pixelSizeMm.clone();
			this.roiImage = roiImage;
			this.truthImage = truthImage;
			final long w = raw.dimension(0), h = raw.dimension(1);
			if (roiImage != null) Rois.checkGrid(roiImage, w, h, "roi image");
			if (truthImage != null) Rois.checkGrid(truthImage, w, h, "ground truth");
		}
	}

	/** A slice made ready: preprocessed for the segmentation model, its region and ground truth found. */
	public static final class Prepared {

		final SliceInput input;
		final PackedImage segInput;
		final RandomAccessibleInterval<FloatType> segImage;
		final SegmentationModel model;
		final Roi roi, truth;
		final float[] similarity;
		final double marginPx;

		Prepared(final SliceInput input, final PackedImage segInput, final SegmentationModel model, final Roi roi, final Roi truth,
			final float[] similarity, final double marginPx)
		{
			this.input = input;
			this.segInput = segInput;
			this.segImage = ArrayImgs.floats(segInput.data(), segInput.width(), segInput.height());
			this.model = model;
			this.roi = roi;
			this.truth = truth;
			this.similarity = similarity;
			this.marginPx = marginPx;
		}

		/** The region of interest (before the margin), or null for region source none. */
		public Roi roi() {
			return roi;
		}

		/** The text prompt's similarity map on the slice's grid, or null when the region did not come from text. */
		public float[] similarity() {
			return similarity;
		}
	}

	/**
	 * Preprocesses the slice and finds its region of interest and ground truth.
	 *
	 * @throws IllegalArgumentException when the region cannot be found (e.g. the label value is absent)
	 */
	public Prepared prepare(final SliceInput in) {
		final double[] px = settings.pixelSizeMm != null ? settings.pixelSizeMm : in.pixelSizeMm;
		final PackedImage segInput = segDescriptor.preprocessing().apply(in.raw);
		final SegmentationModel model = GridAdaptedModel.adapt(seg, px == null ? null : segDescriptor.pixelSize(), px);
		final int w = segInput.width(), h = segInput.height();
		final String where = in.image + " slice " + in.slice;
		Roi roi = null;
		float[] similarity = null;
		switch (settings.roiSource) {
			case TEXT: {
				final PackedImage clipInput = clipDescriptor.preprocessing().apply(in.raw);
				final TextRegionLocalizer.Result found = localizer.localizeAll(localizer.embed(clipInput), settings.prompt,
					TextRegionLocalizer.Options.defaults());
				roi = found.region();
				similarity = found.prompts().get(0).similarity();
				if (roi.area() == 0) throw new IllegalArgumentException(where + ": the prompt '" + settings.prompt + "' leaves an empty region");
				break;
			}
			case MASK:
				if (in.roiImage == null) throw new IllegalArgumentException("roi_mask: missing; region source mask needs a mask image");
				roi = Rois.fromMask(in.roiImage, "mask");
				if (roi.area() == 0) throw new IllegalArgumentException(where + ": the region mask is empty on this slice");
				break;
			case LABEL:
				if (in.roiImage == null) throw new IllegalArgumentException("roi_label: missing; region source label needs a label image");
				roi = Rois.fromLabel(in.roiImage, settings.roiValue, "label " + fmt(settings.roiValue));
				if (roi.area() == 0) throw new IllegalArgumentException(where + ": no pixel has label " + fmt(settings.roiValue) + " on this slice");
				break;
			case PREDICTION:
				roi = new PredictionRoiSource(model, settings.target, 0.5, 0).regionFor(ArrayImgs.floats(segInput.data(), w, h));
				break;
			default:
				break;
		}
		Roi truth = null;
		if (in.truthImage != null) {
			truth = Double.isFinite(settings.gtValue) ? Rois.fromLabel(in.truthImage, settings.gtValue, "ground truth")
				: Rois.fromMask(in.truthImage, "ground truth");
		}
		final double marginPx = px == null ? settings.roiMarginMm : settings.roiMarginMm / Math.min(px[0], px[1]);
		return new Prepared(in, segInput, model, roi, truth, similarity, marginPx);
	}

	/** Explains a prepared slice with the settings' method and mode. */
	public SliceResult explain(final Prepared p) {
		return explain(p, settings.perturbation(settings.method), settings.mode);
	}

	/** Explains a prepared slice with {@code method} in {@code mode}. */
	public SliceResult explain(final Prepared p, final PerturbationMethod method, final Mode mode) {
		final int batch = settings.memoryBudget().batchSize(p.model, p.segInput.width(), p.segInput.height(), settings.batchSize,
			p.input.image + " slice " + p.input.slice);
		final ExplanationEngine engine = new ExplanationEngine(p.model).batchSize(batch).listener(listener).canceled(canceled)
			.cropping(settings.cropping());
		final Explanation e = engine.explain(p.segImage, Target.ofClass(settings.target), method, mode, p.roi, p.marginPx);
		SaliencyMetrics.Overlap overlap = null;
		if (p.truth != null && p.truth.area() > 0) overlap = SaliencyMetrics.overlap(e.saliency(), p.truth);
		double deletion = Double.NaN, insertion = Double.NaN;
		if (settings.faithfulnessSteps > 0) {
			final Faithfulness f = new Faithfulness(p.model, settings.faithfulnessSteps, batch);
			deletion = f.deletionAuc(p.segImage, e);
			insertion = f.insertionAuc(p.segImage, e);
		}
		return new SliceResult(p.input.image, p.input.slice, e, p.roi, p.truth, p.segInput, p.similarity, overlap, deletion, insertion);
	}

	/** Prepares and explains one slice with the settings' method and mode. */
	public SliceResult explain(final SliceInput in) {
		return explain(prepare(in));
	}

	private static String fmt(final double v) {
		return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
	}

	@Override
	public void close() {
		try {
			seg.close();
		}
		finally {
			if (clip != null) clip.close();
		}
	}
}
