package io.github.xaiclip.imagej;

import java.awt.GraphicsEnvironment;
import java.io.File;
import java.util.List;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import ij.ImagePlus;

/**
 * Plugins>XAI-CLIP>Localize Region from Text...: where a vision-language model finds a text prompt on the active
 * image — the similarity map (32-bit, heat colour table) with the region as its selection, and the region in the
 * ROI Manager.
 */
@Plugin(type = Command.class, menuPath = "Plugins>XAI-CLIP>Localize Region from Text...", headless = true)
public final class LocalizeRegionCommand extends XaiClipCommand {

	@Parameter(label = "Image", required = false, persist = false, description = "a 2D image or a stack")
	ImagePlus image;

	@Parameter(label = "Vision-language model", style = FileWidget.DIRECTORY_STYLE, description = "folder of the CLIP-like model and its xai-clip.yaml")
	File clip_model;

	@Parameter(label = "Text prompt", description = "the structure to find, e.g. liver; several: liver, spleen; exclude: not stomach")
	String prompt = "";

	@Parameter(label = "Slices", choices = { "current", "all" }, description = "for stacks: the current slice or every slice")
	String slices = "current";

	@Parameter(type = ItemIO.OUTPUT, label = "Similarity")
	ImagePlus similarity;

	private List<ij.gui.Roi> regions = List.of();

	@Override
	void execute(final Host host) {
		similarity = null;
		final String s = slices == null ? "" : slices.trim();
		if (!s.equalsIgnoreCase("all") && !s.equalsIgnoreCase("current"))
			throw new IllegalArgumentException("slices: expected current or all, got '" + slices + "'");
		final ImagePlusExplainer.Localized found = new ImagePlusExplainer(host).localize(image, clip_model == null ? null : clip_model.toPath(), prompt,
			s.equalsIgnoreCase("all"));
		final ImagePlus map = found.similarity;
		if (found.regions.size() == 1) map.setRoi(found.regions.get(0));
		else {
			final ij.gui.Overlay o = new ij.gui.Overlay();
			for (final ij.gui.Roi r : found.regions)
				o.add(r);
			map.setOverlay(o);
		}
		if (!host.headless() && !GraphicsEnvironment.isHeadless()) ExplainParameters.addToRoiManager(found.regions);
		regions = List.copyOf(found.regions);
		similarity = map;
	}

	/** The similarity map of the last run (the first prompt's, for several). */
	public ImagePlus similarity() {
		return similarity;
	}

	/** The regions of the last run, one per plane. */
	public List<ij.gui.Roi> regions() {
		return regions;
	}
}
