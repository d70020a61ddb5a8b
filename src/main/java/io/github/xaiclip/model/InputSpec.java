package io.github.xaiclip.model;

/**
 * The input rules a model declares: how many channels it takes and which image sizes it accepts (any size, a fixed
 * size, or sizes that are a multiple of a number, as fully convolutional networks with pooling need).
 */
public final class InputSpec {

	private final int channels;
	private final int fixedWidth;
	private final int fixedHeight;
	private final int multipleOf;

	private InputSpec(final int channels, final int fixedWidth, final int fixedHeight, final int multipleOf) {
		if (channels < 1) throw new IllegalArgumentException("channels: expected >= 1, got " + channels);
		if (multipleOf < 1) throw new IllegalArgumentException("multiple_of: expected >= 1, got " + multipleOf);
		this.channels = channels;
		this.fixedWidth = fixedWidth;
		this.fixedHeight = fixedHeight;
		this.multipleOf = multipleOf;
	}

	/** Any width and height; {@code channels} values per pixel. */
	public static InputSpec any(final int channels) {
		return new InputSpec(channels, 0, 0, 1);
	}

	/** Exactly {@code width} x {@code height}. */
	public static InputSpec fixed(final int channels, final int width, final int height) {
		if (width < 1 || height < 1)
			throw new IllegalArgumentException("size: expected a positive width and height, got " + width + "x" + height);
		return new InputSpec(channels, width, height, 1);
	}

	/** Width and height each a multiple of {@code n}. */
	public static InputSpec multipleOf(final int channels, final int n) {
		return new InputSpec(channels, 0, 0, n);
	}

	public int channels() {
		return channels;
	}

	public boolean isFixed() {
		return fixedWidth > 0;
	}

	/** The fixed width, or 0 when the size is not fixed. */
	public int fixedWidth() {
		return fixedWidth;
	}

	/** The fixed height, or 0 when the size is not fixed. */
	public int fixedHeight() {
		return fixedHeight;
	}

	/** 1 when any size goes. */
	public int multipleOf() {
		return multipleOf;
	}

	/** Whether an image of this size can be fed as it is. */
	public boolean accepts(final long width, final long height) {
		if (isFixed()) return width == fixedWidth && height == fixedHeight;
		return width > 0 && height > 0 && width % multipleOf == 0 && height % multipleOf == 0;
	}

	@Override
	public String toString() {
		final String size = isFixed() ? fixedWidth + "x" + fixedHeight : multipleOf > 1 ? "multiple of " + multipleOf : "any size";
		return channels + " channel(s), " + size;
	}
}
