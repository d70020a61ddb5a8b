package io.github.xaiclip.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.github.xaiclip.explain.Mode;
import io.github.xaiclip.image.Volume;
import io.github.xaiclip.model.ModelDescriptor;
import io.github.xaiclip.model.RuntimeOptions;
import io.github.xaiclip.pipeline.ExplainSettings;
import io.github.xaiclip.pipeline.Explainer;
import io.github.xaiclip.pipeline.Overlay;
import io.github.xaiclip.pipeline.SliceResult;
import io.github.xaiclip.train.DemoData;
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
		final ModelDescriptor unetD = ModelDescriptor.read(unetDir);
		final List<String> organs = new ArrayList<>();
		for (final String p : prompts.split(","))
			if (!p.trim().isEmpty()) organs.add(p.trim());
		if (organs.isEmpty()) throw new IllegalArgumentException("--prompts: expected organ names, e.g. 'liver, spleen'");
		for (final String o : organs)
			if (!labelValues.containsKey(o) || !unetD.asSegmentation().classes().contains(o))
				throw new IllegalArgumentException("--prompts: '" + o + "' is not an organ of the demo model " + unetD.asSegmentation().classes());

		final int z = slice(labels, organs, labelValues);
		final double[] px = scan.pixelSize();
		System.out.printf(Locale.ROOT, "slice %d of the bundled CT in %s (%dx%d, %.1f mm pixels); prompts %s%n", z + 1, data, ct.width(), ct.height(), px[0],
			organs);
		Writable.check(out);
		final List<SliceResult> results = new ArrayList<>();
		for (final String organ : organs) {
			final ExplainSettings settings = new ExplainSettings().segModel(unetDir).clipModel(clipDir).roiSource(ExplainSettings.RoiSourceKind.TEXT)
				.prompt(organ).target(organ).method("occlusion").window(window).stride(stride).roiMarginMm(marginMm).gtValue(labelValues.get(organ));
			try (Explainer explainer = Explainer.open(settings, RuntimeOptions.defaults())) {
				final Explainer.Prepared prepared = explainer.prepare(new Explainer.SliceInput(DemoScan.CT_FILE, z + 1, Views.hyperSlice(ct.image(), 2, z), px,
					null, Views.hyperSlice(labels.image(), 2, z)));
				final int w = ct.width(), h = ct.height();
				Outputs.tiff(out.resolve(organ + "_similarity.tif"), organ + " similarity", prepared.similarity(), w, h, px);
				for (final Mode mode : Mode.values()) {
					final SliceResult r = explainer.explain(prepared, settings.perturbation("occlusion"), mode);
					final String name = organ + "_occlusion_" + mode.id();
					Outputs.tiff(out.resolve(name + "_saliency.tif"), "saliency of " + name, r.explanation().saliencyValues(), w, h, px);
					Outputs.png(out.resolve(name + "_overlay.png"), Overlay.of(r, 4));
					results.add(r);
				}
			}
		}
		final StringBuilder csv = new StringBuilder(SliceResult.csvHeader()).append('\n');
		for (final SliceResult r : results)
			csv.append(r.csvLine()).append('\n');
		Outputs.text(out.resolve("results.csv"), csv.toString());
		System.out.println();
		final List<Object[]> rows = new ArrayList<>();
		for (final SliceResult r : results)
			rows.add(r.row());
		ExplainCommand.Table.print(rows);
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
