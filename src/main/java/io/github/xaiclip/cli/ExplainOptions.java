package io.github.xaiclip.cli;

import java.nio.file.Path;

import io.github.xaiclip.explain.Mode;
import io.github.xaiclip.pipeline.ExplainSettings;
import io.github.xaiclip.pipeline.MemoryBudget;
import io.github.xaiclip.pipeline.ExplainSettings.RoiSourceKind;
import picocli.CommandLine.Option;

/** The options shared by explain, compare and batch: models, region source, target, method and its parameters. */
final class ExplainOptions {

	@Option(names = "--seg-model", paramLabel = "DIR", required = true, description = "segmentation model folder (SavedModel + xai-clip.yaml)")
	Path segModel;

	@Option(names = "--target", paramLabel = "CLASS", required = true, description = "the class to explain, by name (e.g. liver)")
	String target;

	@Option(names = "--clip-model", paramLabel = "DIR", description = "vision-language model folder, for --prompt")
	Path clipModel;

	@Option(names = "--prompt", paramLabel = "TEXT", description = "region of interest from text, e.g. 'liver' or 'kidney, not stomach'")
	String prompt;

	@Option(names = "--roi-mask", paramLabel = "FILE", description = "region of interest from a mask image (non-zero inside), same grid as the image; {name} stands for the image name without extension")
	Path roiMask;

	@Option(names = "--roi-label", paramLabel = "FILE", description = "region of interest from a label image (with --roi-value), same grid as the image; {name} as for --roi-mask")
	Path roiLabel;

	@Option(names = "--roi-value", paramLabel = "V", description = "the label value of --roi-label")
	Double roiValue;

	@Option(names = "--roi-from-prediction", description = "region of interest = where the model predicts the target (p >= 0.5)")
	boolean roiFromPrediction;

	@Option(names = "--roi-margin", paramLabel = "MM", description = "grow the region by this much before it guides the perturbations (default: ${DEFAULT-VALUE})")
	double roiMarginMm = 9;

	@Option(names = "--method", paramLabel = "NAME", description = "occlusion, rise or lime (default: occlusion; compare: a comma-separated list, default all three)")
	String method;

	@Option(names = "--mode", paramLabel = "MODE", description = "roi (perturb only around the region) or full (the whole image) (default: roi; compare runs both)")
	String mode;

	@Option(names = "--window", paramLabel = "PX", description = "occlusion window (default: ${DEFAULT-VALUE})")
	int window = 8;

	@Option(names = "--stride", paramLabel = "PX", description = "occlusion stride (default: ${DEFAULT-VALUE})")
	int stride = 4;

	@Option(names = "--refine", paramLabel = "W,S", split = ",", arity = "1",
		description = "adaptive occlusion: first windows W at stride S, then the fine windows only where that coarse map is high, e.g. 12,6")
	int[] refine;

	@Option(names = "--refine-fraction", paramLabel = "F",
		description = "with --refine: refine where the coarse saliency reaches F of its maximum (default: ${DEFAULT-VALUE})")
	double refineFraction = 0.3;

	@Option(names = "--cropping", paramLabel = "HOW", description = "occlusion on crops around each window, exact within the model's receptive field: "
		+ "declared (when xai-clip.yaml declares it), auto (probe the model when it does not), off (default: ${DEFAULT-VALUE})")
	String cropping = "declared";

	@Option(names = "--fill", paramLabel = "FILL", description = "what perturbed pixels become: zero, mean, blur[:sigma], constant:V (default: ${DEFAULT-VALUE})")
	String fill = "zero";

	@Option(names = "--masks", paramLabel = "N", description = "RISE masks (default: ${DEFAULT-VALUE})")
	int masks = 500;

	@Option(names = "--cell", paramLabel = "PX", description = "RISE mask cell (default: ${DEFAULT-VALUE})")
	int cell = 16;

	@Option(names = "--keep", paramLabel = "P", description = "RISE keep probability (default: ${DEFAULT-VALUE})")
	double keep = 0.5;

	@Option(names = "--superpixels", paramLabel = "N", description = "LIME superpixels (default: ${DEFAULT-VALUE})")
	int superpixels = 100;

	@Option(names = "--samples", paramLabel = "N", description = "LIME samples (default: ${DEFAULT-VALUE})")
	int samples = 400;

	@Option(names = "--seed", paramLabel = "N", description = "seed of RISE and LIME (default: ${DEFAULT-VALUE})")
	long seed = 42;

	@Option(names = "--ground-truth", paramLabel = "FILE", description = "label or mask image of the target, for Dice, IoU and pointing game; {name} as for --roi-mask")
	Path groundTruth;

	@Option(names = "--gt-value", paramLabel = "V", description = "the target's value in --ground-truth (default: every non-zero pixel)")
	Double gtValue;

	@Option(names = "--pixel-size", paramLabel = "X,Y", split = ",", arity = "1", description = "pixel size x,y in mm for images without calibration")
	double[] pixelSize;

	@Option(names = "--batch-size", paramLabel = "N", description = "perturbed images per model call (default: ${DEFAULT-VALUE})")
	int batchSize = 16;

	@Option(names = "--faithfulness-steps", paramLabel = "N", description = "steps of the deletion/insertion curves, 0 to skip them (default: ${DEFAULT-VALUE})")
	int faithfulnessSteps = 20;

	@Option(names = "--memory-budget", paramLabel = "SIZE", description = "memory one slice's explanation may take, e.g. 512m or 2g; "
		+ "the batch size is lowered to fit, and a slice that cannot fit is refused (default: half of Java's -Xmx)")
	String memoryBudget;

	@Option(names = "--trusted-model", description = "run models whose graphs reach file or process operations (refused by default)")
	boolean trusted;

	@Option(names = "--threads", paramLabel = "N", description = "TensorFlow intra-op threads, 0 for all cores (default: ${DEFAULT-VALUE})")
	int threads = 0;

	/** The region source the options name; at most one may be given. */
	RoiSourceKind roiSource() {
		int n = 0;
		RoiSourceKind k = RoiSourceKind.NONE;
		if (prompt != null) {
			n++;
			k = RoiSourceKind.TEXT;
		}
		if (roiMask != null) {
			n++;
			k = RoiSourceKind.MASK;
		}
		if (roiLabel != null) {
			n++;
			k = RoiSourceKind.LABEL;
		}
		if (roiFromPrediction) {
			n++;
			k = RoiSourceKind.PREDICTION;
		}
		if (n > 1) throw new IllegalArgumentException("region: give one of --prompt, --roi-mask, --roi-label, --roi-from-prediction, not " + n);
		if (k == RoiSourceKind.TEXT && clipModel == null) throw new IllegalArgumentException("--clip-model: missing; --prompt needs a vision-language model folder");
		if (k == RoiSourceKind.LABEL && roiValue == null) throw new IllegalArgumentException("--roi-value: missing; --roi-label needs the label value");
		return k;
	}

	/** The region file (mask or label image), or null; {name} becomes {@code name}. */
	Path roiFile(final String name) {
		return named(roiMask != null ? roiMask : roiLabel, name);
	}

	/** The ground-truth file, or null; {name} becomes {@code name}. */
	Path groundTruth(final String name) {
		return named(groundTruth, name);
	}

	/** A per-input file: {@code {name}} in the path becomes the input's name without extension. */
	static Path named(final Path pattern, final String name) {
		if (pattern == null) return null;
		final String s = pattern.toString();
		return s.contains("{name}") ? Path.of(s.replace("{name}", name)) : pattern;
	}

	ExplainSettings settings() {
		return settings(method == null ? "occlusion" : method, Mode.parse(mode == null ? "roi" : mode));
	}

	ExplainSettings settings(final String methodName, final Mode m) {
		final RoiSourceKind source = roiSource();
		return new ExplainSettings().segModel(segModel).target(target).roiSource(source).clipModel(clipModel).prompt(prompt)
			.roiValue(roiValue == null ? Double.NaN : roiValue).method(methodName).mode(m).roiMarginMm(roiMarginMm).window(window).stride(stride).fill(fill)
			.masks(masks).cell(cell).keepProbability(keep).superpixels(superpixels).samples(samples).seed(seed).batchSize(batchSize)
			.faithfulnessSteps(faithfulnessSteps).gtValue(gtValue == null ? Double.NaN : gtValue).pixelSizeMm(pixelSize)
			.memoryBudget(memoryBudget == null ? null : MemoryBudget.parse(memoryBudget)).refine(coarse(0), coarse(1), refineFraction)
			.cropping(io.github.xaiclip.explain.Cropping.parse(cropping));
	}

	private int coarse(final int i) {
		if (refine == null) return 0;
		if (refine.length != 2) throw new IllegalArgumentException("--refine: expected the coarse window and stride, e.g. 12,6");
		return refine[i];
	}

	io.github.xaiclip.model.RuntimeOptions runtime() {
		if (threads < 0) throw new IllegalArgumentException("--threads: expected >= 0, got " + threads);
		return io.github.xaiclip.model.RuntimeOptions.defaults().threads(threads).trusted(trusted);
	}
}
