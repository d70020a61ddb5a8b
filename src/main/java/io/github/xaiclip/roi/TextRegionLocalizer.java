package io.github.xaiclip.roi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import io.github.xaiclip.model.InputSpec;
import io.github.xaiclip.model.PackedImage;
import io.github.xaiclip.model.VisionLanguageModel;

/**
 * Finds the region a text prompt names, with a CLIP-like dense vision-language model: the cosine similarity of the
 * prompt's embedding (each prompt template filled with the prompt, embeddings averaged and normalized) with every
 * patch embedding, upsampled smoothly to the image grid; thresholded; the connected component holding the maximum
 * (or every component above a size); holes filled; grown by a margin in pixels or millimetres.
 * <p>
 * The image is encoded once ({@link #embed}) and its embedding reused for every prompt. Several prompts at once
 * ("liver, spleen") give one region each and their union; a prompt starting with "not " names a region to subtract
 * from the union. Thread-safe when the model is.
 */
public final class TextRegionLocalizer {

	/** How the similarity map becomes a mask. */
	public enum Threshold {
		/** {@code min + level (max - min)} of the map (level 0.5 by default). */
		RELATIVE,
		/** Otsu's threshold of the map. */
		OTSU,
		/** A fixed cosine similarity. */
		ABSOLUTE
	}

	/** Settings of a localization. Immutable. */
	public static final class Options {

		final Threshold threshold;
		final double level;
		final int minComponent;
		final double margin;
		final double spacingX, spacingY;

		private Options(final Threshold threshold, final double level, final int minComponent, final double margin, final double spacingX,
			final double spacingY)
		{
			this.threshold = threshold;
			this.level = level;
			this.minComponent = minComponent;
			this.margin = margin;
			this.spacingX = spacingX;
			this.spacingY = spacingY;
		}

		/** Relative threshold 0.5, the component holding the maximum, no margin, pixel units. */
		public static Options defaults() {
			return new Options(Threshold.RELATIVE, 0.5, 0, 0, 1, 1);
		}

		/** RELATIVE with a level in [0, 1], ABSOLUTE with a cosine similarity; OTSU ignores the level. */
		public Options threshold(final Threshold t, final double level) {
			if (t == Threshold.RELATIVE && !(level >= 0 && level <= 1))
				throw new IllegalArgumentException("threshold: a relative level must lie in [0, 1], got " + level);
			if (!Double.isFinite(level)) throw new IllegalArgumentException("threshold: expected a finite level, got " + level);
			return new Options(t, level, minComponent, margin, spacingX, spacingY);
		}

		/** Keep every component of at least {@code pixels} (0: only the one holding the maximum). */
		public Options keepComponentsOf(final int pixels) {
			if (pixels < 0) throw new IllegalArgumentException("min_component: expected >= 0 pixels, got " + pixels);
			return new Options(threshold, level, pixels, margin, spacingX, spacingY);
		}

		/** Grow the region by {@code margin} pixels. */
		public Options marginPixels(final double margin) {
			return new Options(threshold, level, minComponent, checkMargin(margin), 1, 1);
		}

		/** Grow the region by {@code margin} in the unit of the pixel size {@code spacingX x spacingY} (e.g. mm). */
		public Options margin(final double margin, final double spacingX, final double spacingY) {
			if (!(spacingX > 0) || !(spacingY > 0) || Double.isInfinite(spacingX) || Double.isInfinite(spacingY))
				throw new IllegalArgumentException("pixel size: expected positive values, got " + spacingX + " x " + spacingY);
			return new Options(threshold, level, minComponent, checkMargin(margin), spacingX, spacingY);
		}

		private static double checkMargin(final double m) {
			if (!(m >= 0) || Double.isInfinite(m)) throw new IllegalArgumentException("roi_margin: expected a finite value >= 0, got " + m);
			return m;
		}
	}

	/** An image encoded once: its patch embeddings (unit length) and the size of the image they describe. */
	public static final class ImageEmbedding {

		final int width, height, gridWidth, gridHeight, dim;
		/** Where the image lies in the model's input: its box, in model input pixels. */
		final int boxX, boxY, boxWidth, boxHeight, inputWidth, inputHeight;
		final float[] patches;

		ImageEmbedding(final int width, final int height, final VisionLanguageModel.PatchEmbeddings p, final int boxX, final int boxY,
			final int boxWidth, final int boxHeight, final int inputWidth, final int inputHeight)
		{
			this.width = width;
			this.height = height;
			this.boxX = boxX;
			this.boxY = boxY;
			this.boxWidth = boxWidth;
			this.boxHeight = boxHeight;
			this.inputWidth = inputWidth;
			this.inputHeight = inputHeight;
			gridWidth = p.gridWidth;
			gridHeight = p.gridHeight;
			dim = p.dim;
			patches = p.values.clone();
			for (int q = 0; q < gridWidth * gridHeight; q++)
				normalize(patches, q * dim, dim);
		}

		/** A map over the patch grid, upsampled to the model's input, cropped to the image's box, on the image grid. */
		float[] map(final float[] grid) {
			final PackedImage full = new PackedImage(gridWidth, gridHeight, 1, grid).resampled(inputWidth, inputHeight);
			final float[] box = new float[boxWidth * boxHeight];
			for (int y = 0; y < boxHeight; y++)
				System.arraycopy(full.data(), (y + boxY) * inputWidth + boxX, box, y * boxWidth, boxWidth);
			return new PackedImage(boxWidth, boxHeight, 1, box).resampled(width, height).data();
		}
	}

	/** What a prompt found: its similarity map on the image grid and the region. */
	public static final class Localization {

		private final String prompt;
		private final float[] similarity;
		private final int width, height;
		private final Roi region;
		private final double maxSimilarity;

		Localization(final String prompt, final float[] similarity, final int width, final int height, final Roi region, final double max) {
			this.prompt = prompt;
			this.similarity = similarity;
			this.width = width;
			this.height = height;
			this.region = region;
			this.maxSimilarity = max;
		}

		public String prompt() {
			return prompt;
		}

		/** Cosine similarity at every pixel, indexed {@code y * width + x}. */
		public float[] similarity() {
			return similarity.clone();
		}

		public int width() {
			return width;
		}

		public int height() {
			return height;
		}

		/** The region after threshold, component choice, hole filling and margin. */
		public Roi region() {
			return region;
		}

		public double maxSimilarity() {
			return maxSimilarity;
		}
	}

	/** The regions of several prompts and what they give together. */
	public static final class Result {

		private final List<Localization> positive, negative;
		private final Roi union;

		Result(final List<Localization> positive, final List<Localization> negative, final Roi union) {
			this.positive = Collections.unmodifiableList(positive);
			this.negative = Collections.unmodifiableList(negative);
			this.union = union;
		}

		/** One localization per prompt, in order. */
		public List<Localization> prompts() {
			return positive;
		}

		/** The prompts given as "not ...". */
		public List<Localization> excluded() {
			return negative;
		}

		/** The union of the prompts' regions minus the excluded regions. */
		public Roi region() {
			return union;
		}
	}

	private final VisionLanguageModel model;

	public TextRegionLocalizer(final VisionLanguageModel model) {
		this.model = model;
	}

	/**
	 * Encodes {@code image} (preprocessed as the model's descriptor says). For a model of fixed input size the image
	 * is letterboxed: shrunk if it is larger (keeping its aspect ratio), then centred and padded with its minimum
	 * value; the similarity maps are cropped back from the same box.
	 */
	public ImageEmbedding embed(final PackedImage image) {
		final InputSpec spec = model.inputSpec();
		if (image.channels() != spec.channels())
			throw new IllegalArgumentException("image: has " + image.channels() + " channel(s), the vision-language model takes " + spec.channels());
		final int w = image.width(), h = image.height();
		if (!spec.isFixed()) {
			PackedImage in = image;
			if (!spec.accepts(w, h)) {
				final int m = spec.multipleOf();
				in = image.resampled(Math.max(m, Math.round(w / (float) m) * m), Math.max(m, Math.round(h / (float) m) * m));
			}
			return new ImageEmbedding(w, h, model.encodeImages(in.data(), 1, in.height(), in.width()), 0, 0, in.width(), in.height(), in.width(),
				in.height());
		}
		final int fw = spec.fixedWidth(), fh = spec.fixedHeight();
		final double scale = Math.min(1, Math.min(fw / (double) w, fh / (double) h));
		final int bw = Math.max(1, (int) Math.round(w * scale)), bh = Math.max(1, (int) Math.round(h * scale));
		final PackedImage box = image.resampled(bw, bh);
		final int c = image.channels(), ox = (fw - bw) / 2, oy = (fh - bh) / 2;
		final float[] in = new float[fw * fh * c];
		float min = Float.POSITIVE_INFINITY;
		for (final float v : box.data())
			min = Math.min(min, v);
		java.util.Arrays.fill(in, min);
		for (int y = 0; y < bh; y++)
			System.arraycopy(box.data(), y * bw * c, in, ((y + oy) * fw + ox) * c, bw * c);
		return new ImageEmbedding(w, h, model.encodeImages(in, 1, fh, fw), ox, oy, bw, bh, fw, fh);
	}

	/** The unit-length embedding of a prompt: the mean over the model's templates. */
	public float[] embedPrompt(final String prompt) {
		final String p = prompt == null ? "" : prompt.trim();
		if (p.isEmpty()) throw new IllegalArgumentException("prompt: empty; expected the name of a structure, e.g. 'liver'");
		final List<String> filled = new ArrayList<>();
		for (final String t : model.promptTemplates())
			filled.add(t.replace("{}", p));
		final float[][] e = model.encodeTexts(filled);
		final float[] mean = new float[e[0].length];
		for (final float[] v : e) {
			final float[] u = v.clone();
			normalize(u, 0, u.length);
			for (int d = 0; d < u.length; d++)
				mean[d] += u[d] / e.length;
		}
		normalize(mean, 0, mean.length);
		return mean;
	}

	/** Localizes one prompt in an encoded image. */
	public Localization localize(final ImageEmbedding image, final String prompt, final Options options) {
		final float[] text = embedPrompt(prompt);
		if (text.length != image.dim)
			throw new IllegalArgumentException("prompt: the text embedding has " + text.length + " dimensions, the patch embeddings " + image.dim);
		final float[] grid = new float[image.gridWidth * image.gridHeight];
		for (int q = 0; q < grid.length; q++) {
			double dot = 0;
			for (int d = 0; d < image.dim; d++)
				dot += image.patches[q * image.dim + d] * text[d];
			grid[q] = (float) dot;
		}
		final float[] map = image.map(grid);
		return new Localization(prompt.trim(), map, image.width, image.height, region(map, image.width, image.height, prompt.trim(), options),
			max(map));
	}

	/**
	 * Localizes a comma-separated list of prompts ("liver, spleen, not bone"): one region per prompt, their union,
	 * minus the regions of prompts that start with "not ".
	 */
	public Result localizeAll(final ImageEmbedding image, final String prompts, final Options options) {
		final List<Localization> positive = new ArrayList<>(), negative = new ArrayList<>();
		for (final String raw : (prompts == null ? "" : prompts).split(",")) {
			final String p = raw.trim();
			if (p.isEmpty()) continue;
			if (p.toLowerCase(Locale.ROOT).startsWith("not ")) negative.add(localize(image, p.substring(4), options));
			else positive.add(localize(image, p, options));
		}
		if (positive.isEmpty()) throw new IllegalArgumentException("prompt: '" + prompts + "' names no structure; expected e.g. 'liver' or 'liver, spleen'");
		final boolean[] mask = new boolean[image.width * image.height];
		for (final Localization l : positive)
			for (int p = 0; p < mask.length; p++)
				mask[p] |= l.region().contains(p);
		for (final Localization l : negative)
			for (int p = 0; p < mask.length; p++)
				mask[p] &= !l.region().contains(p);
		return new Result(positive, negative, Roi.ofMask(image.width, image.height, mask, "prompt '" + prompts + "' (after the 'not' prompts)"));
	}

	/**
	 * The prompts' region ({@link #localizeAll}) as a region source. The image it is given must be preprocessed as
	 * this vision-language model's descriptor says (for the demo models, the same CT window as the segmentation
	 * model's).
	 */
	public RoiSource source(final String prompts, final Options options) {
		return new RoiSource() {

			@Override
			public Roi regionFor(final net.imglib2.RandomAccessibleInterval<? extends net.imglib2.type.numeric.RealType<?>> image) {
				return localizeAll(embed(PackedImage.of(image)), prompts, options).region();
			}

			@Override
			public String describe() {
				return "text '" + prompts + "'";
			}
		};
	}

	static Roi region(final float[] map, final int w, final int h, final String prompt, final Options o) {
		float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
		int argmax = 0;
		for (int p = 0; p < map.length; p++) {
			lo = Math.min(lo, map[p]);
			if (map[p] > hi) {
				hi = map[p];
				argmax = p;
			}
		}
		final String found = String.format(Locale.ROOT, "prompt '%s': no region found: the similarity map is %s (max similarity %.3f)", prompt, "%s", hi);
		if (!(hi - lo > 1e-6)) throw new IllegalArgumentException(String.format(found, "flat"));
		final double t;
		switch (o.threshold) {
		case OTSU:
			t = io.github.xaiclip.metrics.SaliencyMetrics.otsuThreshold(map);
			break;
		case ABSOLUTE:
			t = o.level;
			break;
		default:
			t = lo + o.level * (hi - lo);
		}
		final boolean[] above = new boolean[map.length];
		boolean any = false;
		for (int p = 0; p < map.length; p++)
			any |= above[p] = map[p] >= t;
		if (!any) throw new IllegalArgumentException(String.format(found, String.format(Locale.ROOT, "below the threshold %.3f everywhere", t)));
		final boolean[] kept = Masks.components(above, w, h, argmax, o.minComponent);
		if (!Masks.any(kept))
			throw new IllegalArgumentException(String.format(found, "without a component of at least " + o.minComponent + " pixels above the threshold"));
		return Roi.ofMask(w, h, Masks.fillHoles(kept, w, h), "prompt '" + prompt + "'").dilate(o.margin, o.spacingX, o.spacingY);
	}

	private static double max(final float[] v) {
		double m = Double.NEGATIVE_INFINITY;
		for (final float x : v)
			m = Math.max(m, x);
		return m;
	}

	static void normalize(final float[] v, final int off, final int n) {
		double s = 0;
		for (int i = off; i < off + n; i++)
			s += v[i] * (double) v[i];
		final double norm = Math.sqrt(s);
		if (norm > 0) for (int i = off; i < off + n; i++)
			v[i] = (float) (v[i] / norm);
	}

	@Override
	public String toString() {
		return "TextRegionLocalizer" + Arrays.asList(model.promptTemplates());
	}
}
