package io.github.xaiclip.cli;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.xaiclip.explain.Mode;
import io.github.xaiclip.explain.PerturbationMethod;
import io.github.xaiclip.image.Images;
import io.github.xaiclip.image.SliceSource;
import io.github.xaiclip.image.TiffStackWriter;
import io.github.xaiclip.pipeline.Explainer;
import io.github.xaiclip.pipeline.Overlay;
import io.github.xaiclip.pipeline.SliceResult;
import net.imglib2.img.array.ArrayImgs;

/**
 * One input file through the explainer, one slice at a time: the image (and its region and ground-truth images) is
 * read slice by slice and each slice's results are written as soon as they are computed, so that a scan larger than
 * memory can be explained. Every output file is written under a temporary name and renamed when complete; the caller
 * writes {@code results.csv} last, so that a folder with {@code results.csv} is complete.
 */
final class ImageJob implements AutoCloseable {

	/** One explanation per slice: a method in a mode. */
	static final class Run {

		final PerturbationMethod method;
		final Mode mode;

		Run(final PerturbationMethod method, final Mode mode) {
			this.method = method;
			this.mode = mode;
		}
	}

	/** What a job produced: table rows (as {@link SliceResult#row()}) and the slices that could not be explained. */
	static final class Outcome {

		final List<Object[]> rows = new ArrayList<>();
		final List<String> csvLines = new ArrayList<>();
		final List<String> skipped = new ArrayList<>();
	}

	final Path image;
	final String name;
	final SliceSource source, roi, truth;
	/** 1-based slice, or 0 for all. */
	private final int slice;

	/**
	 * Opens the files and checks that they fit together.
	 *
	 * @param slice 1-based slice, 0 for all slices, -1 for "the only slice" (refused for a stack)
	 */
	ImageJob(final Path image, final Path roiFile, final Path truthFile, final int slice) {
		this.image = image;
		this.name = Images.stem(image);
		final SliceSource s = Images.open(image);
		SliceSource r = null, t = null;
		try {
			if (slice == -1 && s.depth() > 1)
				throw new IllegalArgumentException(image + ": has " + s.depth() + " slices; give --slice N (1 to " + s.depth() + ") or --all-slices");
			if (slice > s.depth() || slice < -1) throw new IllegalArgumentException("--slice: " + slice + " is outside " + image + " (1 to " + s.depth() + ")");
			r = roiFile == null ? null : sameGrid(roiFile, s, "region image");
			t = truthFile == null ? null : sameGrid(truthFile, s, "ground truth");
		}
		catch (final RuntimeException e) {
			s.close();
			if (r != null) r.close();
			throw e;
		}
		this.source = s;
		this.roi = r;
		this.truth = t;
		this.slice = slice == -1 ? 1 : slice;
	}

	private SliceSource sameGrid(final Path file, final SliceSource s, final String what) {
		final SliceSource o = Images.open(file);
		if (o.width() != s.width() || o.height() != s.height() || o.depth() != s.depth()) {
			o.close();
			throw new IllegalArgumentException(file + ": the " + what + " is " + o.width() + "x" + o.height() + "x" + o.depth() + "; expected the grid of "
				+ image + ", " + s.width() + "x" + s.height() + "x" + s.depth());
		}
		return o;
	}

	/** The 1-based slice numbers to explain, in the order cheapest to read. */
	int[] slices() {
		if (slice > 0) return new int[] { slice };
		final int[] order = source.readingOrder().clone();
		for (int i = 0; i < order.length; i++)
			order[i]++;
		return order;
	}

	/** Whether the outputs are stacks (all slices of a volume) rather than single images. */
	boolean stack() {
		return slice == 0 && source.depth() > 1;
	}

	Explainer.SliceInput input(final int z) {
		final int w = source.width(), h = source.height();
		final double[] v = source.voxelSizeMm();
		return new Explainer.SliceInput(image.getFileName().toString(), z, ArrayImgs.floats(source.slice(z - 1), w, h),
			v == null ? null : new double[] { v[0], v[1] }, roi == null ? null : ArrayImgs.floats(roi.slice(z - 1), w, h),
			truth == null ? null : ArrayImgs.floats(truth.slice(z - 1), w, h));
	}

	/**
	 * Explains the chosen slices with each run and writes the maps to {@code out}. With all slices, a slice where
	 * the target or region is absent is skipped (listed in the outcome, zero in the maps); a single chosen slice
	 * that cannot be explained is an error. Nothing is left under a final name if this fails.
	 */
	Outcome explain(final Explainer explainer, final List<Run> runs, final Progress progress, final Path out) {
		final Outcome outcome = new Outcome();
		final int[] zs = slices();
		try (Writers writers = new Writers(out)) {
			for (int i = 0; i < zs.length; i++) {
				final Explainer.Prepared prepared;
				try {
					prepared = explainer.prepare(input(zs[i]));
					for (final Run run : runs) {
						progress.slice(name + (runs.size() > 1 ? " " + run.method.name() + " " + run.mode.id() : ""), zs[i], i, zs.length);
						final SliceResult r = explainer.explain(prepared, run.method, run.mode);
						writers.write(r);
						outcome.rows.add(r.row());
						outcome.csvLines.add(r.csvLine());
					}
				}
				catch (final IllegalArgumentException e) {
					if (zs.length == 1) throw e;
					outcome.skipped.add("slice " + zs[i] + ": " + e.getMessage());
				}
			}
			progress.done();
			if (outcome.rows.isEmpty())
				throw new IllegalArgumentException(image + ": no slice could be explained (" + (outcome.skipped.isEmpty() ? "" : outcome.skipped.get(0)) + ")");
			writers.finish();
		}
		return outcome;
	}

	/** The output files' common prefix for one explanation. */
	String prefix(final SliceResult r) {
		return name + "_" + r.explanation().targetClass() + "_" + r.explanation().method() + "_" + r.explanation().mode().id();
	}

	/**
	 * The output images of a job, open until it ends: per run the saliency (32-bit) and the overlay (PNG for one
	 * slice, RGB stack for a volume); once, the region (8-bit mask) and the text similarity. Slices never written are
	 * zero.
	 */
	private final class Writers implements AutoCloseable {

		private final Path out;
		private final Map<String, TiffStackWriter> tiffs = new LinkedHashMap<>();
		private final Map<String, boolean[]> written = new LinkedHashMap<>();
		private final Map<Path, BufferedImage> pngs = new LinkedHashMap<>();

		Writers(final Path out) {
			this.out = out;
			try {
				java.nio.file.Files.createDirectories(out);
			}
			catch (final java.io.IOException e) {
				throw new java.io.UncheckedIOException(out + ": cannot create the folder: " + e.getMessage(), e);
			}
		}

		private TiffStackWriter tiff(final String file, final TiffStackWriter.Kind kind) {
			return tiffs.computeIfAbsent(file, f -> {
				final int depth = stack() ? source.depth() : 1;
				written.put(f, new boolean[depth]);
				return TiffStackWriter.create(out.resolve(f), kind, source.width(), source.height(), depth, source.voxelSizeMm());
			});
		}

		private void put(final String file, final TiffStackWriter.Kind kind, final int z, final Object values) {
			final TiffStackWriter t = tiff(file, kind);
			final int k = stack() ? z - 1 : 0;
			if (values instanceof float[]) t.writeSlice(k, (float[]) values);
			else if (values instanceof byte[]) t.writeSlice(k, (byte[]) values);
			else t.writeSlice(k, (int[]) values);
			written.get(file)[k] = true;
		}

		void write(final SliceResult r) {
			final String p = prefix(r);
			final int z = r.slice(), w = r.width(), h = r.height();
			put(p + "_saliency.tif", TiffStackWriter.Kind.FLOAT32, z, r.explanation().saliencyValues());
			if (stack()) {
				final BufferedImage o = Overlay.of(r, 1);
				put(p + "_overlay.tif", TiffStackWriter.Kind.RGB, z, o.getRGB(0, 0, w, h, null, 0, w));
			}
			else pngs.put(out.resolve(p + "_overlay.png"), Overlay.of(r, zoom(w, h)));
			if (r.roi() != null) {
				final byte[] mask = new byte[w * h];
				for (int i = 0; i < mask.length; i++)
					mask[i] = r.roi().contains(i) ? (byte) 255 : 0;
				put(name + "_roi.tif", TiffStackWriter.Kind.GREY8, z, mask);
			}
			if (r.similarity() != null) put(name + "_similarity.tif", TiffStackWriter.Kind.FLOAT32, z, r.similarity());
		}

		/** Fills the slices never written with zeros, then renames every file into place. */
		void finish() {
			final int n = source.width() * source.height();
			for (final Map.Entry<String, TiffStackWriter> e : tiffs.entrySet()) {
				final boolean[] done = written.get(e.getKey());
				final TiffStackWriter t = e.getValue();
				for (int k = 0; k < done.length; k++)
					if (!done[k]) {
						if (e.getKey().endsWith("_overlay.tif")) t.writeSlice(k, new int[n]);
						else if (e.getKey().endsWith("_roi.tif")) t.writeSlice(k, new byte[n]);
						else t.writeSlice(k, new float[n]);
					}
				t.finish();
			}
			for (final Map.Entry<Path, BufferedImage> e : pngs.entrySet())
				Outputs.png(e.getKey(), e.getValue());
		}

		@Override
		public void close() {
			for (final TiffStackWriter t : tiffs.values())
				t.close();
		}
	}

	/** Enlarges small images so that the overlay PNG is at least about 512 pixels across. */
	static int zoom(final int w, final int h) {
		return Math.max(1, (int) Math.round(512.0 / Math.max(w, h)));
	}

	@Override
	public void close() {
		source.close();
		if (roi != null) roi.close();
		if (truth != null) truth.close();
	}
}
