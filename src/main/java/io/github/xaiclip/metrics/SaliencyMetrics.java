package io.github.xaiclip.metrics;

import java.util.Arrays;

import io.github.xaiclip.roi.Roi;
import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * How well a saliency map agrees with a ground-truth mask of the target structure.
 * <p>
 * The map is binarized in two ways: area-matched (its {@code |GT|} highest pixels, ties broken in raster order, so
 * no threshold is tuned) and by Otsu's threshold. Pointing game: whether the map's maximum lies in the mask.
 */
public final class SaliencyMetrics {

	private SaliencyMetrics() {}

	/** Dice {@code 2|A & B| / (|A| + |B|)}; 0 when both are empty. */
	public static double dice(final boolean[] a, final boolean[] b) {
		checkSize(a.length, b.length);
		long both = 0, na = 0, nb = 0;
		for (int i = 0; i < a.length; i++) {
			if (a[i]) na++;
			if (b[i]) nb++;
			if (a[i] && b[i]) both++;
		}
		return na + nb == 0 ? 0 : 2.0 * both / (na + nb);
	}

	/** Intersection over union {@code |A & B| / |A | B|}; 0 when both are empty. */
	public static double iou(final boolean[] a, final boolean[] b) {
		checkSize(a.length, b.length);
		long both = 0, either = 0;
		for (int i = 0; i < a.length; i++) {
			if (a[i] && b[i]) both++;
			if (a[i] || b[i]) either++;
		}
		return either == 0 ? 0 : both / (double) either;
	}

	/** The {@code k} highest values; among equal values the earlier index wins. */
	public static boolean[] top(final float[] values, final int k) {
		if (k < 0 || k > values.length) throw new IllegalArgumentException("top: k must be in [0, " + values.length + "], got " + k);
		final Integer[] order = new Integer[values.length];
		for (int i = 0; i < order.length; i++)
			order[i] = i;
		Arrays.sort(order, (i, j) -> {
			final int c = Float.compare(values[j], values[i]);
			return c != 0 ? c : Integer.compare(i, j);
		});
		final boolean[] out = new boolean[values.length];
		for (int i = 0; i < k; i++)
			out[order[i]] = true;
		return out;
	}

	/** Otsu's threshold over a 256-bin histogram of the values' range; the range's low end when all are equal. */
	public static double otsuThreshold(final float[] values) {
		float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
		for (final float v : values) {
			lo = Math.min(lo, v);
			hi = Math.max(hi, v);
		}
		if (!(hi > lo)) return lo;
		final int bins = 256;
		final long[] hist = new long[bins];
		final double scale = bins / (double) (hi - lo);
		for (final float v : values)
			hist[Math.min(bins - 1, (int) ((v - lo) * scale))]++;
		final long n = values.length;
		double sumAll = 0;
		for (int i = 0; i < bins; i++)
			sumAll += i * (double) hist[i];
		long nBelow = 0;
		double sumBelow = 0, best = -1;
		int bestBin = 0;
		for (int t = 0; t < bins - 1; t++) {
			nBelow += hist[t];
			sumBelow += t * (double) hist[t];
			final long nAbove = n - nBelow;
			if (nBelow == 0 || nAbove == 0) continue;
			final double m0 = sumBelow / nBelow, m1 = (sumAll - sumBelow) / nAbove;
			final double between = (double) nBelow * nAbove * (m0 - m1) * (m0 - m1);
			if (between > best) {
				best = between;
				bestBin = t;
			}
		}
		return lo + (bestBin + 1) / scale;
	}

	/** Values at or above Otsu's threshold. */
	public static boolean[] otsu(final float[] values) {
		final double t = otsuThreshold(values);
		final boolean[] out = new boolean[values.length];
		boolean constant = true;
		for (final float v : values)
			constant &= v == values[0];
		if (constant) return out;
		for (int i = 0; i < values.length; i++)
			out[i] = values[i] >= t;
		return out;
	}

	/** All the overlap figures of a saliency map against a ground-truth region. */
	public static Overlap overlap(final float[] saliency, final Roi groundTruth) {
		checkSize(saliency.length, groundTruth.width() * groundTruth.height());
		final boolean[] gt = groundTruth.mask();
		final boolean[] matched = top(saliency, groundTruth.area());
		final boolean[] otsu = otsu(saliency);
		return new Overlap(dice(matched, gt), iou(matched, gt), dice(otsu, gt), iou(otsu, gt), pointingHit(saliency, groundTruth, 0));
	}

	/** {@link #overlap(float[], Roi)} of a 2D saliency image. */
	public static Overlap overlap(final RandomAccessibleInterval<? extends RealType<?>> saliency, final Roi groundTruth) {
		if (saliency.numDimensions() != 2 || saliency.dimension(0) != groundTruth.width() || saliency.dimension(1) != groundTruth.height())
			throw new IllegalArgumentException("ground truth: " + groundTruth.width() + "x" + groundTruth.height() + " does not match the saliency map "
				+ Arrays.toString(saliency.dimensionsAsLongArray()));
		return overlap(values(saliency), groundTruth);
	}

	/**
	 * Pointing game: whether the saliency maximum (the first in raster order among equals) lies within
	 * {@code tolerance} pixels of the ground truth.
	 */
	public static boolean pointingHit(final float[] saliency, final Roi groundTruth, final double tolerance) {
		checkSize(saliency.length, groundTruth.width() * groundTruth.height());
		int best = 0;
		for (int i = 1; i < saliency.length; i++)
			if (saliency[i] > saliency[best]) best = i;
		final Roi zone = tolerance > 0 ? groundTruth.dilate(tolerance) : groundTruth;
		return zone.contains(best);
	}

	/** The values of a 2D image in raster order. */
	public static float[] values(final RandomAccessibleInterval<? extends RealType<?>> img) {
		final float[] out = new float[(int) (img.dimension(0) * img.dimension(1))];
		final Cursor<? extends RealType<?>> c = Views.flatIterable(img).cursor();
		for (int i = 0; c.hasNext(); i++)
			out[i] = c.next().getRealFloat();
		return out;
	}

	private static void checkSize(final int a, final int b) {
		if (a != b) throw new IllegalArgumentException("ground truth: " + b + " pixels do not match the " + a + " of the saliency map");
	}

	/** Overlap of a binarized saliency map with the ground truth. */
	public static final class Overlap {

		public final double dice, iou, otsuDice, otsuIou;
		public final boolean pointingHit;

		Overlap(final double dice, final double iou, final double otsuDice, final double otsuIou, final boolean pointingHit) {
			this.dice = dice;
			this.iou = iou;
			this.otsuDice = otsuDice;
			this.otsuIou = otsuIou;
			this.pointingHit = pointingHit;
		}

		@Override
		public String toString() {
			return String.format("dice %.4f, iou %.4f (otsu: dice %.4f, iou %.4f), pointing %s", dice, iou, otsuDice, otsuIou, pointingHit ? "hit" : "miss");
		}
	}
}
