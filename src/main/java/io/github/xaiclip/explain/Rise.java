package io.github.xaiclip.explain;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * RISE (randomized input sampling): {@code N} random binary grids of cells {@code cell x cell} pixels, each cell kept
 * with probability {@code p}, are upsampled bilinearly with a random sub-cell shift into smooth masks {@code M_i};
 * the image becomes {@code M x + (1 - M) b} for the baseline {@code b}. The saliency is
 * {@code sum_i s(x_i) M_i / (N p)}.
 * <p>
 * In roi mode the masks vary only inside the bounding box of the (grown) region and keep the image elsewhere;
 * pixels outside the box get saliency 0. Each mask is drawn from its own seeded stream, so a seed gives the same
 * map for any batch size.
 */
public final class Rise extends PerturbationMethod {

	private final int masks;
	private final int cell;
	private final double keep;
	private final long seed;
	private final Fill fill;

	private Rise(final Builder b) {
		masks = b.masks;
		cell = b.cell;
		keep = b.keep;
		seed = b.seed;
		fill = b.fill;
	}

	public static Builder builder() {
		return new Builder();
	}

	public static final class Builder {

		private int masks = 1000;
		private int cell = 16;
		private double keep = 0.5;
		private long seed = 42;
		private Fill fill = Fill.zero();

		/** Number of random masks, each one model evaluation (default 1000). */
		public Builder masks(final int masks) {
			if (masks < 1) throw new IllegalArgumentException("masks: expected >= 1, got " + masks);
			this.masks = masks;
			return this;
		}

		/** Side of a mask cell in pixels (default 16). */
		public Builder cell(final int cell) {
			if (cell < 1) throw new IllegalArgumentException("cell: expected >= 1 pixel, got " + cell);
			this.cell = cell;
			return this;
		}

		/** Probability that a cell keeps the image (default 0.5). */
		public Builder keepProbability(final double p) {
			if (!(p > 0 && p < 1)) throw new IllegalArgumentException("p: expected a keep probability in (0, 1), got " + p);
			this.keep = p;
			return this;
		}

		public Builder seed(final long seed) {
			this.seed = seed;
			return this;
		}

		/** What masked-out pixels become (default zero). */
		public Builder fill(final Fill fill) {
			this.fill = java.util.Objects.requireNonNull(fill, "fill");
			return this;
		}

		public Rise build() {
			return new Rise(this);
		}
	}

	@Override
	public String name() {
		return "rise";
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
		p.put("masks", masks);
		p.put("cell", cell);
		p.put("p", keep);
		p.put("seed", seed);
		p.put("fill", fill.toString());
		return p;
	}

	@Override
	void validate(final int width, final int height) {
		if (cell > Math.max(width, height))
			throw new IllegalArgumentException("cell: " + cell + " px is larger than the " + width + "x" + height + " image");
	}

	/** Mask {@code i} over a {@code bw x bh} box, values in [0, 1], indexed {@code v * bw + u}. */
	void mask(final int i, final int bw, final int bh, final float[] out) {
		final SplittableRandom rng = Seeds.stream(seed, i);
		final int gw = bw / cell + 3, gh = bh / cell + 3;
		final float[] grid = new float[gw * gh];
		for (int g = 0; g < grid.length; g++)
			grid[g] = rng.nextDouble() < keep ? 1 : 0;
		final double sx = rng.nextDouble() * cell, sy = rng.nextDouble() * cell;
		// bilinear upsampling, separable: interpolate the grid rows along x once, then each image row along y
		final float[] rows = new float[gh * bw];
		for (int u = 0; u < bw; u++) {
			final double gx = (u + sx) / cell;
			final int x0 = (int) gx;
			final float fx = (float) (gx - x0);
			for (int g = 0; g < gh; g++) {
				final int a = g * gw + x0;
				rows[g * bw + u] = grid[a] + fx * (grid[a + 1] - grid[a]);
			}
		}
		for (int v = 0; v < bh; v++) {
			final double gy = (v + sy) / cell;
			final int y0 = (int) gy;
			final float fy = (float) (gy - y0);
			final int top = y0 * bw, bottom = top + bw, row = v * bw;
			for (int u = 0; u < bw; u++)
				out[row + u] = rows[top + u] + fy * (rows[bottom + u] - rows[top + u]);
		}
	}

	@Override
	float[] explain(final ExplanationRun run) {
		final int w = run.width(), h = run.height(), c = run.channels();
		final int bx = run.region == null ? 0 : run.region.minX(), by = run.region == null ? 0 : run.region.minY();
		final int bw = run.region == null ? w : run.region.maxX() - bx + 1, bh = run.region == null ? h : run.region.maxY() - by + 1;
		final float[] image = run.image.data(), baseline = run.baseline.data();
		final float[] m = new float[bw * bh];
		final double[] sum = new double[bw * bh];
		run.scores(new PerturbationSet() {

			@Override
			public int size() {
				return masks;
			}

			@Override
			public void build(final int i, final float[] dest, final int offset) {
				mask(i, bw, bh, m);
				System.arraycopy(image, 0, dest, offset, image.length);
				for (int v = 0; v < bh; v++)
					for (int u = 0; u < bw; u++) {
						final float mv = m[v * bw + u];
						final int at = ((by + v) * w + bx + u) * c;
						for (int ch = 0; ch < c; ch++)
							dest[offset + at + ch] = mv * image[at + ch] + (1 - mv) * baseline[at + ch];
					}
			}

			@Override
			public void scored(final int i, final double score) {
				// the mask is drawn again rather than kept: N masks of a large image would not fit in memory
				mask(i, bw, bh, m);
				for (int q = 0; q < m.length; q++)
					sum[q] += score * m[q];
			}
		});
		final float[] saliency = new float[w * h];
		final double norm = 1.0 / (masks * keep);
		for (int v = 0; v < bh; v++)
			for (int u = 0; u < bw; u++)
				saliency[(by + v) * w + bx + u] = (float) (sum[v * bw + u] * norm);
		return saliency;
	}
}
