package io.github.xaiclip.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.github.xaiclip.explain.Cropping;
import io.github.xaiclip.explain.Explanation;
import io.github.xaiclip.explain.ExplanationEngine;
import io.github.xaiclip.explain.Lime;
import io.github.xaiclip.explain.Mode;
import io.github.xaiclip.explain.Occlusion;
import io.github.xaiclip.explain.PerturbationMethod;
import io.github.xaiclip.explain.Rise;
import io.github.xaiclip.explain.Target;
import io.github.xaiclip.image.Volume;
import io.github.xaiclip.metrics.CountingModel;
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
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The paper's comparison, full vs roi for occlusion, RISE and LIME, on the bundled CT's validation slices; and what
 * cropped evaluation and adaptive occlusion cut further ({@link BenchCosts}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
	description = { "Reproduces the comparison of ROI-guided and conventional perturbation on the validation slices of the bundled CT "
		+ "(liver, spleen, kidneys; regions from text): model evaluations, wall time (median of repeats after a warm-up), saliency Dice and IoU "
		+ "vs the organ mask, deletion and insertion AUC, pointing game; the engine's overhead over the bare model time, and the batched engine "
		+ "against a loop of single-image forward passes. Then the cost of cropped against whole-image evaluation (model pixels, time), "
		+ "at the native grid and on large slices, and adaptive against plain roi occlusion (evaluations, Dice, IoU), with the total "
		+ "reduction of model work against the paper's setting.", "With --write FILE, also writes the report (docs/benchmarks.md)." })
final class BenchCommand implements Callable<Integer> {

	@Option(names = "--data", paramLabel = "DIR", description = "folder with totalseg-abdomen-ct/ and models/ (default: ${DEFAULT-VALUE})")
	Path data = Paths.get("test-data");

	@Option(names = "--write", paramLabel = "FILE", description = "write the report (Markdown) to FILE")
	Path write;

	@Option(names = "--repeats", description = "timed repeats per explanation (default: ${DEFAULT-VALUE})")
	int repeats = 3;

	@Option(names = "--window", description = "occlusion window, px (default: ${DEFAULT-VALUE})")
	int window = 8;

	@Option(names = "--stride", description = "occlusion stride, px (default: ${DEFAULT-VALUE})")
	int stride = 4;

	@Option(names = "--masks", description = "RISE masks (default: ${DEFAULT-VALUE})")
	int masks = 400;

	@Option(names = "--samples", description = "LIME samples (default: ${DEFAULT-VALUE})")
	int samples = 400;

	@Option(names = "--roi-margin", paramLabel = "MM", description = "margin around the text region, mm (default: ${DEFAULT-VALUE})")
	double marginMm = 9;

	@Option(names = "--limit", paramLabel = "N", description = "use only the first N cases, for a quick look (default: all)")
	int maxCases = Integer.MAX_VALUE;

	@Option(names = "--cases", split = ",", paramLabel = "NAME",
		description = { "which comparisons to run (default: all): paper (full vs roi for occlusion, RISE and LIME, batching, the parameter "
			+ "sweep), crop (cropped vs whole-image evaluation at the native grid and on large slices), refine (adaptive vs plain roi "
			+ "occlusion, and the total reduction against the paper's setting).",
			"With --write, the report's sections of the comparisons run are replaced and the others kept." })
	List<String> sections = new ArrayList<>(SECTIONS);

	@Option(names = "--large", paramLabel = "PX", description = "side of the large slices of the crop and refine comparisons (default: ${DEFAULT-VALUE})")
	int large = 512;

	@Option(names = "--fine", paramLabel = "W/S", description = "window/stride of plain and adaptive occlusion in the refine comparison (default: ${DEFAULT-VALUE})")
	String fine = "4/2";

	@Option(names = "--coarse", paramLabel = "W/S", description = "coarse window/stride of adaptive occlusion (default: ${DEFAULT-VALUE})")
	String coarse = "12/6";

	@Option(names = "--refine-fraction", description = "share of the coarse maximum refined (default: ${DEFAULT-VALUE})")
	double fraction = 0.3;

	static final List<String> SECTIONS = List.of("paper", "crop", "refine");
	static final String[] ORGANS = { "liver", "spleen", "kidney_right", "kidney_left" };
	static final int MIN_AREA = 30;

	/** One slice and organ. */
	static final class Case {

		final int z;
		final String organ;
		final ArrayImg<FloatType, FloatArray> image;
		final Roi truth, roi;

		Case(final int z, final String organ, final ArrayImg<FloatType, FloatArray> image, final Roi truth, final Roi roi) {
			this.z = z;
			this.organ = organ;
			this.image = image;
			this.truth = truth;
			this.roi = roi;
		}
	}

	/** Sums over the cases of one method and mode. */
	static final class Row {

		int cases, hits;
		double evaluations, seconds, modelSeconds, dice, iou, deletion, insertion;

		double mean(final double v) {
			return v / cases;
		}
	}

	@Spec
	CommandSpec spec;

	@Override
	public Integer call() throws IOException {
		if (repeats < 1) throw new IllegalArgumentException("--repeats: expected >= 1, got " + repeats);
		if (maxCases < 1) throw new IllegalArgumentException("--limit: expected >= 1, got " + maxCases);
		for (final String section : sections)
			if (!SECTIONS.contains(section))
				throw new IllegalArgumentException("--cases: expected names among " + String.join(", ", SECTIONS) + ", got '" + section + "'");
		if (large < 32 || large % 4 != 0) throw new IllegalArgumentException("--large: expected a multiple of 4 of at least 32 px, got " + large);
		final int[] fineWs = windowStride("--fine", fine), coarseWs = windowStride("--coarse", coarse);
		if (coarseWs[0] <= fineWs[0]) throw new IllegalArgumentException("--coarse: expected a larger window than --fine's, got " + coarse);
		if (!(fraction > 0 && fraction < 1)) throw new IllegalArgumentException("--refine-fraction: expected a value in (0, 1), got " + fraction);
		final long t0 = System.nanoTime();
		final DemoScan scan = DemoScan.read(data);
		final Volume ct = scan.ct, labels = scan.labels;
		final Map<String, Integer> values = scan.labelValues;
		final Path unetDir = data.resolve("models/ct-unet"), clipDir = data.resolve("models/ct-clip");
		final ModelDescriptor unetD = ModelDescriptor.read(unetDir), clipD = ModelDescriptor.read(clipDir);
		final double[] px = scan.pixelSize();
		final List<Case> cases = new ArrayList<>();
		final Map<String, String> written = new LinkedHashMap<>();
		try (SegmentationModel unet = ModelRuntimes.get().segmentation(unetDir, RuntimeOptions.defaults());
			VisionLanguageModel clip = ModelRuntimes.get().visionLanguage(clipDir, RuntimeOptions.defaults()))
		{
			final String runtime = ModelRuntimes.get().version();
			final SegmentationModel adapted = GridAdaptedModel.adapt(unet, unetD.pixelSize(), px);
			final TextRegionLocalizer localizer = new TextRegionLocalizer(clip);
			for (int z = 0; z < ct.depth(); z++) {
				if (!DemoData.isValidation(z)) continue;
				final PackedImage seg = unetD.preprocessing().apply(Views.hyperSlice(ct.image(), 2, z));
				final TextRegionLocalizer.ImageEmbedding embedding = localizer.embed(clipD.preprocessing().apply(Views.hyperSlice(ct.image(), 2, z)));
				for (final String organ : ORGANS) {
					final Roi truth;
					try {
						truth = Rois.fromLabel(Views.hyperSlice(labels.image(), 2, z), values.get(organ), "labels");
					}
					catch (final IllegalArgumentException absent) {
						continue;
					}
					if (truth.area() < MIN_AREA || cases.size() == maxCases) continue;
					final Roi roi = localizer.localize(embedding, organ, TextRegionLocalizer.Options.defaults()).region();
					cases.add(new Case(z, organ, ArrayImgs.floats(seg.data(), seg.width(), seg.height()), truth, roi));
				}
			}
			if (cases.isEmpty()) throw new IllegalArgumentException("--data: no validation slice shows the organs " + Arrays.toString(ORGANS));
			System.out.printf(Locale.ROOT, "%d cases (validation slice x organ of >= %d px)%n", cases.size(), MIN_AREA);
			if (sections.contains("paper")) {
				final long t = System.nanoTime();
				final String body = paper(adapted, cases, px);
				written.put("paper", "## ROI-guided vs conventional perturbation\n\n" + writtenBy("paper", t, runtime) + body);
			}
			final BenchCosts costs = new BenchCosts(unet, adapted, cases, px, marginMm, large, repeats);
			if (sections.contains("crop")) {
				final long t = System.nanoTime();
				final String body = costs.cropping(Occlusion.builder().window(window).stride(stride).build());
				written.put("crop", "## Cropped evaluation: the receptive field\n\n" + writtenBy("crop", t, runtime) + body);
			}
			if (sections.contains("refine")) {
				final long t = System.nanoTime();
				final String body = costs.refinement(fineWs, coarseWs, fraction);
				written.put("refine", "## Adaptive occlusion, and the total reduction\n\n" + writtenBy("refine", t, runtime) + body);
			}
		}
		System.out.printf(Locale.ROOT, "%ndone in %.0f s%n%n", (System.nanoTime() - t0) * 1e-9);
		for (final String section : written.values())
			System.out.println(section);
		if (write != null) Outputs.text(write, BenchReport.merge(Files.exists(write) ? Files.readString(write) : null, written));
		return 0;
	}

	private static int[] windowStride(final String option, final String value) {
		final String[] f = value.split("/");
		try {
			if (f.length == 2) {
				final int w = Integer.parseInt(f[0].trim()), k = Integer.parseInt(f[1].trim());
				if (w >= 1 && k >= 1) return new int[] { w, k };
			}
		}
		catch (final NumberFormatException e) {
			// the message below
		}
		throw new IllegalArgumentException(option + ": expected WINDOW/STRIDE in pixels, e.g. 16/8, got '" + value + "'");
	}

	/** The line that says which run wrote a section. */
	private String writtenBy(final String section, final long since, final String runtime) {
		return String.format(Locale.ROOT, "Written by `xai-clip %s` (this section: %.0f s) on %d cores (%s), Java %s, %s.%n%n",
			String.join(" ", spec.commandLine().getParseResult().originalArgs()), (System.nanoTime() - since) * 1e-9,
			Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.version"), runtime);
	}

	/**
	 * The paper's comparison on the whole image as the paper evaluates it (no cropping): full vs roi for each
	 * method, batching, and the parameter sweep.
	 */
	private String paper(final SegmentationModel adapted, final List<Case> cases, final double[] px) {
		final PerturbationMethod[] methods = { Occlusion.builder().window(window).stride(stride).build(),
			Rise.builder().masks(masks).cell(8).keepProbability(0.5).seed(1).build(), Lime.builder().superpixels(100).samples(samples).seed(1).build() };
		final Map<String, Row> rows = new LinkedHashMap<>();
		final long t0 = System.nanoTime();
		final CountingModel model = new CountingModel(adapted);
		final ExplanationEngine engine = new ExplanationEngine(model).cropping(Cropping.OFF);
		final Faithfulness faithfulness = new Faithfulness(adapted, 20, ExplanationEngine.DEFAULT_BATCH_SIZE);
		final double margin = marginMm / px[0];
		System.out.println("paper: warming up");
		for (final PerturbationMethod m : methods)
			for (final Mode mode : Mode.values())
				engine.explain(cases.get(0).image, Target.ofClass(cases.get(0).organ), m, mode, cases.get(0).roi, margin);
		for (final Case c : cases) {
			for (final PerturbationMethod m : methods)
				for (final Mode mode : Mode.values()) {
					final double[] wall = new double[repeats], inModel = new double[repeats];
					Explanation e = null;
					for (int r = 0; r < repeats; r++) {
						final double before = model.modelSeconds();
						e = engine.explain(c.image, Target.ofClass(c.organ), m, mode, c.roi, margin);
						wall[r] = e.seconds();
						inModel[r] = model.modelSeconds() - before;
					}
					final SaliencyMetrics.Overlap o = SaliencyMetrics.overlap(e.saliency(), c.truth);
					final Row row = rows.computeIfAbsent(m.name() + "/" + mode.id(), k -> new Row());
					row.cases++;
					row.evaluations += e.evaluations();
					row.seconds += median(wall);
					row.modelSeconds += median(inModel);
					row.dice += o.dice;
					row.iou += o.iou;
					row.deletion += faithfulness.deletionAuc(c.image, e);
					row.insertion += faithfulness.insertionAuc(c.image, e);
					if (o.pointingHit) row.hits++;
				}
			System.out.printf(Locale.ROOT, "  z=%d %s done (%.0f s)%n", c.z, c.organ, (System.nanoTime() - t0) * 1e-9);
		}
		// the batched engine against a loop of single-image forward passes: occlusion, full mode, the first case
		final Case c = cases.get(0);
		final double[] one = new double[repeats], sixteen = new double[repeats];
		for (int r = 0; r < repeats; r++) {
			one[r] = new ExplanationEngine(adapted).cropping(Cropping.OFF).batchSize(1).explain(c.image, Target.ofClass(c.organ), methods[0], Mode.FULL,
				null, 0).seconds();
			sixteen[r] = new ExplanationEngine(adapted).cropping(Cropping.OFF).batchSize(16).explain(c.image, Target.ofClass(c.organ), methods[0],
				Mode.FULL, null, 0).seconds();
		}
		System.out.println("  sweeping the parameters");
		final String sweep = sweep(engine, cases, px);
		return report(rows, cases.size(), median(one), median(sixteen), methods) + sweep;
	}

	/**
	 * Each parameter varied alone in roi mode, on the case of each organ where it is largest; the pick is the
	 * cheapest value whose mean saliency Dice is within 0.01 of the best. Returns the report's section.
	 */
	private String sweep(final ExplanationEngine engine, final List<Case> cases, final double[] px) {
		final List<Case> largest = cases;
		final StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%n### Defaults%n%nEach parameter varied alone, roi mode, one run per "
			+ "case (%d cases); mean saliency Dice, evaluations and seconds per case, and the share of the organs' pixels inside the grown region. "
			+ "The pick is the cheapest value whose Dice is within 0.01 of the best (for the margin, whose region also holds at least 95%% of the "
			+ "organ).%n%n"
			+ "| parameter | value | Dice | evaluations | seconds | organ in region |%n| --- | ---: | ---: | ---: | ---: | ---: |%n", largest.size()));
		final StringBuilder picks = new StringBuilder();
		final int[][] occlusion = { { 4, 2 }, { 8, 4 }, { 12, 6 } };
		final PerturbationMethod[] byWindow = new PerturbationMethod[occlusion.length];
		for (int i = 0; i < occlusion.length; i++)
			byWindow[i] = Occlusion.builder().window(occlusion[i][0]).stride(occlusion[i][1]).build();
		sweepOne(b, picks, "occlusion window/stride", new String[] { "4/2", "8/4", "12/6" }, engine, largest, byWindow, new double[] { marginMm,
			marginMm, marginMm }, px);
		final Occlusion standard = Occlusion.builder().window(window).stride(stride).build();
		sweepOne(b, picks, "roi margin (mm), occlusion", new String[] { "3", "9", "15" }, engine, largest,
			new PerturbationMethod[] { standard, standard, standard }, new double[] { 3, 9, 15 }, px);
		final int[] counts = { 200, 400, 800 };
		final PerturbationMethod[] rise = new PerturbationMethod[3], lime = new PerturbationMethod[3];
		for (int i = 0; i < 3; i++) {
			rise[i] = Rise.builder().masks(counts[i]).cell(8).keepProbability(0.5).seed(1).build();
			lime[i] = Lime.builder().superpixels(100).samples(counts[i]).seed(1).build();
		}
		final String[] labels = { "200", "400", "800" };
		final double[] margins = { marginMm, marginMm, marginMm };
		sweepOne(b, picks, "RISE masks", labels, engine, largest, rise, margins, px);
		sweepOne(b, picks, "LIME samples", labels, engine, largest, lime, margins, px);
		return b.append(String.format(Locale.ROOT, "%nPicked for images like this one (3 mm pixels, about 120 px across): %s. The comparison above "
			+ "keeps window 8/stride 4 and 400 samples so that the whole run stays within 15 minutes on 2 cores; RISE and LIME figures from one "
			+ "seed vary by a few hundredths of Dice between neighbouring sample counts.%n", picks.substring(2))).toString();
	}

	private static void sweepOne(final StringBuilder b, final StringBuilder picks, final String name, final String[] values,
		final ExplanationEngine engine, final List<Case> cases, final PerturbationMethod[] methods, final double[] marginsMm, final double[] px)
	{
		final double[] dice = new double[values.length], evaluations = new double[values.length], seconds = new double[values.length];
		final double[] covered = new double[values.length];
		for (int i = 0; i < values.length; i++) {
			long inside = 0, total = 0;
			for (final Case c : cases) {
				final Explanation e = engine.explain(c.image, Target.ofClass(c.organ), methods[i], Mode.ROI, c.roi, marginsMm[i] / px[0]);
				dice[i] += SaliencyMetrics.overlap(e.saliency(), c.truth).dice / cases.size();
				evaluations[i] += e.evaluations() / (double) cases.size();
				seconds[i] += e.seconds() / cases.size();
				for (int p = 0; p < c.truth.width() * c.truth.height(); p++)
					if (c.truth.contains(p)) {
						total++;
						if (e.roi().contains(p)) inside++;
					}
			}
			covered[i] = inside / (double) total;
			b.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.0f | %.3f | %.1f%% |%n", name, values[i], dice[i], evaluations[i], seconds[i],
				100 * covered[i]));
		}
		double best = Double.NEGATIVE_INFINITY;
		for (final double d : dice)
			best = Math.max(best, d);
		int pick = -1;
		for (int i = 0; i < values.length; i++)
			if (dice[i] >= best - 0.01 && (covered[i] >= 0.95 || !name.startsWith("roi margin")) && (pick < 0 || seconds[i] < seconds[pick])) pick = i;
		picks.append("; ").append(name).append(" ").append(pick < 0 ? "(none holds 95% of the organ)" : values[pick]);
	}

	static double median(final double[] v) {
		final double[] s = v.clone();
		Arrays.sort(s);
		return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
	}

	private String report(final Map<String, Row> rows, final int cases, final double naive, final double batched, final PerturbationMethod[] methods) {
		final StringBuilder b = new StringBuilder();
		b.append(String.format(Locale.ROOT, "**Data.** The validation slices (z %% 5 == 2) of the bundled abdominal CT (122 x 101, 3 mm), %d cases: each "
			+ "slice and organ (liver, spleen, right and left kidney) with at least %d pixels of the organ. The model is the demo U-Net; the region of "
			+ "each case comes from its text prompt through the demo CLIP-like model, grown by %.0f mm. The score is the mean probability of the "
			+ "organ's class over the model's own prediction of it. The model runs on the whole image for every evaluation, as in the paper "
			+ "(no cropping).%n%n", cases, MIN_AREA, marginMm));
		b.append("**Parameters** (the same in both modes):");
		for (final PerturbationMethod m : methods)
			b.append(" ").append(m.name()).append(" ").append(m.parameters()).append(";");
		b.append(String.format(Locale.ROOT, " batch size %d; %d timed repeats after a warm-up, median per case.%n%n", ExplanationEngine.DEFAULT_BATCH_SIZE,
			repeats));
		b.append("| method | mode | evaluations | seconds | overhead | Dice | IoU | deletion AUC | insertion AUC | pointing |\n");
		b.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
		for (final Map.Entry<String, Row> e : rows.entrySet()) {
			final Row r = e.getValue();
			final String[] k = e.getKey().split("/");
			b.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %d/%d |%n", k[0], k[1], r.mean(r.evaluations),
				r.mean(r.seconds), r.seconds / r.modelSeconds, r.mean(r.dice), r.mean(r.iou), r.mean(r.deletion), r.mean(r.insertion), r.hits, r.cases));
		}
		b.append("\nEvaluations and seconds are means per case; overhead is the explanation's wall time over the time spent in the model for "
			+ "the same batches; Dice and IoU binarize the saliency at the organ's area (top-|organ| pixels). Lower deletion AUC and higher "
			+ "insertion AUC are better.\n\n");
		b.append("**roi against full**, in the paper's terms (negative runtime change: faster):\n\n| method | evaluations | runtime | Dice | IoU |\n"
			+ "| --- | ---: | ---: | ---: | ---: |\n");
		final Map<String, double[]> change = new LinkedHashMap<>();
		for (final PerturbationMethod m : methods) {
			final Row f = rows.get(m.name() + "/full"), r = rows.get(m.name() + "/roi");
			final double[] c = { r.evaluations / f.evaluations - 1, r.seconds / f.seconds - 1, r.dice / f.dice - 1, r.iou / f.iou - 1 };
			change.put(m.name(), c);
			b.append(String.format(Locale.ROOT, "| %s | %+.1f%% | %+.1f%% | %+.1f%% | %+.1f%% |%n", m.name(), 100 * c[0], 100 * c[1], 100 * c[2], 100 * c[3]));
		}
		b.append("\nThe paper (XAI-CLIP, arXiv 2602.07017, FLARE22 and CHAOS) reports for occlusion up to 60% less runtime with saliency Dice "
			+ "+44.6% and IoU +96.7%, and speed gains for LIME and RISE.\n\n");
		b.append(String.format(Locale.ROOT, "**Batching.** Occlusion in full mode on the first case: %.3f s with single-image forward passes, %.3f s with "
			+ "batches of 16: %.1fx faster.%n%n", naive, batched, naive / batched));
		b.append("**Reading.** ");
		final Row of = rows.get("occlusion/full"), or = rows.get("occlusion/roi");
		final double[] oc = change.get("occlusion");
		b.append(String.format(Locale.ROOT, "Occlusion in roi mode needs %.0f%% of the evaluations and %.0f%% of the wall time of full mode (targets: "
			+ "<= 40%% and <= 45%%: %s), with saliency Dice %.3f against %.3f and IoU %.3f against %.3f (%s). ", 100 * (1 + oc[0]), 100 * (1 + oc[1]),
			oc[0] <= -0.6 && oc[1] <= -0.55 ? "met" : "missed", or.mean(or.dice), of.mean(of.dice), or.mean(or.iou), of.mean(of.iou),
			verdict(oc[2], oc[3])));
		b.append(String.format(Locale.ROOT, "Deletion AUC %.3f against %.3f and insertion AUC %.3f against %.3f: a roi map leaves every pixel outside "
			+ "the region at 0, so past the region the curves take pixels in raster order rather than by importance. ", or.mean(or.deletion),
			of.mean(of.deletion), or.mean(or.insertion), of.mean(of.insertion)));
		b.append("Unlike the paper, Dice and IoU hardly change for occlusion: the demo U-Net's liver, spleen and kidney predictions depend on the "
			+ "organ and its surroundings alone, so occluding far-away windows costs evaluations but adds almost no saliency outside the region; "
			+ "what roi mode saves here is runtime. ");
		for (final String m : new String[] { "rise", "lime" }) {
			final double[] c = change.get(m);
			b.append(String.format(Locale.ROOT, "%s at equal sample counts: runtime %+.0f%% (%s), Dice %+.1f%% (%s). ", m.equals("rise") ? "RISE" : "LIME",
				100 * c[1], c[1] <= 0.05 ? "no slower" : "slower", 100 * c[2], verdict(c[2], c[2])));
		}
		b.append(String.format(Locale.ROOT, "Overhead of occlusion at batch 16: %.3f (target <= 1.10: %s). Batched against single-image passes: %.1fx "
			+ "(target >= 3x: %s)", or.seconds / or.modelSeconds, or.seconds / or.modelSeconds <= 1.10 ? "met" : "missed", naive / batched,
			naive / batched >= 3 ? "met" : "missed"));
		b.append(naive / batched >= 3 ? ".\n" : ": on 2 CPU cores TensorFlow already spreads a single image's convolutions over both cores, so a batch "
			+ "of 16 saves only the per-call cost; batching pays where a forward pass leaves the hardware idle (a GPU, many cores).\n");
		return b.toString();
	}

	/** "no worse" when neither relative change is below -1% (the figures themselves are in the table). */
	private static String verdict(final double dice, final double iou) {
		return dice >= -0.01 && iou >= -0.01 ? "no worse, within 1%" : "worse";
	}

	static String cpuModel() {
		try {
			for (final String line : Files.readAllLines(Paths.get("/proc/cpuinfo"), StandardCharsets.UTF_8))
				if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
		}
		catch (final IOException | RuntimeException e) {
			// not Linux
		}
		return System.getProperty("os.arch");
	}
}
