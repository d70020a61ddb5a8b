package io.github.xaiclip.roi;

import java.util.Arrays;

import net.imglib2.FinalInterval;
import net.imglib2.Interval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.type.numeric.integer.UnsignedByteType;

/**
 * A region of interest on a 2D image grid: a binary mask with its bounding box. Immutable.
 * <p>
 * Pixels are indexed {@code y * width + x}. A region is never empty: every way of making one refuses an empty mask
 * with a message that names where it came from.
 */
public final class Roi {

	private final int width;
	private final int height;
	private final boolean[] mask;
	private final int minX, minY, maxX, maxY;
	private final int area;

	private Roi(final int width, final int height, final boolean[] mask, final String source) {
		this.width = width;
		this.height = height;
		this.mask = mask;
		int x0 = width, y0 = height, x1 = -1, y1 = -1, n = 0;
		for (int y = 0, p = 0; y < height; y++)
			for (int x = 0; x < width; x++, p++)
				if (mask[p]) {
					n++;
					if (x < x0) x0 = x;
					if (x > x1) x1 = x;
					if (y < y0) y0 = y;
					y1 = y;
				}
		if (n == 0) throw new IllegalArgumentException(source + ": the region is empty (no pixel of the " + width + "x" + height + " image is in it)");
		minX = x0;
		minY = y0;
		maxX = x1;
		maxY = y1;
		area = n;
	}

	/**
	 * A region from a mask over a {@code width x height} grid (copied).
	 *
	 * @param source names the parameter or file the mask came from, for error messages
	 */
	public static Roi ofMask(final int width, final int height, final boolean[] mask, final String source) {
		if (width < 1 || height < 1) throw new IllegalArgumentException(source + ": expected a positive size, got " + width + "x" + height);
		if (mask.length != width * height)
			throw new IllegalArgumentException(source + ": " + mask.length + " mask values do not fill " + width + "x" + height);
		return new Roi(width, height, mask.clone(), source);
	}

	/** The whole {@code width x height} image. */
	public static Roi all(final int width, final int height) {
		final boolean[] m = new boolean[width * height];
		Arrays.fill(m, true);
		return new Roi(width, height, m, "roi");
	}

	public int width() {
		return width;
	}

	public int height() {
		return height;
	}

	public boolean contains(final int x, final int y) {
		return x >= 0 && y >= 0 && x < width && y < height && mask[y * width + x];
	}

	/** Whether pixel {@code y * width + x} is in the region. */
	public boolean contains(final int index) {
		return mask[index];
	}

	/** A copy of the mask, indexed {@code y * width + x}. */
	public boolean[] mask() {
		return mask.clone();
	}

	/** Pixels in the region. */
	public int area() {
		return area;
	}

	/** Area as a fraction of the image. */
	public double areaFraction() {
		return area / (double) (width * height);
	}

	public int minX() {
		return minX;
	}

	public int minY() {
		return minY;
	}

	public int maxX() {
		return maxX;
	}

	public int maxY() {
		return maxY;
	}

	/** The bounding box, inclusive. */
	public Interval bounds() {
		return new FinalInterval(new long[] { minX, minY }, new long[] { maxX, maxY });
	}

	/** Whether any pixel of the rectangle {@code [x, x + w) x [y, y + h)} is in the region. */
	public boolean intersects(final int x, final int y, final int w, final int h) {
		final int xa = Math.max(x, minX), xb = (int) Math.min((long) x + w - 1, maxX);
		final int ya = Math.max(y, minY), yb = (int) Math.min((long) y + h - 1, maxY);
		for (int yy = ya; yy <= yb; yy++)
			for (int xx = xa, p = yy * width + xa; xx <= xb; xx++, p++)
				if (mask[p]) return true;
		return false;
	}

	/** The region grown by {@code margin} pixels (Euclidean distance from pixel centre to pixel centre). */
	public Roi dilate(final double margin) {
		return dilate(margin, 1, 1);
	}

	/**
	 * The region grown by {@code margin} in physical units, for pixels {@code spacingX x spacingY} in the same
	 * units: every pixel whose centre lies within {@code margin} of a region pixel's centre joins the region.
	 */
	public Roi dilate(final double margin, final double spacingX, final double spacingY) {
		if (!(margin >= 0) || Double.isInfinite(margin)) throw new IllegalArgumentException("roi_margin: expected a finite value >= 0, got " + margin);
		if (!(spacingX > 0) || !(spacingY > 0))
			throw new IllegalArgumentException("pixel size: expected positive values, got " + spacingX + " x " + spacingY);
		if (margin == 0) return this;
		final double[] d2 = DistanceTransform.squaredDistanceTo(mask, width, height, spacingX, spacingY);
		final double limit = margin * margin * (1 + 1e-12);
		final boolean[] out = new boolean[mask.length];
		for (int p = 0; p < out.length; p++)
			out[p] = d2[p] <= limit;
		return new Roi(width, height, out, "roi");
	}

	/** Pixels in this region or the other (same grid). */
	public Roi union(final Roi other) {
		checkSameGrid(other);
		final boolean[] out = new boolean[mask.length];
		for (int p = 0; p < out.length; p++)
			out[p] = mask[p] || other.mask[p];
		return new Roi(width, height, out, "roi");
	}

	private void checkSameGrid(final Roi other) {
		if (other.width != width || other.height != height)
			throw new IllegalArgumentException("roi: " + other.width + "x" + other.height + " does not match " + width + "x" + height);
	}

	/** The mask as an 8-bit image, 255 inside. */
	public ArrayImg<UnsignedByteType, ByteArray> toImg() {
		final byte[] b = new byte[mask.length];
		for (int p = 0; p < b.length; p++)
			if (mask[p]) b[p] = (byte) 255;
		return ArrayImgs.unsignedBytes(b, width, height);
	}

	@Override
	public boolean equals(final Object o) {
		return o instanceof Roi && ((Roi) o).width == width && Arrays.equals(((Roi) o).mask, mask);
	}

	@Override
	public int hashCode() {
		return 31 * width + Arrays.hashCode(mask);
	}

	@Override
	public String toString() {
		return "Roi[" + area + " px in [" + minX + ".." + maxX + "] x [" + minY + ".." + maxY + "] of " + width + "x" + height + "]";
	}
}
