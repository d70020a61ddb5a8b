package io.github.xaiclip.explain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;

import io.github.xaiclip.roi.Roi;

/**
 * LIME: the image is cut into SLIC superpixels; each random sample switches every feature superpixel on (kept) or
 * off (baseline) with probability 1/2; a ridge regression weighted by the exponential kernel of the samples' cosine
 * distance to the unperturbed image fits the scores; a pixel's saliency is its superpixel's coefficient. The
 * unperturbed image is one more row of the fit (its score is the reference evaluation).
 * <p>
 * In roi mode only superpixels that overlap the (grown) region by at least 10% of their area are features (at
 * least the one that overlaps most); the others are never switched off and get saliency 0.
 */
public final class Lime extends PerturbationMethod {

	/** Least part of a superpixel that must lie in the region for it to be a feature in roi mode. */
	public static final double MIN_OVERLAP = 0.10;

	private final int superpixels;
	private final double compactness;
	private final int samples;
	private final double kernelWidth;
	private final double ridge;
	private final long seed;
	private final Fill fill;

	private Lime(final Builder b) {
		superpixels = b.superpixels;
		compactness = b.compactness;
		samples = b.samples;
		kernelWidth = b.kernelWidth;
		ridge = b.ridge;
		seed = b.seed;
		fill = b.fill;
	}

	public static Builder builder() {
		return new Builder();
	}

	public static final class Builder {

		private int superpixels = 100;
		private double compactness = 10;
		private int samples = 1000;
		private double kernelWidth = 0.25;
		private double ridge = 1;
		private long seed = 42;
		private Fill fill = Fill.zero();

		/** Approximate number of SLIC superpixels over the whole image (default 100). */
		public Builder superpixels(final int n) {
			if (n < 1) throw new IllegalArgumentException("superpixels: expected >= 1, got " + n);
			superpixels = n;
			return this;
		}

		/** SLIC compactness: larger gives squarer superpixels (default 10). */
		public Builder compactness(final double m) {
			if (!(m > 0) || Double.isInfinite(m)) throw new IllegalArgumentException("compactness: expected a positive number, got " + m);
			compactness = m;
			return this;
		}

		/** Random samples, each one model evaluation (default 1000). */
		public Builder samples(final int n) {
			if (n < 1) throw new IllegalArgumentException("samples: expected >= 1, got " + n);
			samples = n;
			return this;
		}

		/** Width of the exponential kernel on cosine distance (default 0.25). */
		public Builder kernelWidth(final double width) {
			if (!(width > 0) || Double.isInfinite(width)) throw new IllegalArgumentException("kernel_width: expected a positive number, got " + width);
			kernelWidth = width;
			return this;
		}

		/** Ridge penalty of the fit (default 1). */
		public Builder ridge(final double alpha) {
			if (!(alpha > 0) || Double.isInfinite(alpha)) throw new IllegalArgumentException("ridge: expected a positive number, got " + alpha);
			ridge = alpha;
			return this;
		}

		public Builder seed(final long seed) {
			this.seed = seed;
			return this;
		}

		/** What switched-off superpixels become (default zero). */
		public Builder fill(final Fill fill) {
			this.fill = java.util.Objects.requireNonNull(fill, "fill");
			return this;
		}

		public Lime build() {
			return new Lime(this);
		}
	}

	@Override
	public String name() {
		return "lime";
	}

	@Override
	public Fill fill() {
		return fill;
	}

	@Override
	public OptionalLong seed() {
		return OptionalLong.of(seed);
	}

	@Override
	public Map<String, Object> parameters() {
		final Map<String, Object> p = new LinkedHashMap<>();
		p.put("superpixels", superpixels);
		p.put("compactness", compactness);
		p.put("samples", samples);
		p.put("kernel_width", kernelWidth);
		p.put("ridge", ridge);
		p.put("seed", seed);
		p.put("fill", fill.toString());
		return p;
	}

	@Override
	void validate(final int width, final int height) {
		if (superpixels > width * height)
			throw new IllegalArgumentException("superpixels: " + superpixels + " is more than the " + width * height + " pixels of the image");
	}

	/** The superpixels that are features: all, or those overlapping {@code region} enough. */
	static int[] features(final int[] labels, final Roi region) {
		int n = 0;
		for (final int l : labels)
			n = Math.max(n, l + 1);
		if (region == null) {
			final int[] all = new int[n];
			for (int i = 0; i < n; i++)
				all[i] = i;
			return all;
		}
		final int[] size = new int[n], inside = new int[n];
		for (int p = 0; p < labels.length; p++) {
			size[labels[p]]++;
			if (region.contains(p)) inside[labels[p]]++;
		}
		final List<Integer> f = new ArrayList<>();
		int best = -1;
		for (int i = 0; i < n; i++) {
			if (inside[i] >= MIN_OVERLAP * size[i] && inside[i] > 0) f.add(i);
			if (best < 0 || inside[i] * (long) size[best] > inside[best] * (long) size[i]) best = i;
		}
		if (f.isEmpty()) f.add(best);
		return f.stream().mapToInt(Integer::intValue).toArray();
	}

	@Override
	float[] explain(final ExplanationRun run) {
		final int w = run.width(), h = run.height(), c = run.channels();
		final int[] labels = Slic.segment(run.image, superpixels, compactness);
		final int[] features = features(labels, run.region);
		final int f = features.length;
		final int[] featureOf = new int[labels.length];
		final int[] featureIndex = new int[maxLabel(labels) + 1];
		java.util.Arrays.fill(featureIndex, -1);
		for (int j = 0; j < f; j++)
			featureIndex[features[j]] = j;
		final int[] pixelCount = new int[f];
		for (int p = 0; p < labels.length; p++) {
			featureOf[p] = featureIndex[labels[p]];
			if (featureOf[p] >= 0) pixelCount[featureOf[p]]++;
		}
		final int[][] pixels = new int[f][];
		for (int j = 0; j < f; j++)
			pixels[j] = new int[pixelCount[j]];
		final int[] fillAt = new int[f];
		for (int p = 0; p < labels.length; p++)
			if (featureOf[p] >= 0) pixels[featureOf[p]][fillAt[featureOf[p]]++] = p;

		final boolean[][] on = new boolean[samples][f];
		for (int i = 0; i < samples; i++) {
			final SplittableRandom rng = Seeds.stream(seed, i);
			for (int j = 0; j < f; j++)
				on[i][j] = rng.nextBoolean();
		}
		final float[] image = run.image.data(), baseline = run.baseline.data();
		final double[] scores = run.scores(new PerturbationSet() {

			@Override
			public int size() {
				return samples;
			}

			@Override
			public void build(final int i, final float[] dest, final int offset) {
				System.arraycopy(image, 0, dest, offset, image.length);
				for (int j = 0; j < f; j++)
					if (!on[i][j]) for (final int p : pixels[j])
						System.arraycopy(baseline, p * c, dest, offset + p * c, c);
			}
		});

		// rows: the unperturbed image, then the samples
		final int rows = samples + 1;
		final double[] y = new double[rows], weight = new double[rows];
		final boolean[][] z = new boolean[rows][];
		final boolean[] allOn = new boolean[f];
		java.util.Arrays.fill(allOn, true);
		z[0] = allOn;
		y[0] = run.reference;
		for (int i = 0; i < samples; i++) {
			z[i + 1] = on[i];
			y[i + 1] = scores[i];
		}
		for (int i = 0; i < rows; i++) {
			int k = 0;
			for (final boolean b : z[i])
				if (b) k++;
			final double distance = 1 - Math.sqrt(k / (double) f); // cosine distance to all-on
			weight[i] = Math.sqrt(Math.exp(-distance * distance / (kernelWidth * kernelWidth)));
		}
		final double[] beta = Ridge.fit(z, y, weight, ridge);
		final float[] saliency = new float[w * h];
		for (int p = 0; p < saliency.length; p++)
			if (featureOf[p] >= 0) saliency[p] = (float) beta[featureOf[p]];
		return saliency;
	}

	private static int maxLabel(final int[] labels) {
		int m = 0;
		for (final int l : labels)
			m = Math.max(m, l);
		return m;
	}
}
