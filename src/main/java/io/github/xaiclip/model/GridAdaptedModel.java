package io.github.xaiclip.model;

import java.util.List;

/**
 * Lets a model with grid rules of its own explain images on theirs: each image is resampled to the pixel size the
 * model was trained at, resized to the model's fixed size or mirror-padded to its multiple, and the probabilities
 * come back cropped and resampled onto the image's grid. The adapted model accepts any size, so explanations,
 * saliency maps and scores stay on the input grid.
 * <p>
 * Every image of a batch is adapted on its own, so results do not depend on batching. Thread-safe when the
 * wrapped model is.
 */
public final class GridAdaptedModel implements SegmentationModel {

	private final SegmentationModel model;
	private final double scaleX, scaleY;

	private GridAdaptedModel(final SegmentationModel model, final double scaleX, final double scaleY) {
		this.model = model;
		this.scaleX = scaleX;
		this.scaleY = scaleY;
	}

	/**
	 * Adapts {@code model} to images of pixel size {@code imagePixelSize} ({x, y}, in the unit of
	 * {@code modelPixelSize}); either may be null, and then no resampling for pixel size happens.
	 */
	public static SegmentationModel adapt(final SegmentationModel model, final double[] modelPixelSize, final double[] imagePixelSize) {
		double sx = 1, sy = 1;
		if (modelPixelSize != null && imagePixelSize != null) {
			check(modelPixelSize, "model pixel_size");
			check(imagePixelSize, "image pixel size");
			sx = snap(imagePixelSize[0] / modelPixelSize[0]);
			sy = snap(imagePixelSize[1] / modelPixelSize[1]);
		}
		final InputSpec spec = model.inputSpec();
		if (sx == 1 && sy == 1 && !spec.isFixed() && spec.multipleOf() == 1) return model;
		return new GridAdaptedModel(model, sx, sy);
	}

	/**
	 * 1 for a ratio within 1e-5 of it: pixel sizes that differ only by how a file stores them (TIFF keeps a rational
	 * number, 3 mm comes back as 2.9999998) must not resample the image.
	 */
	private static double snap(final double ratio) {
		return Math.abs(ratio - 1) < 1e-5 ? 1 : ratio;
	}

	private static void check(final double[] p, final String name) {
		if (p.length != 2 || !(p[0] > 0) || !(p[1] > 0) || Double.isInfinite(p[0]) || Double.isInfinite(p[1]))
			throw new IllegalArgumentException(name + ": expected two positive sizes {x, y}, got " + java.util.Arrays.toString(p));
	}

	@Override
	public InputSpec inputSpec() {
		return InputSpec.any(model.inputSpec().channels());
	}

	@Override
	public List<String> classNames() {
		return model.classNames();
	}

	/**
	 * The wrapped model's field, in image pixels, when the image reaches the model unresampled: crops then pad at
	 * the image's far edges exactly as the whole image does, provided they start at multiples of the model's size
	 * multiple too, so the stride becomes the least common multiple of both. Global when the image is resampled
	 * (a crop's grid would not be the image's) or resized to a fixed size.
	 */
	@Override
	public ReceptiveField receptiveField() {
		if (scaleX != 1 || scaleY != 1)
			return ReceptiveField.global("the image is resampled to the model's pixel size, so a crop would not fall on the model's grid");
		final InputSpec spec = model.inputSpec();
		if (spec.isFixed()) return ReceptiveField.global("the model takes one fixed size, so a crop would be resized");
		final ReceptiveField f = model.receptiveField();
		if (f == null || f.isGlobal()) return f;
		return ReceptiveField.bounded(f.radius(), lcm(f.stride(), spec.multipleOf()));
	}

	private static int lcm(final int a, final int b) {
		int x = a, y = b;
		while (y != 0) {
			final int t = x % y;
			x = y;
			y = t;
		}
		return a / x * b;
	}

	/** The {@code {width, height}} of the image the model receives for an image of {@code width x height}. */
	public int[] modelGrid(final int width, final int height) {
		final InputSpec spec = model.inputSpec();
		if (spec.isFixed()) return new int[] { spec.fixedWidth(), spec.fixedHeight() };
		final int[] r = resampled(width, height);
		final int m = spec.multipleOf();
		return new int[] { (r[0] + m - 1) / m * m, (r[1] + m - 1) / m * m };
	}

	/** The size after resampling for pixel size (before padding). */
	private int[] resampled(final int width, final int height) {
		final InputSpec spec = model.inputSpec();
		if (spec.isFixed()) return new int[] { spec.fixedWidth(), spec.fixedHeight() };
		return new int[] { Math.max(1, (int) Math.round(width * scaleX)), Math.max(1, (int) Math.round(height * scaleY)) };
	}

	@Override
	public void predict(final float[] input, final int batch, final int height, final int width, final float[] output) {
		final int c = model.inputSpec().channels(), k = model.numClasses();
		final int[] r = resampled(width, height), g = modelGrid(width, height);
		final int rw = r[0], rh = r[1], gw = g[0], gh = g[1];
		final boolean resample = rw != width || rh != height;
		final Resampler down = resample ? new Resampler(width, height, rw, rh) : null;
		final Resampler up = resample ? new Resampler(rw, rh, width, height) : null;
		final float[] in = new float[batch * gw * gh * c], out = new float[batch * gw * gh * k];
		final float[] small = new float[rw * rh * Math.max(c, k)];
		for (int b = 0; b < batch; b++) {
			final float[] src;
			final int srcOff;
			if (resample) {
				down.resample(input, b * width * height * c, small, 0, c);
				src = small;
				srcOff = 0;
			}
			else {
				src = input;
				srcOff = b * width * height * c;
			}
			// mirror padding to the model's grid
			final int dstOff = b * gw * gh * c;
			for (int y = 0; y < gh; y++) {
				final int sy = mirror(y, rh);
				for (int x = 0; x < gw; x++)
					System.arraycopy(src, srcOff + (sy * rw + mirror(x, rw)) * c, in, dstOff + (y * gw + x) * c, c);
			}
		}
		model.predict(in, batch, gh, gw, out);
		for (int b = 0; b < batch; b++) {
			final int from = b * gw * gh * k;
			final float[] cropped = resample ? small : output;
			final int cropOff = resample ? 0 : b * width * height * k;
			for (int y = 0; y < rh; y++)
				System.arraycopy(out, from + y * gw * k, cropped, cropOff + y * rw * k, rw * k);
			if (resample) up.resample(small, 0, output, b * width * height * k, k);
		}
	}

	private static int mirror(final int i, final int n) {
		if (i < n) return i;
		if (n == 1) return 0;
		final int period = 2 * n - 2;
		final int j = i % period;
		return j < n ? j : period - j;
	}

	@Override
	public void close() {
		model.close();
	}
}
