package io.github.xaiclip.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.github.xaiclip.model.ModelRuntime;
import io.github.xaiclip.model.ModelRuntimes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** What a model folder declares, and whether its descriptor fits. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
	description = { "Prints what a SavedModel declares (tags, signatures, tensor names, dtypes, shapes), checks its xai-clip.yaml against it "
		+ "and lists every mismatch and every op outside the allow-list.", "Exit code 0 when the descriptor fits, 1 when not." })
final class InspectCommand implements Callable<Integer> {

	@Parameters(paramLabel = "MODEL_DIR", description = "the model folder (saved_model.pb and xai-clip.yaml)")
	Path folder;

	@Override
	public Integer call() {
		final ModelRuntime.Inspection i = ModelRuntimes.get().inspect(folder);
		System.out.println(i.report());
		return i.fits() ? 0 : 1;
	}
}
