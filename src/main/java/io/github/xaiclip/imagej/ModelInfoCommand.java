package io.github.xaiclip.imagej;

import java.io.File;
import java.nio.file.Files;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import io.github.xaiclip.model.ModelRuntime;
import io.github.xaiclip.model.ModelRuntimes;

/**
 * Plugins>XAI-CLIP>Model Info...: what a model folder's SavedModel declares (signatures, tensor names, dtypes,
 * shapes) and whether its xai-clip.yaml fits it, every mismatch named.
 */
@Plugin(type = Command.class, menuPath = "Plugins>XAI-CLIP>Model Info...", headless = true)
public final class ModelInfoCommand extends XaiClipCommand {

	@Parameter(label = "Model", style = FileWidget.DIRECTORY_STYLE, description = "a model folder: saved_model.pb and xai-clip.yaml")
	File model;

	@Parameter(type = ItemIO.OUTPUT, label = "Model info")
	String info;

	private boolean fits;

	@Override
	void execute(final Host host) {
		info = null;
		if (model == null) throw new IllegalArgumentException("model: missing; expected a model folder with saved_model.pb and xai-clip.yaml");
		if (!Files.isDirectory(model.toPath()))
			throw new IllegalArgumentException("model: " + model + " is not a folder; expected a model folder with saved_model.pb and xai-clip.yaml");
		host.status("XAI-CLIP: inspecting " + model.getName());
		final ModelRuntime.Inspection i = ModelRuntimes.get().inspect(model.toPath());
		fits = i.fits();
		host.status("XAI-CLIP: " + model.getName() + (fits ? ": the descriptor fits" : ": " + i.problems().size() + " problem(s)"));
		info = i.report();
	}

	/** The report of the last run. */
	public String info() {
		return info;
	}

	/** Whether the descriptor fits the SavedModel. */
	public boolean fits() {
		return fits;
	}
}
