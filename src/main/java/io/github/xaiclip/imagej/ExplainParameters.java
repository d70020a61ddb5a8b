package io.github.xaiclip.imagej;

import java.awt.GraphicsEnvironment;
import java.io.File;
import java.util.List;

import org.scijava.plugin.Parameter;
import org.scijava.widget.FileWidget;

import ij.ImagePlus;
import ij.plugin.frame.RoiManager;
import io.github.xaiclip.pipeline.ExplainSettings;

/**
 * The parameters that explaining and comparing share: the image, the segmentation model and target, where the
 * region comes from, the methods' settings and the ground truth. Defaults are those of {@link ExplainSettings}.
 */
abstract class ExplainParameters extends XaiClipCommand {

	@Parameter(label = "Image", required = false, persist = false, description = "the image to explain: a 2D image or a stack (explained slice by slice)")
	ImagePlus image;

	@Parameter(label = "Segmentation model", style = FileWidget.DIRECTORY_STYLE,
		description = "folder with the SavedModel (saved_model.pb) and its xai-clip.yaml")
	File seg_model;

	@Parameter(label = "Target class", description = "the class of the model to explain, e.g. liver")
	String target = "";

	@Parameter(label = "Region from", choices = { "text", "selection", "label", "prediction", "none" },
		description = "text: a prompt through the vision-language model; selection: the image's selection; label: a label image and value; "
			+ "prediction: the model's own prediction of the target; none: no region (mode=full only)")
	String roi_source = "text";

	@Parameter(label = "Text prompt", required = false, description = "the structure to find, e.g. liver; several: liver, spleen; exclude: not stomach")
	String prompt = "";

	@Parameter(label = "Vision-language model", style = FileWidget.DIRECTORY_STYLE, required = false,
		description = "folder of the CLIP-like model that finds the text prompt's region")
	File clip_model;

	@Parameter(label = "Label image", required = false, persist = false, autoFill = false,
		description = "for roi_source=label: the label or mask image (same size as the image)")
	ImagePlus roi_labels;

	@Parameter(label = "Label value", required = false, description = "for roi_source=label: the label that forms the region; 0 takes every non-zero pixel")
	double roi_value = 0;

	@Parameter(label = "Slices", choices = { "current", "all" }, description = "for stacks: the current slice or every slice")
	String slices = "current";

	@Parameter(label = "ROI margin (mm)", min = "0", description = "how far the region is grown before it guides the perturbations (pixels if uncalibrated)")
	double roi_margin = 9;

	@Parameter(label = "Occlusion window (px)", min = "1")
	int window = 8;

	@Parameter(label = "Occlusion stride (px)", min = "1")
	int stride = 4;

	@Parameter(label = "Fill", description = "what perturbed pixels become: zero, mean, blur[:sigma] or constant:value")
	String fill = "zero";

	@Parameter(label = "RISE masks", min = "1")
	int masks = 500;

	@Parameter(label = "RISE cell (px)", min = "1")
	int cell = 16;

	@Parameter(label = "RISE keep probability", min = "0", max = "1", stepSize = "0.05")
	double keep_probability = 0.5;

	@Parameter(label = "LIME superpixels", min = "2")
	int superpixels = 100;

	@Parameter(label = "LIME samples", min = "1")
	int samples = 400;

	@Parameter(label = "Random seed", description = "RISE and LIME: same seed, same map")
	long seed = 42;

	@Parameter(label = "Batch size", min = "1")
	int batch_size = 16;

	@Parameter(label = "Deletion/insertion steps", min = "0", description = "steps of the faithfulness curves; 0 skips them")
	int faithfulness_steps = 20;

	@Parameter(label = "Ground-truth image", required = false, persist = false, autoFill = false,
		description = "a label or mask image of the target, for Dice, IoU and the pointing game")
	ImagePlus gt_labels;

	@Parameter(label = "Ground-truth value", required = false, description = "the target's label in the ground-truth image; 0 takes every non-zero pixel")
	double gt_value = 0;

	/** The request these parameters make, without its runs. */
	ImagePlusExplainer.Request request() {
		final ImagePlusExplainer.Request r = new ImagePlusExplainer.Request();
		r.image = image;
		r.roiSource = roi_source == null ? "" : roi_source;
		r.allPlanes = "all".equalsIgnoreCase(slices == null ? "" : slices.trim());
		if (!r.allPlanes && !"current".equalsIgnoreCase(slices == null ? "" : slices.trim()))
			throw new IllegalArgumentException("slices: expected current or all, got '" + slices + "'");
		r.roiImage = roi_labels;
		r.gtImage = gt_labels;
		r.settings = new ExplainSettings().segModel(seg_model == null ? null : seg_model.toPath())
			.roiSource(ImagePlusExplainer.roiSourceKind(roi_source, roi_value)).roiValue(roi_value).prompt(prompt)
			.clipModel(clip_model == null ? null : clip_model.toPath()).target(target).roiMarginMm(roi_margin).window(window).stride(stride).fill(fill)
			.masks(masks).cell(cell).keepProbability(keep_probability).superpixels(superpixels).samples(samples).seed(seed).batchSize(batch_size)
			.faithfulnessSteps(faithfulness_steps).gtValue(gt_value == 0 ? Double.NaN : gt_value);
		return r;
	}

	/** Adds the rows to the results table and, with a display, the regions to the ROI Manager. */
	static void publish(final ImagePlusExplainer.Result result, final Host host) {
		ResultsTables.append(result.rows);
		if (!host.headless() && !GraphicsEnvironment.isHeadless()) addToRoiManager(result.regions);
	}

	static void addToRoiManager(final List<ij.gui.Roi> regions) {
		if (regions.isEmpty()) return;
		final RoiManager rm = RoiManager.getRoiManager();
		for (final ij.gui.Roi r : regions)
			rm.addRoi(r);
	}
}
