package io.github.xaiclip.imagej;

import ij.plugin.PlugIn;

/**
 * The ImageJ 1.x entry of every XAI-CLIP command, for plain ImageJ (plugins.config names it with the command as its
 * argument). It runs the same command classes as Fiji's menu, by the same parameter names. Fiji does not read
 * plugins.config from its jars/ folder, so there the SciJava commands are the only menu entries.
 */
public final class XaiClipPlugin implements PlugIn {

	@Override
	public void run(final String arg) {
		switch (arg == null ? "" : arg) {
			case "explain":
				Ij1Plugins.run(new ExplainSegmentationCommand(), "Explain Segmentation");
				break;
			case "localize":
				Ij1Plugins.run(new LocalizeRegionCommand(), "Localize Region from Text");
				break;
			case "compare":
				Ij1Plugins.run(new CompareExplanationsCommand(), "Compare Explanations");
				break;
			case "model-info":
				Ij1Plugins.run(new ModelInfoCommand(), "Model Info");
				break;
			default:
				ij.IJ.error("XAI-CLIP", "plugins.config: unknown command '" + arg + "'; expected explain, localize, compare or model-info");
		}
	}
}
