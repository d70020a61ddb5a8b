package io.github.xaiclip.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import io.github.xaiclip.image.Volume;
import io.github.xaiclip.model.RuntimeOptions;
import io.github.xaiclip.model.VisionLanguageModel;
import io.github.xaiclip.tf.TfRuntime;

/**
 * Builds the demo models of a {@link DemoDomain} from its scan: the U-Net ({@code models/NAME-unet}) and the
 * CLIP-like model ({@code models/NAME-clip}), and writes what they achieve on the validation slices into the
 * domain's report section of {@code README.md} beside {@code models/}.
 */
public final class DemoModels {

	/** Channels of the first U-Net level. */
	static final int BASE = 12;

	private DemoModels() {}

	/**
	 * Trains both models of {@code domain} and writes their folders under {@code out/models}.
	 *
	 * @return the report (Markdown)
	 */
	public static String build(final DemoDomain domain, final Volume scan, final Volume labels, final Path out, final long seed, final int unetSteps,
		final int clipSteps, final PrintStream log) throws IOException
	{
		final DemoData data = DemoData.of(domain, scan, labels);
		final double[] px = { scan.voxelSize()[0], scan.voxelSize()[1] };
		final Path models = out.resolve("models");
		final List<String> classes = domain.classes;

		log.printf(Locale.ROOT, "%s U-Net: %d steps, seed %d%n", domain.modality, unetSteps, seed);
		final SegmentationTrainer unet = new SegmentationTrainer(classes.size(), BASE, unetSteps, 8, 2e-3f, seed);
		final SegmentationTrainer.Trained u = unet.train(data.train, data.validation, log);
		ModelFolders.write(models.resolve(domain.unetFolder()), dir -> {
			unet.export(u.weights, dir);
			Files.write(dir.resolve("xai-clip.yaml"), unetDescriptor(domain, px).getBytes(StandardCharsets.UTF_8));
			final StringBuilder tsv = new StringBuilder("class\tvalidation_dice\n");
			for (int c = 1; c < classes.size(); c++)
				tsv.append(classes.get(c)).append('\t').append(String.format(Locale.ROOT, "%.4f", u.validationDice[c])).append('\n');
			Files.write(dir.resolve("validation.tsv"), tsv.toString().getBytes(StandardCharsets.UTF_8));
		});

		log.printf(Locale.ROOT, "%s CLIP-like model: %d steps, seed %d%n", domain.modality, clipSteps, seed);
		final ClipTrainer clip = new ClipTrainer(32, clipSteps, 8, 2e-3f, seed);
		clip.prompts = domain.prompts();
		clip.preprocessing = domain.preprocessingYaml();
		clip.stride = domain.clipStride;
		clip.exclusive = domain.clipExclusive;
		final ClipTrainer.Trained c = clip.train(data, log);
		final Path clipDir = models.resolve(domain.clipFolder());
		clip.export(c, clipDir, px);
		// judged as users will run it: loaded from its folder through the runtime
		final ClipTrainer.Evaluation evaluation;
		final TfRuntime runtime = new TfRuntime();
		try (VisionLanguageModel m = runtime.visionLanguage(clipDir, RuntimeOptions.defaults())) {
			evaluation = ClipTrainer.evaluate(m, DemoData.clip(data.validation), c.prompts);
		}
		finally {
			runtime.closeIdle();
		}
		Files.write(clipDir.resolve("validation.txt"), evaluation.table().getBytes(StandardCharsets.UTF_8));

		final String report = report(domain, u, c, evaluation, seed, unetSteps, clipSteps);
		writeReport(out.resolve("README.md"), domain, report);
		return report;
	}

	static String unetDescriptor(final DemoDomain domain, final double[] px) {
		return "# The demo " + domain.modality + " segmentation model of XAI-CLIP (rebuilt by: xai-clip train-demo)\n" + "kind: segmentation\n"
			+ "format: tensorflow-saved-model\n" + "tags: [serve]\n" + "signature: serving_default\n"
			+ "input: {name: image, axes: byxc, size: {multiple_of: 4}, channels: 1}\n" + "preprocessing: " + domain.preprocessingYaml() + "\n"
			+ "output: {name: probabilities, axes: byxc, activation: none}\n" + "classes: [" + String.join(", ", domain.classes) + "]\n"
			+ String.format(Locale.ROOT, "pixel_size: [%s, %s]%n", px[0], px[1])
			+ "# two poolings (stride 4); an output pixel sees 26 px: 4 at level 1 (+1 pooling), 8 at level 2 (+2 pooling), 8 at level 3, and\n"
			+ "# the bilinear upsamplings' neighbours (+3); cropped explanations rely on it\n"
			+ "receptive_field: {radius: " + UNet.RECEPTIVE_RADIUS + ", stride: " + UNet.STRIDE + "}\n";
	}

	private static String report(final DemoDomain domain, final SegmentationTrainer.Trained u, final ClipTrainer.Trained c, final ClipTrainer.Evaluation e,
		final long seed, final int unetSteps, final int clipSteps)
	{
		final StringBuilder b = new StringBuilder();
		b.append(String.format(Locale.ROOT, "Written by `xai-clip train-demo --domain %s --seed %d --steps %d --clip-steps %d` on %d cores (%s, Java %s).%n%n",
			domain.name, seed, unetSteps, clipSteps, Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"),
			System.getProperty("java.version")));
		b.append(String.format(Locale.ROOT, "**%s U-Net** (`models/%s`, trained in %.0f s): Dice of the arg-max prediction on the validation "
			+ "slices (z %% 5 == 2, pooled).%n%n| class | validation Dice |%n| --- | --- |%n", domain.modality, domain.unetFolder(), u.seconds));
		for (int k = 1; k < domain.classes.size(); k++)
			b.append(String.format(Locale.ROOT, "| %s | %.4f |%n", domain.classes.get(k), u.validationDice[k]));
		b.append(String.format(Locale.ROOT, "%n**%s CLIP-like model** (`models/%s`, trained in %.0f s), loaded from its folder, on the validation "
			+ "slices: per structure present on a slice, the pointing game (is the similarity maximum inside the structure) and the Dice of the "
			+ "similarity map thresholded at the middle of its range; for the training prompts and for prompts held out of training "
			+ "(synonyms and a template it never saw).%n%n```%n%s```%n", domain.modality, domain.clipFolder(), c.seconds, e.table()));
		return b.toString();
	}

	/** Replaces the report section of {@code domain} in {@code readme} (created if missing; other sections are kept). */
	static void writeReport(final Path readme, final DemoDomain domain, final String report) throws IOException {
		final String begin = "<!-- train-demo report " + domain.name + ": begin -->", end = "<!-- train-demo report " + domain.name + ": end -->";
		final String section = begin + "\n" + report + end;
		String text = Files.exists(readme) ? new String(Files.readAllBytes(readme), StandardCharsets.UTF_8) : "";
		final int a = text.indexOf(begin), z = text.indexOf(end);
		text = a >= 0 && z > a ? text.substring(0, a) + section + text.substring(z + end.length()) : text + (text.isEmpty() ? "" : "\n") + section + "\n";
		final Path tmp = readme.resolveSibling("." + readme.getFileName() + ".tmp");
		Files.write(tmp, text.getBytes(StandardCharsets.UTF_8));
		Files.move(tmp, readme, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
	}
}
