package io.github.xaiclip.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import io.github.xaiclip.explain.Cropping;
import io.github.xaiclip.explain.Fill;
import io.github.xaiclip.explain.Lime;
import io.github.xaiclip.explain.Mode;
import io.github.xaiclip.explain.Occlusion;
import io.github.xaiclip.explain.PerturbationMethod;
import io.github.xaiclip.explain.Rise;

/**
 * Everything a user sets for one explanation job, by the names the command line, the Fiji dialogs and macros use
 * (snake_case in macros, kebab-case on the command line). Defaults are those of the menu command. Checked by
 * {@link #check()}, which names the parameter that is wrong.
 */
public final class ExplainSettings {

	/** Where the region of interest comes from. */
	public enum RoiSourceKind {
		/** A text prompt through the vision-language model. */
		TEXT("text"),
		/** A mask image (non-zero inside), or the user's selection in Fiji. */
		MASK("mask"),
		/** A label image and one label value. */
		LABEL("label"),
		/** The segmentation model's own prediction of the target class. */
		PREDICTION("prediction"),
		/** No region: only full mode is possible. */
		NONE("none");

		private final String id;

		RoiSourceKind(final String id) {
			this.id = id;
		}

		public String id() {
			return id;
		}

		public static RoiSourceKind parse(final String s) {
			for (final RoiSourceKind k : values())
				if (k.id.equalsIgnoreCase(s == null ? "" : s.trim())) return k;
			throw new IllegalArgumentException("roi_source: expected text, mask, label, prediction or none, got '" + s + "'");
		}
	}

	public static final String[] METHODS = { "occlusion", "rise", "lime" };

	Path segModel;
	RoiSourceKind roiSource = RoiSourceKind.TEXT;
	Path clipModel;
	String prompt = "";
	double roiValue = Double.NaN;
	String target = "";
	String method = "occlusion";
	Mode mode = Mode.ROI;
	double roiMarginMm = 9;
	int window = 8, stride = 4;
	String fill = "zero";
	int masks = 500, cell = 16;
	double keepProbability = 0.5;
	int superpixels = 100, samples = 400;
	long seed = 42;
	int batchSize = 16;
	int faithfulnessSteps = 20;
	double gtValue = Double.NaN;
	double[] pixelSizeMm;
	MemoryBudget memoryBudget;
	int coarseWindow, coarseStride;
	double refineFraction = 0.3;
	Cropping cropping = Cropping.DECLARED;

	public ExplainSettings segModel(final Path dir) {
		segModel = dir;
		return this;
	}

	public ExplainSettings roiSource(final RoiSourceKind kind) {
		roiSource = kind;
		return this;
	}

	public ExplainSettings clipModel(final Path dir) {
		clipModel = dir;
		return this;
	}

	/** Prompt(s) for the text region: comma-separated structures, "not ..." to exclude one. */
	public ExplainSettings prompt(final String text) {
		prompt = text == null ? "" : text.trim();
		return this;
	}

	/** The label value that forms the region, for {@link RoiSourceKind#LABEL}. */
	public ExplainSettings roiValue(final double value) {
		roiValue = value;
		return this;
	}

	/** The class to explain, by name. */
	public ExplainSettings target(final String className) {
		target = className == null ? "" : className.trim();
		return this;
	}

	public ExplainSettings method(final String name) {
		method = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
		return this;
	}

	public ExplainSettings mode(final Mode m) {
		mode = m;
		return this;
	}

	/** How far the region is grown before it guides the perturbations, in mm (pixels for an uncalibrated image). */
	public ExplainSettings roiMarginMm(final double mm) {
		roiMarginMm = mm;
		return this;
	}

	public ExplainSettings window(final int px) {
		window = px;
		return this;
	}

	public ExplainSettings stride(final int px) {
		stride = px;
		return this;
	}

	/** zero, mean, blur[:sigma] or constant:value. */
	public ExplainSettings fill(final String f) {
		fill = f;
		return this;
	}

	public ExplainSettings masks(final int n) {
		masks = n;
		return this;
	}

	public ExplainSettings cell(final int px) {
		cell = px;
		return this;
	}

	public ExplainSettings keepProbability(final double p) {
		keepProbability = p;
		return this;
	}

	public ExplainSettings superpixels(final int n) {
		superpixels = n;
		return this;
	}

	public ExplainSettings samples(final int n) {
		samples = n;
		return this;
	}

	public ExplainSettings seed(final long s) {
		seed = s;
		return this;
	}

	public ExplainSettings batchSize(final int n) {
		batchSize = n;
		return this;
	}

	/** Steps of the deletion/insertion curves; 0 skips them (saving 2 x steps model evaluations). */
	public ExplainSettings faithfulnessSteps(final int n) {
		faithfulnessSteps = n;
		return this;
	}

	/** The ground-truth label value; NaN takes every non-zero pixel of the ground-truth image. */
	public ExplainSettings gtValue(final double value) {
		gtValue = value;
		return this;
	}

	/** Overrides the image's pixel size {x, y} in mm (for images without calibration); null keeps the image's. */
	public ExplainSettings pixelSizeMm(final double[] xy) {
		pixelSizeMm = xy == null ? null : xy.clone();
		return this;
	}

	/**
	 * Adaptive occlusion: a coarse pass with {@code coarseWindow} windows at {@code coarseStride}, then the fine
	 * windows only where the coarse saliency reaches {@code fraction} of its maximum; 0 for no coarse pass.
	 */
	public ExplainSettings refine(final int coarseWindow, final int coarseStride, final double fraction) {
		this.coarseWindow = coarseWindow;
		this.coarseStride = coarseStride;
		this.refineFraction = fraction;
		return this;
	}

	/** Whether occlusion runs the model on crops around each window where its receptive field allows. */
	public ExplainSettings cropping(final Cropping c) {
		cropping = c == null ? Cropping.DECLARED : c;
		return this;
	}

	public Cropping cropping() {
		return cropping;
	}

	/** The memory one slice's explanation may take; null for {@link MemoryBudget#auto()}. */
	public ExplainSettings memoryBudget(final MemoryBudget budget) {
		memoryBudget = budget;
		return this;
	}

	public MemoryBudget memoryBudget() {
		return memoryBudget != null ? memoryBudget : MemoryBudget.auto();
	}

	public Path segModel() {
		return segModel;
	}

	public RoiSourceKind roiSource() {
		return roiSource;
	}

	public Path clipModel() {
		return clipModel;
	}

	public String prompt() {
		return prompt;
	}

	public double roiValue() {
		return roiValue;
	}

	public String target() {
		return target;
	}

	public String method() {
		return method;
	}

	public Mode mode() {
		return mode;
	}

	public double gtValue() {
		return gtValue;
	}

	public int batchSize() {
		return batchSize;
	}

	/** Refuses what cannot work, naming the parameter and what was expected. */
	public ExplainSettings check() {
		if (segModel == null) throw new IllegalArgumentException("seg_model: missing; expected the folder of a segmentation model");
		if (!Files.isDirectory(segModel)) throw new IllegalArgumentException("seg_model: " + segModel + " is not a folder; expected a model folder with xai-clip.yaml");
		if (target.isEmpty()) throw new IllegalArgumentException("target: missing; expected the name of one of the model's classes");
		if (roiSource == RoiSourceKind.TEXT) {
			if (clipModel == null) throw new IllegalArgumentException("clip_model: missing; a text region needs a vision-language model folder");
			if (!Files.isDirectory(clipModel))
				throw new IllegalArgumentException("clip_model: " + clipModel + " is not a folder; expected a vision-language model folder with xai-clip.yaml");
			if (prompt.isEmpty()) throw new IllegalArgumentException("prompt: empty; expected the structure to find, e.g. 'liver'");
		}
		if (roiSource == RoiSourceKind.LABEL && !Double.isFinite(roiValue))
			throw new IllegalArgumentException("roi_value: missing; a label region needs the label value, e.g. roi_value=5");
		if (roiSource == RoiSourceKind.NONE && mode == Mode.ROI)
			throw new IllegalArgumentException("mode: roi needs a region; choose a region source (text, mask, label, prediction) or mode=full");
		if (!(roiMarginMm >= 0) || Double.isInfinite(roiMarginMm)) throw new IllegalArgumentException("roi_margin: expected a finite value >= 0 mm, got " + roiMarginMm);
		if (batchSize < 1) throw new IllegalArgumentException("batch_size: expected >= 1, got " + batchSize);
		if (faithfulnessSteps != 0 && faithfulnessSteps < 2) throw new IllegalArgumentException("faithfulness_steps: expected 0 (off) or >= 2, got " + faithfulnessSteps);
		if (pixelSizeMm != null && (pixelSizeMm.length != 2 || !(pixelSizeMm[0] > 0) || !(pixelSizeMm[1] > 0) || Double.isInfinite(pixelSizeMm[0] + pixelSizeMm[1])))
			throw new IllegalArgumentException("pixel_size: expected two positive sizes in mm, got " + java.util.Arrays.toString(pixelSizeMm));
		perturbation(method);
		return this;
	}

	/** The perturbation method {@code name} with these settings' parameters. */
	public PerturbationMethod perturbation(final String name) {
		final Fill f = Fill.parse(fill);
		switch (name == null ? "" : name.trim().toLowerCase(Locale.ROOT)) {
			case "occlusion": {
				final Occlusion.Builder b = Occlusion.builder().window(window).stride(stride).fill(f);
				if (coarseWindow > 0) b.refine(coarseWindow, coarseStride, refineFraction);
				return b.build();
			}
			case "rise":
				return Rise.builder().masks(masks).cell(cell).keepProbability(keepProbability).seed(seed).fill(f).build();
			case "lime":
				return Lime.builder().superpixels(superpixels).samples(samples).seed(seed).fill(f).build();
			default:
				throw new IllegalArgumentException("method: expected occlusion, rise or lime, got '" + name + "'");
		}
	}
}
