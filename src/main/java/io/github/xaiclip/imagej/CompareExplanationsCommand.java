package io.github.xaiclip.imagej;

import java.util.List;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import io.github.xaiclip.explain.Mode;
import io.github.xaiclip.pipeline.SliceResult;

/**
 * Plugins>XAI-CLIP>Compare Explanations...: each chosen method over the whole image (full) and only around the
 * region (roi), on the same slices with the same region; one row per method, mode and slice in the results table.
 */
@Plugin(type = Command.class, menuPath = "Plugins>XAI-CLIP>Compare Explanations...", headless = true)
public final class CompareExplanationsCommand extends ExplainParameters {

	@Parameter(label = "Methods", description = "comma-separated: occlusion, rise, lime")
	String methods = "occlusion,rise,lime";

	private List<SliceResult> results = List.of();

	@Override
	void execute(final Host host) {
		final ImagePlusExplainer.Request r = request();
		for (final String m : ImagePlusExplainer.methods(methods)) {
			r.runs.add(new ImagePlusExplainer.Run(m, Mode.FULL));
			r.runs.add(new ImagePlusExplainer.Run(m, Mode.ROI));
		}
		if (r.settings.roiSource() == io.github.xaiclip.pipeline.ExplainSettings.RoiSourceKind.NONE)
			throw new IllegalArgumentException("roi_source: none, but comparing full and roi mode needs a region; choose text, selection, label or prediction");
		final ImagePlusExplainer.Result result = new ImagePlusExplainer(host).explain(r);
		publish(result, host);
		results = List.copyOf(result.rows);
	}

	/** The rows the last run added to the results table: per slice, each method in full then roi mode. */
	public List<SliceResult> results() {
		return results;
	}
}
