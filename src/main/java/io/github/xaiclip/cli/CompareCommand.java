package io.github.xaiclip.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

import io.github.xaiclip.explain.Mode;
import io.github.xaiclip.image.Images;
import io.github.xaiclip.pipeline.ExplainSettings;
import io.github.xaiclip.pipeline.Explainer;
import io.github.xaiclip.pipeline.SliceResult;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Full versus roi mode for each chosen method on the same slices: the paper's comparison on the user's data. */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
	description = { "Explains --target with each --method in full mode (perturb the whole image) and roi mode (only around the region) on the same slices, "
		+ "and prints one table: evaluations, seconds, Dice, IoU, deletion and insertion AUC, with the roi/full ratios.",
		"Writes the saliency maps and overlays of every run and results.csv (one row per slice, method and mode) to OUT." },
	footer = { "", "Example:", "  xai-clip compare --image ct.nii.gz --slice 23 --seg-model models/ct-unet --clip-model models/ct-clip --prompt spleen \\",
		"    --target spleen --method occlusion,rise --ground-truth labels.nii.gz --gt-value 1 --out compare/" })
final class CompareCommand implements Callable<Integer> {

	@Option(names = "--image", paramLabel = "FILE", required = true, description = "the image: .tif, .nii(.gz), .dcm or a folder of one DICOM series")
	Path image;

	@ArgGroup(exclusive = true)
	ExplainCommand.Slices slices = new ExplainCommand.Slices();

	@Option(names = "--out", paramLabel = "DIR", required = true, description = "output folder (created if needed)")
	Path out;

	@Mixin
	ExplainOptions options;

	@Override
	public Integer call() {
		if (options.mode != null) throw new IllegalArgumentException("--mode: compare runs both modes; leave --mode out");
		final List<String> methods = methods(options.method);
		final String name = Images.stem(image);
		final ExplainSettings settings = options.settings(methods.get(0), Mode.ROI);
		if (settings.roiSource() == ExplainSettings.RoiSourceKind.NONE)
			throw new IllegalArgumentException("region: compare needs a region for roi mode; give --prompt, --roi-mask, --roi-label or --roi-from-prediction");
		Writable.check(out);
		final Progress progress = Progress.onStderr();
		try (ImageJob job = new ImageJob(image, options.roiFile(name), options.groundTruth(name), slices.value());
			Explainer explainer = Explainer.open(settings, options.runtime()))
		{
			for (final String note : job.source.notes())
				progress.log("note: " + note);
			explainer.listener(progress);
			final List<ImageJob.Run> runs = new ArrayList<>();
			for (final String m : methods)
				for (final Mode mode : Mode.values())
					runs.add(new ImageJob.Run(settings.perturbation(m), mode));
			final ImageJob.Outcome outcome = job.explain(explainer, runs, progress, out);
			for (final String skipped : outcome.skipped)
				progress.log("skipped " + skipped);
			Outputs.text(out.resolve("results.csv"), SliceResult.csvHeader() + "\n" + String.join("\n", outcome.csvLines) + "\n");
			print(outcome.rows, methods);
		}
		System.out.println("Written to " + out.toAbsolutePath().normalize());
		return 0;
	}

	static List<String> methods(final String list) {
		final Set<String> m = new LinkedHashSet<>();
		for (final String s : (list == null ? String.join(",", ExplainSettings.METHODS) : list).split(","))
			if (!s.trim().isEmpty()) m.add(s.trim().toLowerCase(Locale.ROOT));
		if (m.isEmpty()) throw new IllegalArgumentException("--method: expected a comma-separated list of occlusion, rise, lime");
		for (final String s : m)
			if (!java.util.Arrays.asList(ExplainSettings.METHODS).contains(s))
				throw new IllegalArgumentException("--method: expected occlusion, rise or lime, got '" + s + "'");
		return new ArrayList<>(m);
	}

	/** Per method, summed over slices: full, roi and their ratio; Dice, IoU and AUCs as means. */
	static void print(final List<Object[]> rows, final List<String> methods) {
		System.out.printf(Locale.ROOT, "%-10s %-5s %11s %8s %6s %6s %9s %10s%n", "method", "mode", "evaluations", "seconds", "dice", "iou", "deletion",
			"insertion");
		for (final String m : methods) {
			final double[][] s = new double[2][];
			for (final Mode mode : Mode.values()) {
				final double[] sum = new double[7];
				for (final Object[] v : rows)
					if (v[3].equals(m) && v[4].equals(mode.id())) {
						sum[0] += (Long) v[5];
						sum[1] += (Double) v[6];
						for (int k = 0; k < 4; k++)
							sum[2 + k] += (Double) v[8 + k];
						sum[6]++;
					}
				for (int k = 2; k < 6; k++)
					sum[k] /= Math.max(1, sum[6]);
				s[mode.ordinal()] = sum;
				System.out.printf(Locale.ROOT, "%-10s %-5s %11.0f %8.2f %6s %6s %9s %10s%n", m, mode.id(), sum[0], sum[1], f(sum[2]), f(sum[3]), f(sum[4]),
					f(sum[5]));
			}
			final double[] full = s[Mode.FULL.ordinal()], roi = s[Mode.ROI.ordinal()];
			System.out.printf(Locale.ROOT, "%-10s %-5s %11s %8s %6s %6s %9s %10s%n", m, "ratio", String.format(Locale.ROOT, "%.2fx", roi[0] / full[0]),
				String.format(Locale.ROOT, "%.2fx", roi[1] / full[1]), d(roi[2] - full[2]), d(roi[3] - full[3]), d(roi[4] - full[4]), d(roi[5] - full[5]));
		}
		System.out.println("ratio: roi / full for evaluations and seconds, roi - full for the others.");
	}

	private static String f(final double v) {
		return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
	}

	private static String d(final double v) {
		return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%+.3f", v);
	}
}
