package io.github.xaiclip.model;

import java.util.Arrays;

import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * How raw pixel values become model input: the {@code preprocessing} entry of a {@link ModelDescriptor}.
 * <p>
 * Every statistic is computed over the whole image, separately for each channel, in double precision; the result is
 * a new packed float image and the input is never modified. With {@code v} a value and its channel's statistics:
 * <ul>
 * <li>{@code window {min, max}}: {@code (v - min) / (max - min)}, clipped to [0, 1] (a CT window);</li>
 * <li>{@code percentile {low, high}}: {@code (v - p_low) / (p_high - p_low)}, not clipped, where {@code p_q} is the
 * q-th percentile by linear interpolation between the sorted values (numpy's default: with the values sorted
 * ascending as {@code x_0..x_(n-1)}, {@code p_q = x_i + f (x_(i+1) - x_i)} where {@code i + f = q / 100 (n - 1)});</li>
 * <li>{@code zero_mean_unit_variance}: {@code (v - mean) / std}, with the population standard deviation (divided
 * by n, numpy's default);</li>
 * <li>{@code scale_range {min, max}} (default 0, 1): the channel's own range maps linearly onto [min, max],
 * {@code min + (max - min) (v - lo) / (hi - lo)} with {@code lo}, {@code hi} the channel's smallest and largest
 * values;</li>
 * <li>{@code none}: the values as they are.</li>
 * </ul>
 * Where a channel's spread is zero ({@code p_high = p_low}, {@code std = 0}, {@code hi = lo}) the division is by 1,
 * so a constant channel becomes 0 (or {@code min} for scale_range) instead of NaN.
 */
public final class Preprocessing {

	/** The preprocessing types, spelled as in the descriptor. */
	public enum Type {
		WINDOW, PERCENTILE, ZERO_MEAN_UNIT_VARIANCE, SCALE_RANGE, NONE;

		@Override
		public String toString() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}
	}

	private final Type type;
	private final double a;
	private final double b;

	private Preprocessing(final Type type, final double a, final double b) {
		this.type = type;
		this.a = a;
		this.b = b;
	}

	/** {@code (v - min) / (max - min)} clipped to [0, 1]; {@code min < max}. */
	public static Preprocessing window(final double min, final double max) {
		checkRange(min, max);
		return new Preprocessing(Type.WINDOW, min, max);
	}

	/** {@code (v - p_low) / (p_high - p_low)}, not clipped; {@code 0 <= low < high <= 100}. */
	public static Preprocessing percentile(final double low, final double high) {
		if (!(0 <= low && low < high && high <= 100))
			throw new IllegalArgumentException("preprocessing: expected 0 <= low < high <= 100, got low " + low + ", high " + high);
		return new Preprocessing(Type.PERCENTILE, low, high);
	}

	/** {@code (v - mean) / std}. */
	public static Preprocessing zeroMeanUnitVariance() {
		return new Preprocessing(Type.ZERO_MEAN_UNIT_VARIANCE, Double.NaN, Double.NaN);
	}

	/** The image's own range onto [min, max]; {@code min < max}. */
	public static Preprocessing scaleRange(final double min, final double max) {
		checkRange(min, max);
		return new Preprocessing(Type.SCALE_RANGE, min, max);
	}

	/** The values unchanged. */
	public static Preprocessing none() {
		return new Preprocessing(Type.NONE, Double.NaN, Double.NaN);
	}

	private static void checkRange(final double min, final double max) {
		if (!Double.isFinite(min) || !Double.isFinite(max) || !(min < max))
			throw new IllegalArgumentException("preprocessing.max: expected a finite number greater than min (" + min + "), got " + max);
	}

	public Type type() {
		return type;
	}

	/** The window's or the scale range's lower bound. */
	public double min() {
		return parameter(Type.WINDOW, Type.SCALE_RANGE, a, "min");
	}

	/** The window's or the scale range's upper bound. */
	public double max() {
		return parameter(Type.WINDOW, Type.SCALE_RANGE, b, "max");
	}

	/** The lower percentile, in [0, 100]. */
	public double low() {
		return parameter(Type.PERCENTILE, Type.PERCENTILE, a, "low");
	}

	/** The upper percentile, in [0, 100]. */
	public double high() {
		return parameter(Type.PERCENTILE, Type.PERCENTILE, b, "high");
	}

	private double parameter(final Type t1, final Type t2, final double value, final String name) {
		if (type != t1 && type != t2) throw new IllegalStateException("preprocessing " + type + " has no " + name);
		return value;
	}

	/**
	 * Preprocesses a 2D image {@code (x, y)} or a 2D multi-channel image {@code (x, y, c)} of any real type into a new
	 * packed image. The input is read, never written.
	 *
	 * @throws IllegalArgumentException for other dimensionalities, or a value that is not finite
	 */
	public PackedImage apply(final RandomAccessibleInterval<? extends RealType<?>> image) {
		final int n = image.numDimensions();
		if (n != 2 && n != 3)
			throw new IllegalArgumentException("image: expected 2 dimensions (x, y) or 3 (x, y, channel), got " + n);
		final long size = image.dimension(0) * image.dimension(1) * (n == 3 ? image.dimension(2) : 1);
		if (size > Integer.MAX_VALUE - 8)
			throw new IllegalArgumentException("image: too large for one 2D explanation (" + image.dimension(0) + "x" + image.dimension(1) + ")");
		final int w = (int) image.dimension(0), h = (int) image.dimension(1), c = n == 3 ? (int) image.dimension(2) : 1;
		final double[] values = new double[w * h * c];
		final Cursor<? extends RealType<?>> cursor = Views.flatIterable(Views.zeroMin(image)).localizingCursor();
		while (cursor.hasNext()) {
			final double v = cursor.next().getRealDouble();
			final int x = cursor.getIntPosition(0), y = cursor.getIntPosition(1), ch = n == 3 ? cursor.getIntPosition(2) : 0;
			if (!Double.isFinite(v))
				throw new IllegalArgumentException("image: pixel (x=" + x + ", y=" + y + (n == 3 ? ", c=" + ch : "") + ") is " + v + "; expected finite values");
			values[(y * w + x) * c + ch] = v;
		}
		return new PackedImage(w, h, c, transform(values, c));
	}

	/** Preprocesses an already packed image into a new one; {@code image} is not modified. */
	public PackedImage apply(final PackedImage image) {
		final float[] in = image.data();
		final double[] values = new double[in.length];
		for (int i = 0; i < in.length; i++) {
			if (!Float.isFinite(in[i]))
				throw new IllegalArgumentException("image: value " + i + " is " + in[i] + "; expected finite values");
			values[i] = in[i];
		}
		return new PackedImage(image.width(), image.height(), image.channels(), transform(values, image.channels()));
	}

	/** Channel by channel: {@code out = offset + (v - shift) * scale}, clipped for a window. */
	private float[] transform(final double[] values, final int channels) {
		final float[] out = new float[values.length];
		final int pixels = values.length / channels;
		for (int ch = 0; ch < channels; ch++) {
			final double shift, divisor;
			double offset = 0, span = 1;
			switch (type) {
			case WINDOW:
				shift = a;
				divisor = b - a;
				break;
			case PERCENTILE: {
				final double[] sorted = channel(values, channels, ch);
				Arrays.sort(sorted);
				shift = percentile(sorted, a);
				divisor = percentile(sorted, b) - shift;
				break;
			}
			case ZERO_MEAN_UNIT_VARIANCE: {
				double sum = 0;
				for (int p = 0; p < pixels; p++)
					sum += values[p * channels + ch];
				shift = sum / pixels;
				double squares = 0;
				for (int p = 0; p < pixels; p++) {
					final double d = values[p * channels + ch] - shift;
					squares += d * d;
				}
				divisor = Math.sqrt(squares / pixels);
				break;
			}
			case SCALE_RANGE: {
				double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
				for (int p = 0; p < pixels; p++) {
					lo = Math.min(lo, values[p * channels + ch]);
					hi = Math.max(hi, values[p * channels + ch]);
				}
				shift = lo;
				divisor = hi - lo;
				offset = a;
				span = b - a;
				break;
			}
			default:
				shift = 0;
				divisor = 1;
			}
			final double scale = span / (divisor == 0 ? 1 : divisor);
			for (int p = 0; p < pixels; p++) {
				final int i = p * channels + ch;
				double v = offset + (values[i] - shift) * scale;
				if (type == Type.WINDOW) v = Math.min(1, Math.max(0, v));
				out[i] = (float) v;
			}
		}
		return out;
	}

	private static double[] channel(final double[] values, final int channels, final int ch) {
		final double[] out = new double[values.length / channels];
		for (int p = 0; p < out.length; p++)
			out[p] = values[p * channels + ch];
		return out;
	}

	/** The q-th percentile (q in [0, 100]) of ascending {@code sorted}, interpolating linearly between neighbours. */
	static double percentile(final double[] sorted, final double q) {
		final double position = q / 100 * (sorted.length - 1);
		final int i = (int) Math.floor(position);
		if (i >= sorted.length - 1) return sorted[sorted.length - 1];
		return sorted[i] + (position - i) * (sorted[i + 1] - sorted[i]);
	}

	@Override
	public String toString() {
		switch (type) {
		case WINDOW:
		case SCALE_RANGE:
			return type + " {min: " + a + ", max: " + b + "}";
		case PERCENTILE:
			return type + " {low: " + a + ", high: " + b + "}";
		default:
			return type.toString();
		}
	}
}
