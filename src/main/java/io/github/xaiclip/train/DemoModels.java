package io.github.xaiclip.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import io.github.xaiclip.image.Volume;
import io.github.xaiclip.model.RuntimeOptions;
import io.github.xaiclip.model.VisionLanguageModel;
import io.github.xaiclip.tf.TfRuntime;

/**
 * Builds the demo models from the abdominal CT: the U-Net ({@code models/ct-unet}) and the CLIP-like model
 * ({@code models/ct-clip}), and writes what they achieve on the validation slices into the report section of
 * {@code README.md} beside {@code models/}.
 */
public final class DemoModels {

	/** Channels of the first U-Net level. */
	static final int BASE = 12;
	static final String BEGIN = "<!-- train-demo report: begin -->", END = "<!-- train-demo report: end -->";

	private DemoModels() {}

	/**
	 * Trains both models and writes their folders under {@code out/models}.
	 *
	 * @return the report (Markdown)
	 */
	public static String build(final Volume ct, final Volume labels, final Path out, final long seed, final int unetSteps, final int clipSteps,
		final PrintStream log) throws IOException
	{
		final DemoData data = DemoData.ct(ct, labels);
		final double[] px = { ct.voxelSize()[0], ct.voxelSize()[1] };
		final Path models = out.resolve("models");

		log.printf(Locale.ROOT, "U-Net: %d steps, seed %d%n", unetSteps, seed);
		final SegmentationTrainer unet = new SegmentationTrainer(DemoData.CLASSES.size(), BASE, unetSteps, 8, 2e-3f, seed);
		final SegmentationTrainer.Trained u = unet.train(data.train, data.validation, log);
		ModelFolders.write(models.resolve("ct-unet"), dir -> {
			unet.export(u.weights, dir);
			Files.write(dir.resolve("xai-clip.yaml"), unetDescriptor(px).getBytes(StandardCharsets.UTF_8));
			final StringBuilder tsv = new StringBuilder("class\tvalidation_dice\n");
			for (int c = 1; c < DemoData.CLASSES.size(); c++)
				tsv.append(DemoData.CLASSES.get(c)).append('\t').append(String.format(Locale.ROOT, "%.4f", u.validationDice[c])).append('\n');
			Files.write(dir.resolve("validation.tsv"), tsv.toString().getBytes(StandardCharsets.UTF_8));
		});

		log.printf(Locale.ROOT, "CLIP-like model: %d steps, seed %d%n", clipSteps, seed);
		final ClipTrainer clip = new ClipTrainer(32, clipSteps, 8, 2e-3f, seed);
		final ClipTrainer.Trained c = clip.train(data, log);
		clip.export(c, models.resolve("ct-clip"), px);
		// judged as users will run it: loaded from its folder through the runtime
		final ClipTrainer.Evaluation evaluation;
		final TfRuntime runtime = new TfRuntime();
		try (VisionLanguageModel m = runtime.visionLanguage(models.resolve("ct-clip"), RuntimeOptions.defaults())) {
			evaluation = ClipTrainer.evaluate(m, data.validation, c.prompts);
		}
		finally {
			runtime.closeIdle();
		}
		Files.write(models.resolve("ct-clip").resolve("validation.txt"), evaluation.table().getBytes(StandardCharsets.UTF_8));

		final String report = report(u, c, evaluation, seed, unetSteps, clipSteps);
		writeReport(out.resolve("README.md"), report);
		return report;
	}

	static String unetDescriptor(final double[] px) {
		return "# The demo CT segmentation model of XAI-CLIP (rebuilt by: xai-clip train-demo)\n" + "kind: segmentation\n"
			+ "format: tensorflow-saved-model\n" + "tags: [serve]\n" + "signature: serving_default\n"
			+ "input: {name: image, axes: byxc, size: {multiple_of: 4}, channels: 1}\n" + "preprocessing: {type: window, min: " + (int) DemoData.WINDOW_MIN
			+ ", max: " + (int) DemoData.WINDOW_MAX + "}\n" + "output: {name: probabilities, axes: byxc, activation: none}\n" + "classes: ["
			+ String.join(", ", DemoData.CLASSES) + "]\n" + String.format(Locale.ROOT, "pixel_size: [%s, %s]%n", px[0], px[1])
			+ "# two poolings (stride 4); an output pixel sees 26 px: 4 at level 1 (+1 pooling), 8 at level 2 (+2 pooling), 8 at level 3, and\n"
			+ "# the bilinear upsamplings' neighbours (+3); cropped explanations rely on it\n"
			+ "receptive_field: {radius: " + UNet.RECEPTIVE_RADIUS + ", stride: " + UNet.STRIDE + "}\n";
	}

	private static String report(final SegmentationTrainer.Trained u, final ClipTrainer.Trained c, final ClipTrainer.Evaluation e, final long seed,
		final int unetSteps, final int clipSteps)
	{
		final StringBuilder b = new StringBuilder();
		b.append(String.format(Locale.ROOT, "Written by `xai-clip train-demo --seed %d --steps %d --clip-steps %d` on %d cores (%s, Java %s).%n%n", seed,
			unetSteps, clipSteps, Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"), System.getProperty("java.version")));
		b.append(String.format(Locale.ROOT, "**CT U-Net** (`models/ct-unet`, trained in %.0f s): Dice of the arg-max prediction on the validation "
			+ "slices (z %% 5 == 2, pooled).%n%n| class | validation Dice |%n| --- | --- |%n", u.seconds));
		for (int k = 1; k < DemoData.CLASSES.size(); k++)
			b.append(String.format(Locale.ROOT, "| %s | %.4f |%n", DemoData.CLASSES.get(k), u.validationDice[k]));
		b.append(String.format(Locale.ROOT, "%n**CT CLIP-like model** (`models/ct-clip`, trained in %.0f s), loaded from its folder, on the validation "
			+ "slices: per organ present on a slice, the pointing game (is the similarity maximum inside the organ) and the Dice of the "
			+ "similarity map thresholded at the middle of its range; for the training prompts and for prompts held out of training "
			+ "(synonyms and a template it never saw).%n%n```%n%s```%n", c.seconds, e.table()));
		return b.toString();
	}

	/** Replaces the report section of {@code readme} (created if missing). */
	static void writeReport(final Path readme, final String report) throws IOException {
		final String section = BEGIN + "\n" + report + END;
		String text = Files.exists(readme) ? new String(Files.readAllBytes(readme), StandardCharsets.UTF_8) : "";
		final int a = text.indexOf(BEGIN), z = text.indexOf(END);
		text = a >= 0 && z > a ? text.substring(0, a) + section + text.substring(z + END.length()) : text + (text.isEmpty() ? "" : "\n") + section + "\n";
		final Path tmp = readme.resolveSibling("." + readme.getFileName() + ".tmp");
		Files.write(tmp, text.getBytes(StandardCharsets.UTF_8));
		Files.move(tmp, readme, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
	}
}
