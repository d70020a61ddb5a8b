package io.github.xaiclip.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import io.github.xaiclip.image.Volume;

/** Trains the demo CT U-Net and writes its model folder (SavedModel, xai-clip.yaml, validation.tsv). */
public final class CtSegmentationModel {

	/** Channels of the first U-Net level. */
	public static final int BASE = 12;

	private CtSegmentationModel() {}

	/**
	 * Trains on {@code ct} and {@code labels} and writes the model folder {@code out}.
	 *
	 * @return Dice per class (of {@link DemoData#CLASSES}) on the validation slices
	 */
	public static double[] build(final Volume ct, final Volume labels, final Path out, final int steps, final long seed, final PrintStream log)
		throws IOException
	{
		final DemoData data = DemoData.ct(ct, labels);
		final SegmentationTrainer trainer = new SegmentationTrainer(DemoData.CLASSES.size(), BASE, steps, 8, 2e-3f, seed);
		final SegmentationTrainer.Trained trained = trainer.train(data.train, data.validation, log);
		ModelFolders.write(out, dir -> {
			trainer.export(trained.weights, dir);
			final double[] px = ct.voxelSize();
			Files.write(dir.resolve("xai-clip.yaml"), descriptor(px[0], px[1]).getBytes(StandardCharsets.UTF_8));
			final StringBuilder tsv = new StringBuilder("class\tvalidation_dice\n");
			for (int c = 1; c < DemoData.CLASSES.size(); c++)
				tsv.append(DemoData.CLASSES.get(c)).append('\t').append(String.format(Locale.ROOT, "%.4f", trained.validationDice[c])).append('\n');
			Files.write(dir.resolve("validation.tsv"), tsv.toString().getBytes(StandardCharsets.UTF_8));
		});
		if (log != null) log.printf(Locale.ROOT, "CT U-Net trained in %.0f s%n", trained.seconds);
		return trained.validationDice;
	}

	static String descriptor(final double pixelX, final double pixelY) {
		return "# The demo CT segmentation model of XAI-CLIP (rebuilt by: xai-clip train-demo)\n" + "kind: segmentation\n"
			+ "format: tensorflow-saved-model\n" + "tags: [serve]\n" + "signature: serving_default\n"
			+ "input: {name: image, axes: byxc, size: {multiple_of: 4}, channels: 1}\n" + "preprocessing: {type: window, min: " + (int) DemoData.WINDOW_MIN
			+ ", max: " + (int) DemoData.WINDOW_MAX + "}\n" + "output: {name: probabilities, axes: byxc, activation: none}\n" + "classes: ["
			+ String.join(", ", DemoData.CLASSES) + "]\n" + String.format(Locale.ROOT, "pixel_size: [%s, %s]%n", pixelX, pixelY);
	}
}
