package io.github.xaiclip.model;

import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * One 2D image with its channels packed {@code yxc} (the channel varies fastest), the layout of one item of a
 * {@link SegmentationModel} batch. Perturbations are built on this layout, so a perturbed image goes into a batch
 * with one array copy.
 */
public final class PackedImage {

	private final int width;
	private final int height;
	private final int channels;
	private final float[] data;

	/** Wraps {@code data} (not copied). */
	public PackedImage(final int width, final int height, final int channels, final float[] data) {
		if (width < 1 || height < 1 || channels < 1)
			throw new IllegalArgumentException("image: expected positive width, height and channels, got " + width + "x" + height + "x" + channels);
		if (data.length != (long) width * height * channels)
			throw new IllegalArgumentException("image: " + data.length + " values do not fill " + width + "x" + height + "x" + channels);
		this.width = width;
		this.height = height;
		this.channels = channels;
		this.data = data;
	}

	/**
	 * Packs a 2D image {@code (x, y)} or a 2D multi-channel image {@code (x, y, c)} and checks that every value is
	 * finite.
	 */
	public static PackedImage of(final RandomAccessibleInterval<? extends RealType<?>> image) {
		final int n = image.numDimensions();
		if (n != 2 && n != 3)
			throw new IllegalArgumentException("image: expected 2 dimensions (x, y) or 3 (x, y, channel), got " + n);
		if (image.dimension(0) * image.dimension(1) * (n == 3 ? image.dimension(2) : 1) > Integer.MAX_VALUE - 8)
			throw new IllegalArgumentException("image: too large for one 2D explanation (" + image.dimension(0) + "x" + image.dimension(1) + ")");
		final int w = (int) image.dimension(0), h = (int) image.dimension(1), c = n == 3 ? (int) image.dimension(2) : 1;
		final float[] data = new float[w * h * c];
		final Cursor<? extends RealType<?>> cursor = Views.flatIterable(Views.zeroMin(image)).localizingCursor();
		while (cursor.hasNext()) {
			final float v = cursor.next().getRealFloat();
			final int x = cursor.getIntPosition(0), y = cursor.getIntPosition(1), ch = n == 3 ? cursor.getIntPosition(2) : 0;
			if (!Float.isFinite(v))
				throw new IllegalArgumentException("image: pixel (x=" + x + ", y=" + y + (n == 3 ? ", c=" + ch : "") + ") is " + v + "; expected finite values");
			data[(y * w + x) * c + ch] = v;
		}
		return new PackedImage(w, h, c, data);
	}

	public int width() {
		return width;
	}

	public int height() {
		return height;
	}

	public int channels() {
		return channels;
	}

	public int numPixels() {
		return width * height;
	}

	/** The packed values ({@code yxc}); shared, not copied. */
	public float[] data() {
		return data;
	}

	public float get(final int x, final int y, final int c) {
		return data[(y * width + x) * channels + c];
	}

	/** This image resampled to {@code w x h} (linear, antialiased when shrinking); this image itself when the size is the same. */
	public PackedImage resampled(final int w, final int h) {
		if (w == width && h == height) return this;
		final float[] out = new float[w * h * channels];
		new Resampler(width, height, w, h).resample(data, 0, out, 0, channels);
		return new PackedImage(w, h, channels, out);
	}

	public PackedImage copy() {
		return new PackedImage(width, height, channels, data.clone());
	}

	/** An ImgLib2 view of one channel as a new {@code (x, y)} image. */
	public ArrayImg<FloatType, FloatArray> channel(final int c) {
		final float[] out = new float[width * height];
		for (int p = 0; p < out.length; p++)
			out[p] = data[p * channels + c];
		return ArrayImgs.floats(out, width, height);
	}
}
