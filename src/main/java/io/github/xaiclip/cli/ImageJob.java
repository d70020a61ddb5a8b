package io.github.xaiclip.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import io.github.xaiclip.image.Images;
import io.github.xaiclip.image.Volume;
import io.github.xaiclip.pipeline.Explainer;
import io.github.xaiclip.pipeline.Overlay;
import io.github.xaiclip.pipeline.SliceResult;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * One input file through the explainer: reads it (and its region and ground-truth images), chooses the slices,
 * explains each, and writes the results to a folder — every file under a temporary name first, {@code results.csv}
 * last, so that a folder with {@code results.csv} is complete.
 */
final class ImageJob {

	/** Which slices: a 1-based number, or 0 for all. */
	final Path image, roiFile, truthFile;
	final int slice;
	final Images.Loaded loaded;
	final Volume roi, truth;
	final String name;

	/**
	 * Reads the files and checks that they fit together.
	 *
	 * @param slice 1-based slice, 0 for all slices, -1 for "the only slice" (refused for a stack)
	 */
	ImageJob(final Path image, final Path roiFile, final Path truthFile, final int slice) {
		this.image = image;
		this.roiFile = roiFile;
		this.truthFile = truthFile;
		this.loaded = Images.read(image);
		this.name = Images.stem(image);
		final Volume v = loaded.volume();
		if (slice == -1 && v.depth() > 1)
			throw new IllegalArgumentException(image + ": has " + v.depth() + " slices; give --slice N (1 to " + v.depth() + ") or --all-slices");
		if (slice > v.depth() || slice < -1)
			throw new IllegalArgumentException("--slice: " + slice + " is outside " + image + " (1 to " + v.depth() + ")");
		this.slice = slice == -1 ? 1 : slice;
		this.roi = roiFile == null ? null : sameGrid(roiFile, v, "region image");
		this.truth = truthFile == null ? null : sameGrid(truthFile, v, "ground truth");
	}

	private Volume sameGrid(final Path file, final Volume v, final String what) {
		final Volume o = Images.read(file).volume();
		if (o.width() != v.width() || o.height() != v.height() || o.depth() != v.depth())
			throw new IllegalArgumentException(file + ": the " + what + " is " + o.width() + "x" + o.height() + "x" + o.depth() + "; expected the grid of "
				+ image + ", " + v.width() + "x" + v.height() + "x" + v.depth());
		return o;
	}

	/** The 1-based slice numbers to explain. */
	int[] slices() {
		if (slice > 0) return new int[] { slice };
		final int[] all = new int[loaded.volume().depth()];
		for (int i = 0; i < all.length; i++)
			all[i] = i + 1;
		return all;
	}

	Explainer.SliceInput input(final int z) {
		final Volume v = loaded.volume();
		return new Explainer.SliceInput(image.getFileName().toString(), z, plane(v, z), loaded.pixelSizeMm(), roi == null ? null : plane(roi, z),
			truth == null ? null : plane(truth, z));
	}

	private static RandomAccessibleInterval<FloatType> plane(final Volume v, final int z) {
		return Views.hyperSlice(v.image(), 2, z - 1);
	}

	/** The results of one run over the chosen slices; slices that cannot be explained are listed with the reason. */
	static final class Run {

		final List<SliceResult> results = new ArrayList<>();
		final List<String> skipped = new ArrayList<>();
	}

	/**
	 * Explains the chosen slices. With all slices, a slice where the target or region is absent is skipped (and
	 * listed); a single chosen slice that cannot be explained is an error.
	 */
	Run explain(final Explainer explainer, final Progress progress) {
		final Run run = new Run();
		final int[] zs = slices();
		for (int i = 0; i < zs.length; i++) {
			progress.slice(name, zs[i], i, zs.length);
			try {
				run.results.add(explainer.explain(input(zs[i])));
			}
			catch (final IllegalArgumentException e) {
				if (zs.length == 1) throw e;
				run.skipped.add("slice " + zs[i] + ": " + e.getMessage());
			}
			catch (final CancellationException e) {
				throw e;
			}
		}
		progress.done();
		if (run.results.isEmpty()) throw new IllegalArgumentException(image + ": no slice could be explained (" + run.skipped.get(0) + ")");
		return run;
	}

	/** The output files' common prefix for one method and mode. */
	String prefix(final SliceResult r) {
		return name + "_" + r.explanation().targetClass() + "_" + r.explanation().method() + "_" + r.explanation().mode().id();
	}

	/**
	 * Writes saliency (32-bit TIFF, a stack for several slices, zero on slices not explained), overlay (PNG for one
	 * slice, RGB TIFF stack otherwise), region mask and similarity map, each atomically. Returns the CSV lines.
	 */
	List<String> write(final Path out, final List<SliceResult> results) {
		final Volume v = loaded.volume();
		final int w = v.width(), h = v.height();
		final double[] px = { v.voxelSize()[0], v.voxelSize()[1], v.voxelSize()[2] };
		final boolean stack = slice == 0 && v.depth() > 1;
		final int depth = stack ? v.depth() : 1;
		final List<String> lines = new ArrayList<>();
		final java.util.Map<String, List<SliceResult>> byRun = new java.util.LinkedHashMap<>();
		for (final SliceResult r : results)
			byRun.computeIfAbsent(prefix(r), k -> new ArrayList<>()).add(r);
		boolean regionWritten = false;
		for (final java.util.Map.Entry<String, List<SliceResult>> e : byRun.entrySet()) {
			final float[][] saliency = new float[depth][w * h];
			final java.awt.image.BufferedImage[] overlays = new java.awt.image.BufferedImage[depth];
			final float[][] region = new float[depth][w * h], similarity = new float[depth][];
			boolean anySimilarity = false;
			for (final SliceResult r : e.getValue()) {
				final int k = stack ? r.slice() - 1 : 0;
				saliency[k] = r.explanation().saliencyValues();
				overlays[k] = Overlay.of(r, stack ? 1 : zoom(w, h));
				if (r.roi() != null) for (int p = 0; p < w * h; p++)
					region[k][p] = r.roi().contains(p) ? 255 : 0;
				similarity[k] = r.similarity();
				anySimilarity |= r.similarity() != null;
				lines.add(r.csvLine());
			}
			final String p = e.getKey();
			Outputs.tiff(out.resolve(p + "_saliency.tif"), p + " saliency", saliency, w, h, px);
			if (stack) Outputs.rgbTiff(out.resolve(p + "_overlay.tif"), p + " overlay", overlays, w, h, px);
			else Outputs.png(out.resolve(p + "_overlay.png"), overlays[0]);
			if (!regionWritten && e.getValue().get(0).roi() != null) {
				Outputs.tiff(out.resolve(name + "_roi.tif"), name + " region of interest", region, w, h, px);
				if (anySimilarity) {
					for (int k = 0; k < depth; k++)
						if (similarity[k] == null) similarity[k] = new float[w * h];
					Outputs.tiff(out.resolve(name + "_similarity.tif"), name + " text similarity", similarity, w, h, px);
				}
				regionWritten = true;
			}
		}
		return lines;
	}

	/** Enlarges small images so that the overlay PNG is at least about 512 pixels across. */
	static int zoom(final int w, final int h) {
		return Math.max(1, (int) Math.round(512.0 / Math.max(w, h)));
	}
}
