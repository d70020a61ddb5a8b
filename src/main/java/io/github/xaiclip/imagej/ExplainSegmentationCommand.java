package io.github.xaiclip.imagej;

import java.util.List;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;
import io.github.xaiclip.explain.Mode;
import io.github.xaiclip.pipeline.SliceResult;

/**
 * Plugins>XAI-CLIP>Explain Segmentation...: the saliency of one class of a segmentation model on the active image,
 * with a method in a mode; a 32-bit saliency image, an RGB overlay, rows in the results table, the region in the
 * ROI Manager.
 */
@Plugin(type = Command.class, menuPath = "Plugins>XAI-CLIP>Explain Segmentation...", headless = true)
public final class ExplainSegmentationCommand extends ExplainParameters {

	@Parameter(label = "Method", choices = { "occlusion", "rise", "lime" })
	String method = "occlusion";

	@Parameter(label = "Mode", choices = { "roi", "full" }, description = "roi: perturb only in and around the region; full: the whole image")
	String mode = "roi";

	@Parameter(type = ItemIO.OUTPUT, label = "Saliency")
	ImagePlus saliency;

	@Parameter(type = ItemIO.OUTPUT, label = "Overlay")
	ImagePlus overlay;

	private List<SliceResult> results = List.of();

	private List<ij.gui.Roi> regions = List.of();

	@Override
	void execute(final Host host) {
		saliency = overlay = null;
		final ImagePlusExplainer.Request r = request();
		final Mode m = Mode.parse(mode);
		r.settings.method(method).mode(m);
		r.runs.add(new ImagePlusExplainer.Run(method, m));
		final ImagePlusExplainer.Result result = new ImagePlusExplainer(host).explain(r);
		final ImagePlus[] images = ImagePlusExplainer.images(r.image, result.rows);
		publish(result, host);
		results = List.copyOf(result.rows);
		regions = List.copyOf(result.regions);
		saliency = images[0];
		overlay = images[1];
	}

	/** The saliency map: 32-bit, heat colour table, the input's calibration; null until a run completes. */
	public ImagePlus saliency() {
		return saliency;
	}

	/** The input in grey with the saliency and the region's outline. */
	public ImagePlus overlay() {
		return overlay;
	}

	/** The rows the last run added to the results table. */
	public List<SliceResult> results() {
		return results;
	}

	/** The regions of the last run, one per explained plane. */
	public List<ij.gui.Roi> regions() {
		return regions;
	}
}
