package io.github.xaiclip.pipeline;

import java.util.Locale;

import io.github.xaiclip.explain.Explanation;
import io.github.xaiclip.metrics.SaliencyMetrics;
import io.github.xaiclip.model.PackedImage;
import io.github.xaiclip.roi.Roi;

/** The explanation of one slice with what it is shown and scored with: region, ground truth, metrics. */
public final class SliceResult {

	/** The columns of the results table and CSV files, in order. */
	public static final String[] COLUMNS = { "image", "slice", "target", "method", "mode", "evaluations", "seconds", "roi_fraction", "dice", "iou",
		"deletion_auc", "insertion_auc", "pointing_hit" };

	private final String image;
	private final int slice;
	private final Explanation explanation;
	private final Roi roi, truth;
	private final PackedImage segInput;
	private final float[] similarity;
	private final SaliencyMetrics.Overlap overlap;
	private final double deletionAuc, insertionAuc;

	SliceResult(final String image, final int slice, final Explanation explanation, final Roi roi, final Roi truth, final PackedImage segInput,
		final float[] similarity, final SaliencyMetrics.Overlap overlap, final double deletionAuc, final double insertionAuc)
	{
		this.image = image;
		this.slice = slice;
		this.explanation = explanation;
		this.roi = roi;
		this.truth = truth;
		this.segInput = segInput;
		this.similarity = similarity;
		this.overlap = overlap;
		this.deletionAuc = deletionAuc;
		this.insertionAuc = insertionAuc;
	}

	public String image() {
		return image;
	}

	/** 1-based, as Fiji counts. */
	public int slice() {
		return slice;
	}

	public Explanation explanation() {
		return explanation;
	}

	public int width() {
		return explanation.width();
	}

	public int height() {
		return explanation.height();
	}

	/** The region of interest before its margin, or null. */
	public Roi roi() {
		return roi;
	}

	/** The ground truth, or null. */
	public Roi truth() {
		return truth;
	}

	/** The slice as the segmentation model received it (preprocessed), for display. */
	public float[] preprocessed() {
		return segInput.data();
	}

	/** The text prompt's similarity map, or null. */
	public float[] similarity() {
		return similarity;
	}

	/** Overlap with the ground truth, or null without one. */
	public SaliencyMetrics.Overlap overlap() {
		return overlap;
	}

	/** NaN when not computed. */
	public double deletionAuc() {
		return deletionAuc;
	}

	/** NaN when not computed. */
	public double insertionAuc() {
		return insertionAuc;
	}

	/** The values of {@link #COLUMNS}: strings and numbers (NaN where there is nothing to report). */
	public Object[] row() {
		final Explanation e = explanation;
		return new Object[] { image, slice, e.targetClass(), e.method(), e.mode().id(), e.evaluations(), e.seconds(), e.roiFraction(),
			overlap == null ? Double.NaN : overlap.dice, overlap == null ? Double.NaN : overlap.iou, deletionAuc, insertionAuc,
			overlap == null ? "" : overlap.pointingHit ? "1" : "0" };
	}

	/** {@link #COLUMNS} as a CSV line. */
	public static String csvHeader() {
		return String.join(",", COLUMNS);
	}

	/** {@link #row()} as a CSV line; empty fields where there is nothing to report. */
	public String csvLine() {
		final StringBuilder b = new StringBuilder();
		for (final Object v : row()) {
			if (b.length() > 0) b.append(',');
			b.append(csv(v));
		}
		return b.toString();
	}

	private static String csv(final Object v) {
		if (v instanceof Double) {
			final double d = (Double) v;
			return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.4f", d);
		}
		final String s = String.valueOf(v);
		return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
	}
}
