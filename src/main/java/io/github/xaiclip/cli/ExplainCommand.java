package io.github.xaiclip.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.github.xaiclip.pipeline.ExplainSettings;
import io.github.xaiclip.pipeline.Explainer;
import io.github.xaiclip.pipeline.SliceResult;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Explains a model's segmentation of one image file. */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
	description = { "Explains what the segmentation model looked at to segment --target on an image (TIFF, DICOM file or series folder, NIfTI).",
		"Writes to OUT: <image>_<target>_<method>_<mode>_saliency.tif (32-bit, calibrated; a stack with --all-slices), "
			+ "..._overlay.png (an RGB TIFF stack with --all-slices), <image>_roi.tif (the region), <image>_similarity.tif (with --prompt) "
			+ "and results.csv." },
	footer = { "", "Example:", "  xai-clip explain --image ct.nii.gz --slice 12 --seg-model models/ct-unet --clip-model models/ct-clip \\",
		"    --prompt liver --target liver --method occlusion --mode roi --ground-truth labels.nii.gz --gt-value 5 --out results/" })
final class ExplainCommand implements Callable<Integer> {

	@Option(names = "--image", paramLabel = "FILE", required = true, description = "the image: .tif, .nii(.gz), .dcm or a folder of one DICOM series")
	Path image;

	@ArgGroup(exclusive = true)
	Slices slices = new Slices();

	static final class Slices {

		@Option(names = "--slice", paramLabel = "N", description = "the slice to explain, 1-based as in Fiji (needed for a stack)")
		int slice = -1;

		@Option(names = "--all-slices", description = "explain every slice of a stack (slices without the target are skipped)")
		boolean all;

		int value() {
			if (all) return 0;
			if (slice == 0 || slice < -1) throw new IllegalArgumentException("--slice: expected a slice number >= 1, got " + slice);
			return slice;
		}
	}

	@Option(names = "--out", paramLabel = "DIR", required = true, description = "output folder (created if needed)")
	Path out;

	@Mixin
	ExplainOptions options;

	@Override
	public Integer call() {
		final String name = io.github.xaiclip.image.Images.stem(image);
		Writable.check(out);
		final Progress progress = Progress.onStderr();
		try (ImageJob job = new ImageJob(image, options.roiFile(name), options.groundTruth(name), slices.value());
			Explainer explainer = Explainer.open(options.settings(), options.runtime()))
		{
			for (final String note : job.source.notes())
				progress.log("note: " + note);
			explainer.listener(progress);
			final ExplainSettings s = explainer.settings();
			final ImageJob.Outcome outcome = job.explain(explainer, List.of(new ImageJob.Run(s.perturbation(s.method()), s.mode())), progress, out);
			for (final String skipped : outcome.skipped)
				progress.log("skipped " + skipped);
			Outputs.text(out.resolve("results.csv"), SliceResult.csvHeader() + "\n" + String.join("\n", outcome.csvLines) + "\n");
			Table.print(outcome.rows);
			System.out.println("Written to " + out.toAbsolutePath().normalize());
		}
		return 0;
	}

	/** The results as an aligned table on standard output. */
	static final class Table {

		static void print(final List<Object[]> rows) {
			System.out.printf(Locale.ROOT, "%-24s %5s %-12s %-9s %-4s %11s %8s %6s %6s %6s %9s %10s %8s%n", "image", "slice", "target", "method", "mode",
				"evaluations", "seconds", "roi", "dice", "iou", "deletion", "insertion", "pointing");
			for (final Object[] v : rows) {
				System.out.printf(Locale.ROOT, "%-24s %5d %-12s %-9s %-4s %11d %8.2f %6.3f %6s %6s %9s %10s %8s%n", v[0], v[1], v[2], v[3], v[4], v[5], v[6],
					v[7], num(v[8]), num(v[9]), num(v[10]), num(v[11]), "1".equals(v[12]) ? "hit" : "0".equals(v[12]) ? "miss" : "-");
			}
		}

		private static String num(final Object v) {
			final double d = (Double) v;
			return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.3f", d);
		}
	}
}
