package io.github.xaiclip.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.github.xaiclip.explain.ReceptiveFieldProbe;
import io.github.xaiclip.model.InputSpec;
import io.github.xaiclip.model.ModelDescriptor;
import io.github.xaiclip.model.ModelRuntime;
import io.github.xaiclip.model.ModelRuntimes;
import io.github.xaiclip.model.PackedImage;
import io.github.xaiclip.model.RuntimeOptions;
import io.github.xaiclip.model.SegmentationModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What a model folder declares, and whether its descriptor fits. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
	description = { "Prints what a SavedModel declares (tags, signatures, tensor names, dtypes, shapes), checks its xai-clip.yaml against it "
		+ "and lists every mismatch and every op outside the allow-list; with --probe, also estimates a segmentation model's receptive field.",
		"Exit code 0 when the descriptor fits, 1 when not." })
final class InspectCommand implements Callable<Integer> {

	@Parameters(paramLabel = "MODEL_DIR", description = "the model folder (saved_model.pb and xai-clip.yaml)")
	Path folder;

	@Option(names = "--probe", paramLabel = "PX",
		description = "estimate the receptive field by probing the model on a synthetic PX x PX image (rounded up to a size the model takes), "
			+ "to write receptive_field into xai-clip.yaml")
	Integer probe;

	@Override
	public Integer call() {
		if (probe != null && probe < 8) throw new IllegalArgumentException("--probe: expected an image side of at least 8 px, got " + probe);
		final ModelRuntime.Inspection i = ModelRuntimes.get().inspect(folder);
		System.out.println(i.report());
		if (probe != null && i.fits()) {
			if (ModelDescriptor.read(folder).kind() != ModelDescriptor.Kind.SEGMENTATION)
				throw new IllegalArgumentException("--probe: only segmentation models are explained on crops; " + folder + " is a vision-language model");
			try (SegmentationModel m = ModelRuntimes.get().segmentation(folder, RuntimeOptions.defaults())) {
				final InputSpec spec = m.inputSpec();
				if (spec.isFixed()) System.out.println("receptive field, probed: not probed (the model takes one fixed size, so it is never cropped)");
				else {
					final int n = (probe + spec.multipleOf() - 1) / spec.multipleOf() * spec.multipleOf();
					System.out.println("receptive field, probed: " + ReceptiveFieldProbe.probe(m, synthetic(n, spec.channels())));
				}
			}
		}
		return i.fits() ? 0 : 1;
	}

	/** A smooth texture in [0, 1] with a bright disc and a dark one: something for every layer to respond to. */
	static PackedImage synthetic(final int n, final int channels) {
		final float[] v = new float[n * n * channels];
		for (int y = 0; y < n; y++)
			for (int x = 0; x < n; x++) {
				final double t = 0.5 + 0.25 * Math.sin(0.13 * x + 0.05 * y) * Math.cos(0.11 * y) + (Math.hypot(x - 0.3 * n, y - 0.4 * n) < n / 8.0 ? 0.25
					: Math.hypot(x - 0.7 * n, y - 0.6 * n) < n / 10.0 ? -0.25 : 0);
				for (int c = 0; c < channels; c++)
					v[(y * n + x) * channels + c] = (float) t;
			}
		return new PackedImage(n, n, channels, v);
	}
}
