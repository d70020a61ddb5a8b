package io.github.xaiclip.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.xaiclip.cli.BenchCommand.Case;
import io.github.xaiclip.explain.Cropping;
import io.github.xaiclip.explain.Explanation;
import io.github.xaiclip.explain.ExplanationEngine;
import io.github.xaiclip.explain.Mode;
import io.github.xaiclip.explain.Occlusion;
import io.github.xaiclip.explain.ReceptiveFieldProbe;
import io.github.xaiclip.explain.Target;
import io.github.xaiclip.metrics.SaliencyMetrics;
import io.github.xaiclip.model.PackedImage;
import io.github.xaiclip.model.SegmentationModel;
import io.github.xaiclip.roi.Roi;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

/**
 * The bench's cost comparisons beyond the paper: cropped against whole-image evaluation (model pixels and wall
 * time per explanation, and how far the maps differ), and adaptive against plain roi occlusion (evaluations,
 * saliency Dice and IoU), with the total reduction of model work against the paper's setting. Each runs on the
 * bench's cases at their native grid and on large slices: the case of each organ where the organ is largest,
 * upsampled to {@code large x large} and fed to the SavedModel as it is (its pixels are then about 0.7 mm, so the
 * segmentation itself is off, but the model costs what a large slice costs).
 */
final class BenchCosts {

	private final SegmentationModel unet, adapted;
	private final List<Case> cases;
	private final double[] px;
	private final double marginMm;
	private final int large, repeats;

	/**
	 * @param unet    the SavedModel as it is (it takes multiples of 4), for the large slices
	 * @param adapted the model on the slices' grid
	 */
	BenchCosts(final SegmentationModel unet, final SegmentationModel adapted, final List<Case> cases, final double[] px, final double marginMm,
		final int large, final int repeats)
	{
		this.unet = unet;
		this.adapted = adapted;
		this.cases = cases;
		this.px = px;
		this.marginMm = marginMm;
		this.large = large;
		this.repeats = repeats;
	}

	/** One case on a large slice: the image, the region and the organ mapped onto it. */
	private final class Large {

		final Case source;
		final ArrayImg<FloatType, FloatArray> image;
		final Roi roi, truth;
		final double margin;

		Large(final Case c) {
			source = c;
			final int w = (int) c.image.dimension(0), h = (int) c.image.dimension(1);
			final PackedImage big = PackedImage.of(c.image).resampled(large, large);
			image = ArrayImgs.floats(big.data(), large, large);
			roi = map(c.roi, w, h);
			truth = map(c.truth, w, h);
			margin = marginMm / (px[0] * w / large);
		}

		private Roi map(final Roi r, final int w, final int h) {
			final boolean[] m = new boolean[large * large];
			for (int y = 0; y < large; y++)
				for (int x = 0; x < large; x++)
					m[y * large + x] = r.contains(x * w / large, y * h / large);
			return Roi.ofMask(large, large, m, "region");
		}
	}

	/** How much larger the large slices' windows are than the native ones: about the slices' scale. */
	private int scale() {
		return Math.max(1, (int) Math.round(large / (double) Math.max(cases.get(0).image.dimension(0), cases.get(0).image.dimension(1))));
	}

	/** The case of each organ where the organ is largest, on a large slice. */
	private Map<String, Large> largeCases() {
		final Map<String, Case> best = new LinkedHashMap<>();
		for (final String organ : BenchCommand.ORGANS)
			for (final Case c : cases)
				if (c.organ.equals(organ) && (!best.containsKey(organ) || c.truth.area() > best.get(organ).truth.area())) best.put(organ, c);
		final Map<String, Large> out = new LinkedHashMap<>();
		for (final Map.Entry<String, Case> e : best.entrySet())
			out.put(e.getKey(), new Large(e.getValue()));
		return out;
	}

	private static double maxDifference(final Explanation a, final Explanation b) {
		double d = 0;
		for (int p = 0; p < a.saliencyValues().length; p++)
			d = Math.max(d, Math.abs(a.saliencyValues()[p] - b.saliencyValues()[p]));
		return d;
	}

	/** Sums over explanations of one kind. */
	private static final class Tally {

		int n;
		double evaluations, pixels, seconds, dice, iou;

		void add(final Explanation e, final double seconds, final Roi truth) {
			n++;
			evaluations += e.evaluations();
			pixels += e.pixels();
			this.seconds += seconds;
			if (truth != null) {
				final SaliencyMetrics.Overlap o = SaliencyMetrics.overlap(e.saliency(), truth);
				dice += o.dice;
				iou += o.iou;
			}
		}
	}

	/** The explanation of the last of {@code repeats} runs, with the median wall time of all of them. */
	private static Explanation timed(final ExplanationEngine engine, final ArrayImg<FloatType, FloatArray> image, final Target target, final Occlusion o,
		final Roi roi, final double margin, final int repeats, final double[] seconds)
	{
		final double[] wall = new double[repeats];
		Explanation e = null;
		for (int r = 0; r < repeats; r++) {
			e = engine.explain(image, target, o, Mode.ROI, roi, margin);
			wall[r] = e.seconds();
		}
		seconds[0] = BenchCommand.median(wall);
		return e;
	}

	/** Cropped against whole-image evaluation of roi occlusion with {@code occlusion}'s windows. */
	String cropping(final Occlusion occlusion) {
		final StringBuilder b = new StringBuilder();
		final double margin = marginMm / px[0];
		final Case first = cases.get(0);
		final int w = (int) first.image.dimension(0), h = (int) first.image.dimension(1);
		long t = System.nanoTime();
		final ReceptiveFieldProbe.Estimate nativeProbe = ReceptiveFieldProbe.probe(adapted, PackedImage.of(first.image));
		final double nativeProbeSeconds = (System.nanoTime() - t) * 1e-9;
		final Map<String, Large> big = largeCases();
		final Large firstLarge = big.values().iterator().next();
		t = System.nanoTime();
		final ReceptiveFieldProbe.Estimate largeProbe = ReceptiveFieldProbe.probe(unet, PackedImage.of(firstLarge.image));
		final double largeProbeSeconds = (System.nanoTime() - t) * 1e-9;
		b.append(String.format(Locale.ROOT, "A window changes the U-Net's output only within the receptive field, so each window can run on a crop "
			+ "around it (the window grown by twice the radius, starting on the stride) instead of the whole image, and the score is exact. The demo "
			+ "U-Net declares `receptive_field: {radius: %d, stride: %d}` in its `xai-clip.yaml` (worked out from its layers), and that is what "
			+ "runs here. For a model that declares nothing the engine probes (`Cropping.AUTO`); on this model the probe finds: %s (%.1f s), and %s "
			+ "(%.1f s).%n%n", adapted.receptiveField().radius(), adapted.receptiveField().stride(), nativeProbe, nativeProbeSeconds, largeProbe,
			largeProbeSeconds));

		// the native grid: every case
		final ExplanationEngine whole = new ExplanationEngine(adapted).cropping(Cropping.OFF), cropped = new ExplanationEngine(adapted);
		whole.explain(first.image, Target.ofClass(first.organ), occlusion, Mode.ROI, first.roi, margin);
		cropped.explain(first.image, Target.ofClass(first.organ), occlusion, Mode.ROI, first.roi, margin);
		final Tally nativeWhole = new Tally(), nativeCropped = new Tally();
		double nativeDifference = 0;
		String nativeReason = "";
		final double[] s = new double[1];
		System.out.println("crop: the native grid");
		for (final Case c : cases) {
			final Explanation a = timed(whole, c.image, Target.ofClass(c.organ), occlusion, c.roi, margin, repeats, s);
			nativeWhole.add(a, s[0], null);
			final Explanation e = timed(cropped, c.image, Target.ofClass(c.organ), occlusion, c.roi, margin, repeats, s);
			nativeCropped.add(e, s[0], null);
			nativeDifference = Math.max(nativeDifference, maxDifference(a, e));
			nativeReason = String.valueOf(e.parameters().get("evaluation_reason"));
		}

		// large slices: one case per organ, once each (a whole-image explanation takes minutes there)
		final int k = scale();
		final Occlusion big8 = Occlusion.builder().window(occlusion.window() * k).stride(occlusion.stride() * k).fill(occlusion.fill()).build();
		final Roi warm = io.github.xaiclip.roi.Rois.rectangle(large, large, large / 2, large / 2, 4, 4);
		final ExplanationEngine croppedLarge = new ExplanationEngine(unet), wholeLarge = new ExplanationEngine(unet).cropping(Cropping.OFF);
		wholeLarge.explain(firstLarge.image, Target.ofClass(firstLarge.source.organ).over(firstLarge.truth), big8, Mode.ROI, warm, 0);
		croppedLarge.explain(firstLarge.image, Target.ofClass(firstLarge.source.organ).over(firstLarge.truth), big8, Mode.ROI, warm, 0);
		final StringBuilder perOrgan = new StringBuilder();
		final Tally largeWhole = new Tally(), largeCropped = new Tally();
		double largeDifference = 0;
		String largeReason = "";
		for (final Map.Entry<String, Large> entry : big.entrySet()) {
			final Large l = entry.getValue();
			final Target target = Target.ofClass(l.source.organ).over(l.truth);
			System.out.printf(Locale.ROOT, "crop: %dx%d, %s%n", large, large, entry.getKey());
			final Explanation a = timed(wholeLarge, l.image, target, big8, l.roi, l.margin, 1, s);
			final double wholeSeconds = s[0];
			largeWhole.add(a, s[0], null);
			final Explanation e = timed(croppedLarge, l.image, target, big8, l.roi, l.margin, 1, s);
			largeCropped.add(e, s[0], null);
			final double d = maxDifference(a, e);
			largeDifference = Math.max(largeDifference, d);
			largeReason = String.valueOf(e.parameters().get("evaluation_reason"));
			perOrgan.append(String.format(Locale.ROOT, "| %s (z=%d) | %d | %.1f | %.1f | %.1fx | %.2f | %.2f | %.1fx | %.1e |%n", entry.getKey(), l.source.z,
				a.evaluations(), a.pixels() * 1e-6, e.pixels() * 1e-6, a.pixels() / (double) e.pixels(), wholeSeconds, s[0], wholeSeconds / s[0], d));
		}

		b.append(String.format(Locale.ROOT, "**Per explanation** (roi occlusion, mean over the cases; model pixels in millions, the unperturbed "
			+ "reference included; seconds: median of %d repeats at the native grid, one run on the large slices):%n%n", repeats));
		b.append("| slices | cases | window/stride | path | evaluations | model pixels (M) | seconds | largest difference of the maps |\n"
			+ "| --- | ---: | --- | --- | ---: | ---: | ---: | ---: |\n");
		row(b, String.format(Locale.ROOT, "native %dx%d", w, h), occlusion, "whole image", nativeWhole, "");
		row(b, String.format(Locale.ROOT, "native %dx%d", w, h), occlusion, "cropped", nativeCropped, String.format(Locale.ROOT, "%.1e", nativeDifference));
		row(b, large + "x" + large, big8, "whole image", largeWhole, "");
		row(b, large + "x" + large, big8, "cropped", largeCropped, String.format(Locale.ROOT, "%.1e", largeDifference));
		b.append(String.format(Locale.ROOT, "%nOn the large slices, by organ:%n%n| organ | evaluations | whole-image pixels (M) | cropped pixels (M) "
			+ "| fewer pixels | whole-image s | cropped s | less time | largest difference |%n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |%n"));
		b.append(perOrgan);
		final double pixelsLarge = largeWhole.pixels / largeCropped.pixels, timeLarge = largeWhole.seconds / largeCropped.seconds;
		final double pixelsNative = nativeWhole.pixels / nativeCropped.pixels, timeNative = nativeWhole.seconds / nativeCropped.seconds;
		b.append(String.format(Locale.ROOT, "%n**Reading.** On %dx%d slices, cropping needs %.1fx fewer model pixels (goal >= 5x: %s) and %.1fx less "
			+ "time (goal >= 3x: %s) per explanation (%s), and the maps agree with the whole image's to %.1e (goal <= 1e-4: %s). At the native grid "
			+ "(%dx%d) the crop is nearly the whole slice: %s, so cropping saves %.2fx of the pixels and %.2fx of the time; the maps agree to %.1e. "
			+ "A crop must hold the window and twice the radius on each side (%d + 4 x %d px), which only pays on images several times larger "
			+ "than that.%n", large, large, pixelsLarge, pixelsLarge >= 5 ? "met" : "missed", timeLarge, timeLarge >= 3 ? "met" : "missed", largeReason,
			largeDifference, largeDifference <= 1e-4 ? "met" : "missed", w, h, nativeReason, pixelsNative, timeNative, nativeDifference, occlusion.window(),
			adapted.receptiveField().radius()));
		return b.toString();
	}

	private static void row(final StringBuilder b, final String slices, final Occlusion o, final String path, final Tally t, final String difference) {
		b.append(String.format(Locale.ROOT, "| %s | %d | %d/%d | %s | %.0f | %.2f | %.3f | %s |%n", slices, t.n, o.window(), o.stride(), path,
			t.evaluations / t.n, t.pixels / t.n * 1e-6, t.seconds / t.n, difference));
	}

	/**
	 * Adaptive against plain roi occlusion (both cropped where it pays), per organ at the native grid; and the model
	 * pixels of the paper's setting (full mode, whole image) against roi, roi + crop and roi + crop + refinement,
	 * per organ at the native grid and on the large slices.
	 */
	String refinement(final int[] fine, final int[] coarse, final double fraction) {
		final StringBuilder b = new StringBuilder();
		final double margin = marginMm / px[0];
		final Occlusion plain = Occlusion.builder().window(fine[0]).stride(fine[1]).build();
		final Occlusion adaptive = Occlusion.builder().window(fine[0]).stride(fine[1]).refine(coarse[0], coarse[1], fraction).build();
		final ExplanationEngine engine = new ExplanationEngine(adapted);
		final Map<String, Tally> plainBy = new LinkedHashMap<>(), adaptiveBy = new LinkedHashMap<>();
		final Map<String, double[]> pixelsBy = new LinkedHashMap<>(); // paper setting, roi, roi + crop, roi + crop + refine
		final Tally plainAll = new Tally(), adaptiveAll = new Tally();
		final double[] s = new double[1];
		System.out.println("refine: the native grid");
		for (final Case c : cases) {
			final Explanation p = timed(engine, c.image, Target.ofClass(c.organ), plain, c.roi, margin, 1, s);
			plainBy.computeIfAbsent(c.organ, k -> new Tally()).add(p, s[0], c.truth);
			plainAll.add(p, s[0], c.truth);
			final Explanation a = timed(engine, c.image, Target.ofClass(c.organ), adaptive, c.roi, margin, 1, s);
			adaptiveBy.computeIfAbsent(c.organ, k -> new Tally()).add(a, s[0], c.truth);
			adaptiveAll.add(a, s[0], c.truth);
			final int w = p.width(), h = p.height();
			final double[] px4 = pixelsBy.computeIfAbsent(c.organ, k -> new double[4]);
			px4[0] += (plain.windows(w, h, null).length + 1.0) * w * h;
			px4[1] += p.evaluations() * (double) w * h;
			px4[2] += p.pixels();
			px4[3] += a.pixels();
		}
		b.append(String.format(Locale.ROOT, "Adaptive occlusion explains with %dx%d windows at stride %d first, then with the small %dx%d windows at "
			+ "stride %d only where the coarse saliency reaches %.2f of its maximum; the map there is plain occlusion's, elsewhere the coarse one "
			+ "scaled to the small windows. Roi mode (the text region grown by %.0f mm), the organ's class over the model's own prediction, each case "
			+ "once; Dice and IoU binarize the saliency at the organ's area.%n%n", coarse[0], coarse[0], coarse[1], fine[0], fine[0], fine[1], fraction,
			marginMm));
		b.append("| organ | cases | plain evaluations | adaptive evaluations | ratio | plain Dice | adaptive Dice | change | plain IoU | adaptive IoU "
			+ "| change |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
		for (final String organ : plainBy.keySet())
			refineRow(b, organ, plainBy.get(organ), adaptiveBy.get(organ));
		refineRow(b, "all", plainAll, adaptiveAll);
		// the fraction's trade-off over all cases: the same small and coarse windows, other fractions
		final java.util.TreeSet<Double> fractions = new java.util.TreeSet<>(java.util.Arrays.asList(0.3, 0.5, 0.7));
		fractions.add(fraction);
		final StringBuilder sweep = new StringBuilder();
		for (final double f : fractions) {
			final Tally t;
			if (f == fraction) t = adaptiveAll;
			else {
				System.out.printf(Locale.ROOT, "refine: fraction %.2f%n", f);
				t = new Tally();
				final Occlusion o = Occlusion.builder().window(fine[0]).stride(fine[1]).refine(coarse[0], coarse[1], f).build();
				for (final Case c : cases)
					t.add(timed(engine, c.image, Target.ofClass(c.organ), o, c.roi, margin, 1, s), s[0], c.truth);
			}
			sweep.append(String.format(Locale.ROOT, "| %.2f | %.0f | %.2f | %.3f | %+.3f | %.3f | %+.3f |%n", f, t.evaluations / t.n, t.evaluations / plainAll.evaluations,
				t.dice / t.n, (t.dice - plainAll.dice) / t.n, t.iou / t.n, (t.iou - plainAll.iou) / t.n));
		}
		final double ratio = adaptiveAll.evaluations / plainAll.evaluations;
		final double dDice = (adaptiveAll.dice - plainAll.dice) / plainAll.n, dIou = (adaptiveAll.iou - plainAll.iou) / plainAll.n;
		double worst = 0;
		for (final String organ : plainBy.keySet()) {
			final Tally p = plainBy.get(organ), a = adaptiveBy.get(organ);
			worst = Math.max(worst, Math.max(Math.abs(a.dice - p.dice), Math.abs(a.iou - p.iou)) / p.n);
		}
		b.append(String.format(Locale.ROOT, "%nAdaptive occlusion needs %.2fx the evaluations of plain roi occlusion (goal <= 0.3x: %s), with Dice "
			+ "%+.3f and IoU %+.3f over all cases (goal: within 0.02: %s; the largest change of one organ's mean is %.3f).%n", ratio,
			ratio <= 0.3 ? "met" : "missed", dDice, dIou, Math.abs(dDice) <= 0.02 && Math.abs(dIou) <= 0.02 ? "met" : "missed", worst));
		if (ratio > 0.3) b.append("What limits the saving here: each organ fills most of its text region, and occluding any part of the organ lowers its mean "
			+ "probability, so the coarse saliency is high over most of the region and the small windows are needed over most of it; a higher "
			+ "fraction leaves the organ's rim to the coarse windows, which is where the area-matched Dice is decided. Refinement pays where the "
			+ "region is much larger than what the prediction depends on.\n");

		b.append(String.format(Locale.ROOT, "%nThe fraction trades evaluations for agreement with plain occlusion (all %d cases; plain: %.0f evaluations, "
			+ "Dice %.3f, IoU %.3f):%n%n| fraction | evaluations | ratio | Dice | change | IoU | change |%n| ---: | ---: | ---: | ---: | ---: | ---: | ---: |%n",
			plainAll.n, plainAll.evaluations / plainAll.n, plainAll.dice / plainAll.n, plainAll.iou / plainAll.n));
		b.append(sweep);

		// large slices: the same comparison once per organ, with windows scaled to the slices
		final int k = scale();
		final Occlusion plainLarge = Occlusion.builder().window(fine[0] * k).stride(fine[1] * k).build();
		final Occlusion adaptiveLarge = Occlusion.builder().window(fine[0] * k).stride(fine[1] * k).refine(coarse[0] * k, coarse[1] * k, fraction).build();
		final ExplanationEngine unetEngine = new ExplanationEngine(unet);
		final StringBuilder largeRows = new StringBuilder();
		final Map<String, double[]> largePixels = new LinkedHashMap<>();
		for (final Map.Entry<String, Large> entry : largeCases().entrySet()) {
			final Large l = entry.getValue();
			System.out.printf(Locale.ROOT, "refine: %dx%d, %s%n", large, large, entry.getKey());
			final Target target = Target.ofClass(l.source.organ).over(l.truth);
			final Explanation p = timed(unetEngine, l.image, target, plainLarge, l.roi, l.margin, 1, s);
			final double plainSeconds = s[0];
			final Explanation a = timed(unetEngine, l.image, target, adaptiveLarge, l.roi, l.margin, 1, s);
			final SaliencyMetrics.Overlap op = SaliencyMetrics.overlap(p.saliency(), l.truth), oa = SaliencyMetrics.overlap(a.saliency(), l.truth);
			largeRows.append(String.format(Locale.ROOT, "| %s (z=%d) | %d | %d | %.2f | %.3f | %.3f | %.3f | %.3f | %.1f | %.1f |%n", entry.getKey(),
				l.source.z, p.evaluations(), a.evaluations(), a.evaluations() / (double) p.evaluations(), op.dice, oa.dice, op.iou, oa.iou, plainSeconds,
				s[0]));
			largePixels.put(entry.getKey(), new double[] { (plainLarge.windows(large, large, null).length + 1.0) * large * large,
				p.evaluations() * (double) large * large, p.pixels(), a.pixels() });
		}
		b.append(String.format(Locale.ROOT, "%nOn the %dx%d slices (the organ's largest case; windows %d/%d, coarse %d/%d; the organ's class over its "
			+ "mask, since the model does not segment such fine pixels; seconds of one run, both cropped):%n%n", large, large, fine[0] * k, fine[1] * k,
			coarse[0] * k, coarse[1] * k));
		b.append("| organ | plain evaluations | adaptive evaluations | ratio | plain Dice | adaptive Dice | plain IoU | adaptive IoU | plain s | adaptive s |\n"
			+ "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
		b.append(largeRows);
		b.append("\nThe U-Net was trained on 3 mm pixels and hardly segments the smaller organs on pixels a quarter that size, so their saliency "
			+ "does not follow the organ's mask there (low Dice for plain and adaptive alike): these rows are about cost, the native ones above "
			+ "about agreement.\n");

		b.append(String.format(Locale.ROOT, "%n**Total reduction of model work against the paper's setting.** Model pixels per explanation (millions; "
			+ "the unperturbed reference included) of occlusion with the %dx%d windows (%dx%d on the large slices): the paper's setting, full mode on "
			+ "the whole image, and roi mode (both counted: windows + 1 whole images), then measured: roi with cropping, and roi with cropping and "
			+ "refinement. The last column is the one figure per organ: how many times less model work ROI + crop + refinement does than the "
			+ "paper's setting.%n%n", fine[0], fine[0], fine[0] * k, fine[0] * k));
		b.append("| organ | slices | paper's setting | roi | roi + crop | roi + crop + refine | total reduction |\n"
			+ "| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
		for (final String organ : pixelsBy.keySet()) {
			final double[] v = pixelsBy.get(organ);
			final double n = plainBy.get(organ).n;
			b.append(String.format(Locale.ROOT, "| %s | native, %.0f case%s | %.1f | %.1f | %.1f | %.1f | **%.0fx** |%n", organ, n, n == 1 ? "" : "s", v[0] / n * 1e-6, v[1] / n * 1e-6,
				v[2] / n * 1e-6, v[3] / n * 1e-6, v[0] / v[3]));
		}
		for (final Map.Entry<String, double[]> e : largePixels.entrySet()) {
			final double[] v = e.getValue();
			b.append(String.format(Locale.ROOT, "| %s | %dx%d, 1 case | %.1f | %.1f | %.1f | %.1f | **%.0fx** |%n", e.getKey(), large, large, v[0] * 1e-6,
				v[1] * 1e-6, v[2] * 1e-6, v[3] * 1e-6, v[0] / v[3]));
		}
		return b.toString();
	}

	private static void refineRow(final StringBuilder b, final String organ, final Tally p, final Tally a) {
		b.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.2f | %.3f | %.3f | %+.3f | %.3f | %.3f | %+.3f |%n", organ, p.n, p.evaluations / p.n,
			a.evaluations / a.n, a.evaluations / p.evaluations, p.dice / p.n, a.dice / a.n, (a.dice - p.dice) / p.n, p.iou / p.n, a.iou / a.n,
			(a.iou - p.iou) / p.n));
	}
}
