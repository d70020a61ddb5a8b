package io.github.xaiclip.explain;

import java.util.Locale;

import io.github.xaiclip.model.InputSpec;
import io.github.xaiclip.model.PackedImage;
import io.github.xaiclip.model.ReceptiveField;
import io.github.xaiclip.model.SegmentationModel;

/**
 * Estimates a model's receptive field by probing it, for models that declare none.
 * <ol>
 * <li>Reach: small bright (and, on the real image, dark) patches at five positions of the real image and of a
 * blank one; the farthest output pixel (along either axis) that any patch changes by more than
 * {@link #TOLERANCE} is the observed reach. A patch whose change reaches the image's farthest pixel means global
 * context: the model is never cropped.</li>
 * <li>Margin: the radius is the reach plus a quarter of it (at least 4 px), because a patch shows what one pixel
 * reaches, while a crop cuts away everything beyond its edge at once.</li>
 * <li>Stride and check: crops of the real image that tile it, starting at multiples of a candidate stride (an
 * odd multiple apart, so that a smaller stride than the true one cannot pass by chance), must reproduce the whole
 * image's output to {@link #TOLERANCE} wherever they are at least the radius from a cut edge, which is everywhere
 * in the image for one crop or another. The smallest candidate that passes is the stride; when none passes, the
 * radius is doubled once, then the field is global.</li>
 * </ol>
 * Costs 13 whole-image evaluations and crops of about 4 more for each stride tried.
 */
public final class ReceptiveFieldProbe {

	/** The largest change of a probability that counts as none. */
	public static final double TOLERANCE = 1e-5;
	/** Side of the probing patches, px. */
	static final int PATCH = 3;
	/** Candidate strides, as multiples of the model's size multiple. */
	private static final int[] STRIDES = { 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64 };

	/** What the probe found. */
	public static final class Estimate {

		private final ReceptiveField field;
		private final int reach;
		private final long evaluations, pixels;
		private final String summary;

		Estimate(final ReceptiveField field, final int reach, final long evaluations, final long pixels, final String summary) {
			this.field = field;
			this.reach = reach;
			this.evaluations = evaluations;
			this.pixels = pixels;
			this.summary = summary;
		}

		/** The estimated field: bounded (with the margin) or global. */
		public ReceptiveField field() {
			return field;
		}

		/** The farthest output change a patch caused, px; -1 when no patch changed anything. */
		public int reach() {
			return reach;
		}

		/** Model evaluations the probe took (whole images and crops). */
		public long evaluations() {
			return evaluations;
		}

		/** Input pixels the probe ran through the model. */
		public long pixels() {
			return pixels;
		}

		/** One line: the field and how it was found. */
		@Override
		public String toString() {
			return summary;
		}
	}

	private final SegmentationModel model;
	private final PackedImage image;
	private final int w, h, c, k;
	private long evaluations, pixels;

	private ReceptiveFieldProbe(final SegmentationModel model, final PackedImage image) {
		this.model = model;
		this.image = image;
		this.w = image.width();
		this.h = image.height();
		this.c = image.channels();
		this.k = model.numClasses();
	}

	/**
	 * Probes {@code model} on {@code image} (preprocessed, a size the model accepts) and a blank image of its size.
	 *
	 * @throws IllegalArgumentException when the model takes one fixed size (crops are impossible) or not this image
	 */
	public static Estimate probe(final SegmentationModel model, final PackedImage image) {
		final InputSpec spec = model.inputSpec();
		if (spec.isFixed()) throw new IllegalArgumentException("model: takes one fixed size (" + spec + "); its receptive field cannot be used for crops");
		if (!spec.accepts(image.width(), image.height()) || image.channels() != spec.channels())
			throw new IllegalArgumentException("image: " + image.width() + "x" + image.height() + "x" + image.channels() + " does not fit the model's input (" + spec + ")");
		return new ReceptiveFieldProbe(model, image).run();
	}

	private Estimate run() {
		final float[] data = image.data();
		float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
		for (final float v : data) {
			lo = Math.min(lo, v);
			hi = Math.max(hi, v);
		}
		final float span = Math.max(hi - lo, 1);
		final int[][] at = { { w / 2, h / 2 }, { w / 4, h / 4 }, { 3 * w / 4, h / 4 }, { w / 4, 3 * h / 4 }, { 3 * w / 4, 3 * h / 4 } };
		final float[] blank = new float[data.length];
		final float[] realOut = predict(data, w, h), blankOut = predict(blank, w, h);
		int reach = -1;
		for (int input = 0; input < 2; input++) {
			final float[] base = input == 0 ? data : blank, reference = input == 0 ? realOut : blankOut;
			final float bright = input == 0 ? hi + span : 1;
			for (int j = 0; j < at.length + (input == 0 ? 1 : 0); j++) {
				final int[] centre = at[j % at.length];
				final int x0 = clamp(centre[0] - PATCH / 2, w - Math.min(PATCH, w)), y0 = clamp(centre[1] - PATCH / 2, h - Math.min(PATCH, h));
				final int x1 = Math.min(w, x0 + PATCH), y1 = Math.min(h, y0 + PATCH);
				final float[] probe = base.clone();
				final float value = j < at.length ? bright : lo - span;
				for (int y = y0; y < y1; y++)
					for (int x = x0; x < x1; x++)
						for (int ch = 0; ch < c; ch++)
							probe[(y * w + x) * c + ch] = value;
				final float[] out = predict(probe, w, h);
				int d = -1;
				for (int y = 0; y < h; y++)
					for (int x = 0; x < w; x++)
						if (changed(out, (y * w + x) * k, reference, (y * w + x) * k)) d = Math.max(d, Math.max(distance(x, x0, x1), distance(y, y0, y1)));
				final int farthest = Math.max(Math.max(x0, w - x1), Math.max(y0, h - y1));
				if (d >= farthest && farthest > 0) {
					final String why = String.format(Locale.ROOT, "probe: a %dx%d patch at (%d, %d) changes the output across the whole %dx%d image", x1 - x0,
						y1 - y0, x0, y0, w, h);
					return new Estimate(ReceptiveField.global(why), d, evaluations, pixels, "global (" + why + ")");
				}
				reach = Math.max(reach, d);
			}
		}
		final int margin = Math.max(4, (Math.max(reach, 0) + 3) / 4);
		final int m = model.inputSpec().multipleOf();
		boolean failed = false;
		for (int radius = Math.max(reach, 0) + margin, attempt = 0; attempt < 2; attempt++, radius *= 2) {
			for (final int s : STRIDES) {
				final int stride = s * m;
				if (stride > Math.max(64, m) || stride > Math.max(w, h)) break;
				final Boolean ok = cropsMatch(realOut, radius, stride);
				if (ok == null && !failed) {
					// no crop fits in this image: nothing to check, and nothing to crop at this size either
					final ReceptiveField f = ReceptiveField.bounded(radius, m);
					return new Estimate(f, reach, evaluations, pixels, String.format(Locale.ROOT,
						"%s (probed on %dx%d with %d evaluations: patches change the output up to %d px away, margin %d; crops could not be smaller "
							+ "than this image, so the stride was not checked)", f, w, h, evaluations, reach, margin));
				}
				if (ok == null) break;
				if (ok) {
					final ReceptiveField f = ReceptiveField.bounded(radius, stride);
					return new Estimate(f, reach, evaluations, pixels, String.format(Locale.ROOT,
						"%s (probed on %dx%d with %d evaluations: patches change the output up to %d px away, margin %d%s; crops reproduce the "
							+ "whole image's output to %.0e)", f, w, h, evaluations, reach, margin, attempt > 0 ? ", doubled" : "", TOLERANCE));
				}
				failed = true;
			}
		}
		final String why = "probe: no crop reproduced the whole image's output at any stride up to " + Math.max(64, m);
		return new Estimate(ReceptiveField.global(why), reach, evaluations, pixels, "global (" + why + ")");
	}

	/**
	 * Whether crops starting at multiples of {@code stride} reproduce {@code reference} wherever they are at least
	 * {@code radius} from a cut edge; null when no crop can be smaller than the image. The crops tile the image so
	 * that these parts cover all of it, and successive starts are an odd multiple of the stride apart, so that a
	 * stride smaller than the true one cannot pass by chance.
	 */
	private Boolean cropsMatch(final float[] reference, final int radius, final int stride) {
		final int inner = Math.max(2 * radius, Math.max(4 * stride, 16));
		final int size = roundUp(2 * radius + inner, stride);
		if (size >= w && size >= h) return null;
		final int[][] xs = tiles(w, size, radius, stride), ys = tiles(h, size, radius, stride);
		// tiles at odd multiples of the stride first: they fail soonest when the stride is wrong
		for (int pass = 0; pass < 2; pass++)
			for (final int[] ty : ys)
				for (final int[] tx : xs) {
					if ((tx[0] / stride % 2 == 1 || ty[0] / stride % 2 == 1) != (pass == 0)) continue;
					if (!tileMatches(reference, tx, ty, radius)) return false;
				}
		return true;
	}

	/** {start, length} of the tiles along an axis of {@code n} pixels. */
	private static int[][] tiles(final int n, final int size, final int radius, final int stride) {
		if (size >= n) return new int[][] { { 0, n } };
		final int step = oddMultiple(size - 2 * radius, stride);
		final java.util.List<int[]> t = new java.util.ArrayList<>();
		for (int x = 0;; x += step) {
			if (x + size >= n) {
				final int last = Math.min(x, (n - size) / stride * stride);
				t.add(new int[] { last, n - last });
				break;
			}
			t.add(new int[] { x, size });
		}
		return t.toArray(new int[0][]);
	}

	private boolean tileMatches(final float[] reference, final int[] tx, final int[] ty, final int radius) {
		final int x0 = tx[0], lw = tx[1], y0 = ty[0], lh = ty[1];
		if (!model.inputSpec().accepts(lw, lh)) throw new IllegalStateException("probe: crop " + lw + "x" + lh + " not accepted by the model");
		final int ix0 = x0 > 0 ? x0 + radius : 0, ix1 = x0 + lw < w ? x0 + lw - radius : w;
		final int iy0 = y0 > 0 ? y0 + radius : 0, iy1 = y0 + lh < h ? y0 + lh - radius : h;
		final float[] crop = new float[lw * lh * c];
		for (int y = 0; y < lh; y++)
			System.arraycopy(image.data(), ((y0 + y) * w + x0) * c, crop, y * lw * c, lw * c);
		final float[] out = predict(crop, lw, lh);
		for (int y = iy0; y < iy1; y++)
			for (int x = ix0; x < ix1; x++)
				if (changed(out, ((y - y0) * lw + x - x0) * k, reference, (y * w + x) * k)) return false;
		return true;
	}

	private float[] predict(final float[] input, final int width, final int height) {
		final float[] out = new float[width * height * k];
		model.predict(input, 1, height, width, out);
		evaluations++;
		pixels += (long) width * height;
		return out;
	}

	private boolean changed(final float[] a, final int at, final float[] b, final int bt) {
		for (int j = 0; j < k; j++)
			if (Math.abs(a[at + j] - b[bt + j]) > TOLERANCE) return true;
		return false;
	}

	/** Distance from {@code v} to the interval {@code [a, b)}. */
	private static int distance(final int v, final int a, final int b) {
		return v < a ? a - v : v >= b ? v - b + 1 : 0;
	}

	/** The largest odd multiple of {@code stride} up to {@code v} (the stride itself at least). */
	private static int oddMultiple(final int v, final int stride) {
		final int q = Math.max(1, v / stride);
		return (q % 2 == 1 ? q : q - 1) * stride;
	}

	private static int clamp(final int v, final int max) {
		return Math.max(0, Math.min(v, max));
	}

	private static int roundUp(final int v, final int m) {
		return (v + m - 1) / m * m;
	}
}
