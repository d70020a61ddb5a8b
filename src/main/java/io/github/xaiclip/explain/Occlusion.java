package io.github.xaiclip.explain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.xaiclip.roi.Roi;

/**
 * Occlusion: square windows {@code w x w} at stride {@code k} are filled with the baseline one at a time; the
 * saliency of a pixel is the mean importance (score drop) of the windows that cover it.
 * <p>
 * Windows start at 0, k, 2k, ... and one more window is aligned with the far edge when the stride does not reach
 * it, so every pixel is covered. In roi mode only the windows that intersect the (grown) region are evaluated;
 * every window that covers a region pixel is among them, so saliency inside the region equals full mode's exactly.
 * <p>
 * <b>Adaptive refinement</b> ({@link Builder#refine}): a coarse pass with large windows first, over the same
 * region; the pixels whose coarse saliency reaches a fraction of its maximum form the refined region, and only
 * the small windows that intersect it are evaluated. Every small window covering a refined pixel is among them,
 * so inside the refined region the map equals plain occlusion's exactly; elsewhere it keeps the coarse saliency,
 * scaled by the windows' area ratio ({@code (w / coarse)^2}) to the small windows' units.
 * <p>
 * Each window changes only its own pixels, so the evaluator may run the model on crops around the windows when
 * the model's receptive field is bounded (see {@link BatchedEvaluator}).
 */
public final class Occlusion extends PerturbationMethod {

	private final int window;
	private final int stride;
	private final Fill fill;
	/** 0 when there is no coarse pass. */
	private final int coarseWindow, coarseStride;
	private final double fraction;

	private Occlusion(final Builder b) {
		this.window = b.window;
		this.stride = b.stride;
		this.fill = b.fill;
		this.coarseWindow = b.coarseWindow;
		this.coarseStride = b.coarseStride;
		this.fraction = b.fraction;
	}

	public static Builder builder() {
		return new Builder();
	}

	public static final class Builder {

		private int window = 16;
		private int stride = 8;
		private Fill fill = Fill.zero();
		private int coarseWindow, coarseStride;
		private double fraction;

		/** Window side in pixels (default 16). */
		public Builder window(final int window) {
			if (window < 1) throw new IllegalArgumentException("window: expected >= 1 pixel, got " + window);
			this.window = window;
			return this;
		}

		/** Step between windows in pixels (default 8). */
		public Builder stride(final int stride) {
			if (stride < 1) throw new IllegalArgumentException("stride: expected >= 1 pixel, got " + stride);
			this.stride = stride;
			return this;
		}

		/** What occluded pixels become (default zero). */
		public Builder fill(final Fill fill) {
			this.fill = java.util.Objects.requireNonNull(fill, "fill");
			return this;
		}

		/**
		 * Explains coarsely first, with {@code coarseWindow} windows at {@code coarseStride}, then with the
		 * (smaller) windows of {@link #window} only where the coarse saliency is at least {@code fraction} of its
		 * maximum (default: no coarse pass).
		 */
		public Builder refine(final int coarseWindow, final int coarseStride, final double fraction) {
			if (coarseWindow < 1) throw new IllegalArgumentException("coarse_window: expected >= 1 pixel, got " + coarseWindow);
			if (coarseStride < 1) throw new IllegalArgumentException("coarse_stride: expected >= 1 pixel, got " + coarseStride);
			if (!(fraction > 0 && fraction < 1)) throw new IllegalArgumentException("refine_fraction: expected a value in (0, 1), got " + fraction);
			this.coarseWindow = coarseWindow;
			this.coarseStride = coarseStride;
			this.fraction = fraction;
			return this;
		}

		public Occlusion build() {
			if (coarseWindow > 0 && coarseWindow <= window)
				throw new IllegalArgumentException("coarse_window: expected more than the window (" + window + " px), got " + coarseWindow);
			return new Occlusion(this);
		}
	}

	public int window() {
		return window;
	}

	public int stride() {
		return stride;
	}

	/** Whether a coarse pass picks where the windows go. */
	public boolean refines() {
		return coarseWindow > 0;
	}

	@Override
	public String name() {
		return "occlusion";
	}

	@Override
	public Fill fill() {
		return fill;
	}

	@Override
	public Map<String, Object> parameters() {
		final Map<String, Object> p = new LinkedHashMap<>();
		p.put("window", window);
		p.put("stride", stride);
		p.put("fill", fill.toString());
		if (refines()) {
			p.put("coarse_window", coarseWindow);
			p.put("coarse_stride", coarseStride);
			p.put("refine_fraction", fraction);
		}
		return p;
	}

	@Override
	void validate(final int width, final int height) {
		if (window > width || window > height)
			throw new IllegalArgumentException("window: " + window + " px is larger than the " + width + "x" + height + " image");
		if (coarseWindow > width || coarseWindow > height)
			throw new IllegalArgumentException("coarse_window: " + coarseWindow + " px is larger than the " + width + "x" + height + " image");
	}

	/** Window start positions along an axis of {@code size} pixels. */
	static int[] starts(final int size, final int window, final int stride) {
		final List<Integer> s = new ArrayList<>();
		int x = 0;
		for (; x + window <= size; x += stride)
			s.add(x);
		if (s.get(s.size() - 1) + window < size) s.add(size - window);
		return s.stream().mapToInt(Integer::intValue).toArray();
	}

	/**
	 * The top-left corners {@code (x, y)} of the windows of a plain pass on a {@code width x height} image: all of
	 * them, or those that intersect {@code region} when it is not null.
	 */
	public int[][] windows(final int width, final int height, final Roi region) {
		validate(width, height);
		return windows(width, height, window, stride, region);
	}

	private static int[][] windows(final int width, final int height, final int window, final int stride, final Roi region) {
		final int[] xs = starts(width, window, stride), ys = starts(height, window, stride);
		final List<int[]> out = new ArrayList<>();
		for (final int y : ys)
			for (final int x : xs)
				if (region == null || region.intersects(x, y, window, window)) out.add(new int[] { x, y });
		return out.toArray(new int[0][]);
	}

	@Override
	float[] explain(final ExplanationRun run) {
		final int w = run.width(), h = run.height();
		if (!refines()) return pass(run, window, windows(w, h, window, stride, run.region)).saliency();
		final Pass coarse = pass(run, coarseWindow, windows(w, h, coarseWindow, coarseStride, run.region));
		final float[] map = coarse.saliency();
		double max = 0;
		for (int p = 0; p < map.length; p++)
			if (coarse.count[p] > 0) max = Math.max(max, map[p]);
		final boolean[] refined = new boolean[w * h];
		int area = 0;
		if (max > 0) for (int p = 0; p < map.length; p++)
			if (coarse.count[p] > 0 && map[p] >= fraction * max && (run.region == null || run.region.contains(p))) {
				refined[p] = true;
				area++;
			}
		run.note("coarse_evaluations", coarse.windows);
		run.note("refined_fraction", area / (double) (w * h));
		final float scale = (float) ((window / (double) coarseWindow) * (window / (double) coarseWindow));
		final float[] saliency = new float[w * h];
		for (int p = 0; p < saliency.length; p++)
			saliency[p] = map[p] * scale;
		if (area == 0) {
			run.note("fine_evaluations", 0);
			return saliency;
		}
		final Roi region = Roi.ofMask(w, h, refined, "refined region");
		final Pass fine = pass(run, window, windows(w, h, window, stride, region));
		run.note("fine_evaluations", fine.windows);
		final float[] detail = fine.saliency();
		for (int p = 0; p < saliency.length; p++)
			if (refined[p]) saliency[p] = detail[p];
		return saliency;
	}

	/** What one pass of windows gave: the summed importance and the count of windows over each pixel. */
	private static final class Pass {

		final double[] sum;
		final int[] count;
		final int windows;

		Pass(final int pixels, final int windows) {
			sum = new double[pixels];
			count = new int[pixels];
			this.windows = windows;
		}

		/** Mean importance of the windows over each pixel; 0 where none. */
		float[] saliency() {
			final float[] s = new float[sum.length];
			for (int p = 0; p < s.length; p++)
				if (count[p] > 0) s[p] = (float) (sum[p] / count[p]);
			return s;
		}
	}

	/** Evaluates {@code windows} (top-left corners) of side {@code size}. */
	private Pass pass(final ExplanationRun run, final int size, final int[][] windows) {
		final int w = run.width(), h = run.height(), c = run.channels();
		final float[] image = run.image.data(), baseline = run.baseline.data();
		final Pass pass = new Pass(w * h, windows.length);
		run.scores(new LocalPerturbationSet() {

			@Override
			public int size() {
				return windows.length;
			}

			@Override
			public int[] changed(final int i) {
				return new int[] { windows[i][0], windows[i][1], size, size };
			}

			@Override
			public void build(final int i, final float[] dest, final int offset) {
				build(i, 0, 0, w, h, dest, offset);
			}

			@Override
			public void build(final int i, final int x, final int y, final int cw, final int ch, final float[] dest, final int offset) {
				if (x == 0 && cw == w) System.arraycopy(image, y * w * c, dest, offset, cw * ch * c);
				else for (int v = 0; v < ch; v++)
					System.arraycopy(image, ((y + v) * w + x) * c, dest, offset + v * cw * c, cw * c);
				// the window's part inside the crop (all of it, for the crops the evaluator makes)
				final int x0 = Math.max(windows[i][0], x), x1 = Math.min(windows[i][0] + size, x + cw);
				final int y0 = Math.max(windows[i][1], y), y1 = Math.min(windows[i][1] + size, y + ch);
				if (x1 > x0) for (int v = y0; v < y1; v++)
					System.arraycopy(baseline, (v * w + x0) * c, dest, offset + ((v - y) * cw + x0 - x) * c, (x1 - x0) * c);
			}

			@Override
			public void scored(final int i, final double score) {
				final double importance = run.reference - score;
				final int x0 = windows[i][0], y0 = windows[i][1];
				for (int y = y0; y < y0 + size; y++)
					for (int x = x0, p = y * w + x0; x < x0 + size; x++, p++) {
						pass.sum[p] += importance;
						pass.count[p]++;
					}
			}
		});
		return pass;
	}
}
