package io.github.xaiclip.roi;

import java.util.Arrays;

import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/** Regions, and region sources, that need no model: from a mask, a label image, a rectangle or a polygon. */
public final class Rois {

	private Rois() {}

	/** The pixels of a 2D mask image that are not zero. */
	public static Roi fromMask(final RandomAccessibleInterval<? extends RealType<?>> mask, final String source) {
		return fromPredicate(mask, source, v -> v != 0);
	}

	/** The pixels of a 2D label image equal to {@code value}. */
	public static Roi fromLabel(final RandomAccessibleInterval<? extends RealType<?>> labels, final double value, final String source) {
		if (!Double.isFinite(value)) throw new IllegalArgumentException(source + ": label value must be finite, got " + value);
		return fromPredicate(labels, source + " (label " + format(value) + ")", v -> v == value);
	}

	/** The pixels whose centres lie in the rectangle {@code [x, x + w) x [y, y + h)}, clipped to the image. */
	public static Roi rectangle(final int width, final int height, final int x, final int y, final int w, final int h) {
		if (w < 1 || h < 1) throw new IllegalArgumentException("roi rectangle: expected a positive size, got " + w + "x" + h);
		final int x0 = Math.max(0, x), y0 = Math.max(0, y), x1 = (int) Math.min(width, (long) x + w), y1 = (int) Math.min(height, (long) y + h);
		if (x0 >= x1 || y0 >= y1)
			throw new IllegalArgumentException("roi rectangle: (x=" + x + ", y=" + y + ", " + w + "x" + h + ") lies outside the " + width + "x" + height + " image");
		final boolean[] m = new boolean[width * height];
		for (int yy = y0; yy < y1; yy++)
			Arrays.fill(m, yy * width + x0, yy * width + x1, true);
		return Roi.ofMask(width, height, m, "roi rectangle");
	}

	/**
	 * The pixels whose centres {@code (x + 0.5, y + 0.5)} lie inside the polygon (even-odd rule), as ImageJ fills a
	 * polygon selection. Vertices in pixel coordinates, the top-left corner of the image at (0, 0).
	 */
	public static Roi polygon(final int width, final int height, final double[] xs, final double[] ys) {
		if (xs.length != ys.length || xs.length < 3)
			throw new IllegalArgumentException("roi polygon: expected >= 3 vertices with as many x as y, got " + xs.length + " x and " + ys.length + " y");
		final boolean[] m = new boolean[width * height];
		final int n = xs.length;
		for (int y = 0; y < height; y++) {
			final double cy = y + 0.5;
			for (int x = 0; x < width; x++) {
				final double cx = x + 0.5;
				boolean inside = false;
				for (int i = 0, j = n - 1; i < n; j = i++)
					if ((ys[i] > cy) != (ys[j] > cy) && cx < (xs[j] - xs[i]) * (cy - ys[i]) / (ys[j] - ys[i]) + xs[i]) inside = !inside;
				m[y * width + x] = inside;
			}
		}
		if (!any(m)) throw new IllegalArgumentException("roi polygon: no pixel centre of the " + width + "x" + height + " image lies inside it");
		return Roi.ofMask(width, height, m, "roi polygon");
	}

	/** A source that always gives {@code roi}, checking that it fits the image. */
	public static RoiSource fixed(final Roi roi, final String description) {
		return new RoiSource() {

			@Override
			public Roi regionFor(final RandomAccessibleInterval<? extends RealType<?>> image) {
				checkGrid(image, roi.width(), roi.height(), description);
				return roi;
			}

			@Override
			public String describe() {
				return description;
			}
		};
	}

	/** A source reading the pixels of {@code labels} equal to {@code value}. */
	public static RoiSource label(final RandomAccessibleInterval<? extends RealType<?>> labels, final double value, final String name) {
		return new RoiSource() {

			@Override
			public Roi regionFor(final RandomAccessibleInterval<? extends RealType<?>> image) {
				checkGrid(image, labels.dimension(0), labels.dimension(1), name);
				return fromLabel(labels, value, name);
			}

			@Override
			public String describe() {
				return "label " + format(value) + " of " + name;
			}
		};
	}

	/** A source reading the non-zero pixels of {@code mask}. */
	public static RoiSource mask(final RandomAccessibleInterval<? extends RealType<?>> mask, final String name) {
		return new RoiSource() {

			@Override
			public Roi regionFor(final RandomAccessibleInterval<? extends RealType<?>> image) {
				checkGrid(image, mask.dimension(0), mask.dimension(1), name);
				return fromMask(mask, name);
			}

			@Override
			public String describe() {
				return "mask " + name;
			}
		};
	}

	/** Refuses a region whose grid differs from the image's. */
	public static void checkGrid(final RandomAccessibleInterval<?> image, final long width, final long height, final String source) {
		if (image.dimension(0) != width || image.dimension(1) != height)
			throw new IllegalArgumentException(source + ": " + width + "x" + height + " does not match the " + image.dimension(0) + "x" + image.dimension(1) + " image");
	}

	private interface ValueTest {

		boolean test(double v);
	}

	private static Roi fromPredicate(final RandomAccessibleInterval<? extends RealType<?>> img, final String source, final ValueTest test) {
		if (img.numDimensions() != 2)
			throw new IllegalArgumentException(source + ": expected a 2D image, got " + img.numDimensions() + " dimensions");
		if (img.dimension(0) * img.dimension(1) > Integer.MAX_VALUE - 8)
			throw new IllegalArgumentException(source + ": too large (" + img.dimension(0) + "x" + img.dimension(1) + ")");
		final int w = (int) img.dimension(0), h = (int) img.dimension(1);
		final boolean[] m = new boolean[w * h];
		final Cursor<? extends RealType<?>> c = Views.flatIterable(Views.zeroMin(img)).cursor();
		for (int p = 0; c.hasNext(); p++)
			m[p] = test.test(c.next().getRealDouble());
		return Roi.ofMask(w, h, m, source);
	}

	private static boolean any(final boolean[] m) {
		for (final boolean b : m)
			if (b) return true;
		return false;
	}

	private static String format(final double v) {
		return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
	}
}
