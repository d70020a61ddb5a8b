package io.github.xaiclip.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.github.xaiclip.explain.Explanation;
import io.github.xaiclip.explain.ExplanationEngine;
import io.github.xaiclip.explain.Mode;
import io.github.xaiclip.explain.Occlusion;
import io.github.xaiclip.explain.Target;
import io.github.xaiclip.image.Volume;
import io.github.xaiclip.metrics.Faithfulness;
import io.github.xaiclip.metrics.SaliencyMetrics;
import io.github.xaiclip.model.GridAdaptedModel;
import io.github.xaiclip.model.ModelDescriptor;
import io.github.xaiclip.model.ModelRuntimes;
import io.github.xaiclip.model.PackedImage;
import io.github.xaiclip.model.RuntimeOptions;
import io.github.xaiclip.model.SegmentationModel;
import io.github.xaiclip.model.VisionLanguageModel;
import io.github.xaiclip.roi.Roi;
import io.github.xaiclip.roi.Rois;
import io.github.xaiclip.roi.TextRegionLocalizer;
import io.github.xaiclip.train.DemoData;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The whole idea on the bundled CT, in under a minute: text -> region -> occlusion in roi and full mode, compared. */
@Command(name = "demo", mixinStandardHelpOptions = true,
	description = { "On a slice of the bundled abdominal CT: localizes each prompted organ from text with the demo CLIP-like model, explains the "
		+ "demo U-Net's segmentation of it with occlusion over the whole image (full) and only around the region (roi), and compares them.",
		"Writes saliency TIFFs (32-bit, calibrated), overlay PNGs (saliency in heat colours, region in cyan, organ mask in green), "
			+ "similarity-map TIFFs and results.csv to OUT, and prints the comparison." })
final class DemoCommand implements Callable<Integer> {

	@Option(names = "--out", paramLabel = "DIR", description = "output folder (default: ${DEFAULT-VALUE})")
	Path out = Paths.get("xai-clip-demo");

	@Option(names = "--data", paramLabel = "DIR", description = "folder with totalseg-abdomen-ct/ and models/ (default: ${DEFAULT-VALUE})")
	Path data = Paths.get("test-data");

	@Option(names = "--prompts", description = "organs to find by text, comma-separated (default: ${DEFAULT-VALUE})")
	String prompts = "liver, spleen";

	@Option(names = "--window", description = "occlusion window in pixels (default: ${DEFAULT-VALUE})")
	int window = 8;

	@Option(names = "--stride", description = "occlusion stride in pixels (default: ${DEFAULT-VALUE})")
	int stride = 4;

	@Option(names = "--roi-margin", paramLabel = "MM", description = "how far the text region is grown, in mm (default: ${DEFAULT-VALUE})")
	double marginMm = 9;

	@Override
	public Integer call() throws IOException {
		final DemoScan scan = DemoScan.read(data);
		final Volume ct = scan.ct, labels = scan.labels;
		final Map<String, Integer> labelValues = scan.labelValues;
		final Path unetDir = data.resolve("models").resolve("ct-unet"), clipDir = data.resolve("models").resolve("ct-clip");
		final ModelDescriptor unetD = ModelDescriptor.read(unetDir), clipD = ModelDescriptor.read(clipDir);
		final List<String> organs = new ArrayList<>();
		for (final String p : prompts.split(","))
			if (!p.trim().isEmpty()) organs.add(p.trim());
		if (organs.isEmpty()) throw new IllegalArgumentException("--prompts: expected organ names, e.g. 'liver, spleen'");
		for (final String o : organs)
			if (!labelValues.containsKey(o) || !unetD.asSegmentation().classes().contains(o))
				throw new IllegalArgumentException("--prompts: '" + o + "' is not an organ of the demo model " + unetD.asSegmentation().classes());

		final int z = slice(labels, organs, labelValues);
		final double[] px = scan.pixelSize();
		final RandomAccessibleInterval<FloatType> image = Views.hyperSlice(ct.image(), 2, z);
		final PackedImage segInput = unetD.preprocessing().apply(image), clipInput = clipD.preprocessing().apply(image);
		final int w = segInput.width(), h = segInput.height();
		final RandomAccessibleInterval<FloatType> segImg = ArrayImgs.floats(segInput.data(), w, h);
		System.out.printf(Locale.ROOT, "slice z=%d of the bundled CT in %s (%dx%d, %.1f mm pixels); prompts %s%n", z, data, w, h, px[0], organs);

		final StringBuilder csv = new StringBuilder(
			"image,slice,target,method,mode,evaluations,seconds,roi_fraction,dice,iou,deletion_auc,insertion_auc,pointing_hit\n");
		final List<String[]> table = new ArrayList<>();
		final RuntimeOptions options = RuntimeOptions.defaults();
		try (SegmentationModel unet = ModelRuntimes.get().segmentation(unetDir, options);
			VisionLanguageModel clip = ModelRuntimes.get().visionLanguage(clipDir, options))
		{
			final SegmentationModel model = GridAdaptedModel.adapt(unet, unetD.pixelSize(), px);
			final TextRegionLocalizer localizer = new TextRegionLocalizer(clip);
			final TextRegionLocalizer.ImageEmbedding embedding = localizer.embed(clipInput);
			final Occlusion occlusion = Occlusion.builder().window(window).stride(stride).build();
			final ExplanationEngine engine = new ExplanationEngine(model).batchSize(16);
			final Faithfulness faithfulness = new Faithfulness(model, 20, 16);
			final Path tmpOut = out;
			Files.createDirectories(tmpOut);
			for (final String organ : organs) {
				final TextRegionLocalizer.Localization found = localizer.localize(embedding, organ, TextRegionLocalizer.Options.defaults());
				final Roi truth = Rois.fromLabel(Views.hyperSlice(labels.image(), 2, z), labelValues.get(organ), "labels");
				Outputs.tiff(out.resolve(organ + "_similarity.tif"), organ + " similarity", found.similarity(), w, h, px);
				for (final Mode mode : Mode.values()) {
					final Explanation e = engine.explain(segImg, Target.ofClass(organ), occlusion, mode, found.region(), marginMm / px[0]);
					final SaliencyMetrics.Overlap o = SaliencyMetrics.overlap(e.saliency(), truth);
					final double del = faithfulness.deletionAuc(segImg, e), ins = faithfulness.insertionAuc(segImg, e);
					final String name = organ + "_occlusion_" + mode.id();
					Outputs.tiff(out.resolve(name + "_saliency.tif"), "saliency of " + name, e.saliencyValues(), w, h, px);
					Outputs.png(out.resolve(name + "_overlay.png"), Outputs.overlay(segInput.data(), e.saliencyValues(), w, h, e.roi(), truth, 4));
					csv.append(String.format(Locale.ROOT, "%s,%d,%s,%s,%s,%d,%.3f,%.4f,%.4f,%.4f,%.4f,%.4f,%s%n", "example_ct_sm.nii.gz", z, organ,
						e.method(), mode.id(), e.evaluations(), e.seconds(), e.roiFraction(), o.dice, o.iou, del, ins, o.pointingHit));
					table.add(new String[] { organ, mode.id(), Long.toString(e.evaluations()), String.format(Locale.ROOT, "%.2f", e.seconds()),
						String.format(Locale.ROOT, "%.3f", o.dice), String.format(Locale.ROOT, "%.3f", o.iou), String.format(Locale.ROOT, "%.3f", del),
						String.format(Locale.ROOT, "%.3f", ins), o.pointingHit ? "hit" : "miss" });
				}
			}
		}
		Outputs.text(out.resolve("results.csv"), csv.toString());
		System.out.println();
		System.out.printf(Locale.ROOT, "%-8s %-5s %11s %8s %6s %6s %9s %10s %8s%n", "target", "mode", "evaluations", "seconds", "dice", "iou", "deletion",
			"insertion", "pointing");
		for (final String[] r : table)
			System.out.printf(Locale.ROOT, "%-8s %-5s %11s %8s %6s %6s %9s %10s %8s%n", (Object[]) r);
		System.out.println();
		System.out.println("Dice/IoU: the saliency's top |organ| pixels against the organ mask. deletion: lower is better; insertion: higher.");
		System.out.println("Written to " + out.toAbsolutePath().normalize() + ": *_overlay.png, *_saliency.tif, *_similarity.tif, results.csv");
		return 0;
	}

	/** The validation slice (z % 5 == 2) on which the smallest of the prompted organs is largest. */
	static int slice(final Volume labels, final List<String> organs, final Map<String, Integer> values) {
		int best = -1;
		long bestArea = -1;
		for (int z = 0; z < labels.depth(); z++) {
			if (!DemoData.isValidation(z)) continue;
			long least = Long.MAX_VALUE;
			for (final String o : organs) {
				long a = 0;
				for (int y = 0; y < labels.height(); y++)
					for (int x = 0; x < labels.width(); x++)
						if (labels.get(x, y, z) == values.get(o)) a++;
				least = Math.min(least, a);
			}
			if (least > bestArea) {
				bestArea = least;
				best = z;
			}
		}
		if (bestArea <= 0) throw new IllegalArgumentException("--prompts: no slice shows all of " + organs);
		return best;
	}
}
