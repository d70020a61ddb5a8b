package io.github.xaiclip.explain;

import java.util.Locale;

import io.github.xaiclip.model.PackedImage;

/**
 * What perturbed pixels are replaced with: zero (after preprocessing), the image's mean, a blurred copy of the
 * image, or a constant. Each gives a baseline image of the same size as the input.
 */
public final class Fill {

	private enum Kind {
		ZERO, MEAN, BLUR, CONSTANT
	}

	private final Kind kind;
	private final double value;

	private Fill(final Kind kind, final double value) {
		this.kind = kind;
		this.value = value;
	}

	public static Fill zero() {
		return new Fill(Kind.ZERO, 0);
	}

	/** The mean of each channel over the image. */
	public static Fill mean() {
		return new Fill(Kind.MEAN, 0);
	}

	/** A Gaussian-blurred copy of the image, {@code sigma} in pixels. */
	public static Fill blur(final double sigma) {
		if (!(sigma > 0) || Double.isInfinite(sigma)) throw new IllegalArgumentException("fill: blur sigma must be a positive number of pixels, got " + sigma);
		return new Fill(Kind.BLUR, sigma);
	}

	public static Fill constant(final double value) {
		if (!Double.isFinite(value)) throw new IllegalArgumentException("fill: constant must be finite, got " + value);
		return new Fill(Kind.CONSTANT, value);
	}

	/**
	 * Parses what {@link #toString()} writes: {@code zero}, {@code mean}, {@code blur} (sigma 5), {@code blur:S},
	 * {@code constant:V}.
	 */
	public static Fill parse(final String s) {
		final String t = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
		final int colon = t.indexOf(':');
		final String name = colon < 0 ? t : t.substring(0, colon);
		final String arg = colon < 0 ? null : t.substring(colon + 1).trim();
		try {
			switch (name) {
			case "zero":
				if (arg == null) return zero();
				break;
			case "mean":
				if (arg == null) return mean();
				break;
			case "blur":
				return blur(arg == null ? 5 : Double.parseDouble(arg));
			case "constant":
				if (arg != null) return constant(Double.parseDouble(arg));
				break;
			default:
			}
		}
		catch (final NumberFormatException e) {
			// falls through to the message below
		}
		throw new IllegalArgumentException("fill: expected zero, mean, blur, blur:SIGMA or constant:VALUE, got '" + s + "'");
	}

	/** The baseline image for {@code image}. */
	public PackedImage baseline(final PackedImage image) {
		final int c = image.channels(), n = image.numPixels();
		final float[] in = image.data(), out = new float[in.length];
		switch (kind) {
		case ZERO:
			break;
		case CONSTANT:
			java.util.Arrays.fill(out, (float) value);
			break;
		case MEAN:
			for (int ch = 0; ch < c; ch++) {
				double sum = 0;
				for (int p = 0; p < n; p++)
					sum += in[p * c + ch];
				final float mean = (float) (sum / n);
				for (int p = 0; p < n; p++)
					out[p * c + ch] = mean;
			}
			break;
		case BLUR:
			Gauss.blur(in, out, image.width(), image.height(), c, value);
			break;
		default:
			throw new AssertionError(kind);
		}
		return new PackedImage(image.width(), image.height(), c, out);
	}

	@Override
	public String toString() {
		switch (kind) {
		case BLUR:
			return "blur:" + value;
		case CONSTANT:
			return "constant:" + value;
		default:
			return kind.name().toLowerCase(Locale.ROOT);
		}
	}

	@Override
	public boolean equals(final Object o) {
		return o instanceof Fill && ((Fill) o).kind == kind && ((Fill) o).value == value;
	}

	@Override
	public int hashCode() {
		return kind.hashCode() * 31 + Double.hashCode(value);
	}
}
