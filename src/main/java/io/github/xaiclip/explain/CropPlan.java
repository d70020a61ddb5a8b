package io.github.xaiclip.explain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each perturbation of a local set is evaluated, for a model whose output changes at most {@code r} pixels
 * from a changed input pixel and whose crops must start at multiples of {@code align} (the stride, made a multiple
 * of the size the model needs).
 * <p>
 * Perturbation {@code i} changes its box {@code B}; the output then changes only in the <em>inner part</em>
 * {@code B} grown by {@code r} (clipped to the image). The model runs on a crop holding {@code B} grown by
 * {@code 2r}: every output pixel of the inner part is then at least {@code r} from any crop edge that is not an
 * image edge, so it sees exactly what it sees in the whole image, padding at true image edges included. Crops
 * start at multiples of {@code align} so that pooling grids match the whole image's, and all have one size
 * (wide enough for the largest box at any alignment), except that a crop reaching past the image's far edge is
 * moved back to the last aligned start and ends at the edge: at most four crop sizes, each batched on its own.
 */
final class CropPlan {

	private final int width, height;
	/** Crop and inner part of perturbation i: {x, y, w, h} and {x0, y0, x1, y1}. */
	private final int[][] crop, inner;
	/** Perturbation indices by crop size, in index order within each. */
	private final List<int[]> groups;
	private final int cropWidth, cropHeight;
	private final long pixels;

	private CropPlan(final int width, final int height, final int[][] crop, final int[][] inner, final List<int[]> groups, final int cropWidth,
		final int cropHeight)
	{
		this.width = width;
		this.height = height;
		this.crop = crop;
		this.inner = inner;
		this.groups = groups;
		this.cropWidth = cropWidth;
		this.cropHeight = cropHeight;
		long p = 0;
		for (final int[] k : crop)
			p += (long) k[2] * k[3];
		this.pixels = p;
	}

	/** The crops of every perturbation of {@code set} on a {@code width x height} image. */
	static CropPlan of(final LocalPerturbationSet set, final int width, final int height, final int radius, final int align) {
		final int n = set.size();
		final int[][] boxes = new int[n][];
		int maxW = 0, maxH = 0;
		for (int i = 0; i < n; i++) {
			final int[] b = boxes[i] = set.changed(i);
			if (b[2] < 1 || b[3] < 1 || b[0] < 0 || b[1] < 0 || b[0] + b[2] > width || b[1] + b[3] > height)
				throw new IllegalStateException("perturbation " + i + ": changed box " + java.util.Arrays.toString(b) + " is not inside the " + width + "x"
					+ height + " image");
			maxW = Math.max(maxW, b[2]);
			maxH = Math.max(maxH, b[3]);
		}
		final int cw = size(maxW, radius, align), ch = size(maxH, radius, align);
		final int[][] crop = new int[n][], inner = new int[n][];
		final Map<Long, List<Integer>> bySize = new LinkedHashMap<>();
		for (int i = 0; i < n; i++) {
			final int[] b = boxes[i];
			final int[] x = axis(b[0], width, cw, radius, align), y = axis(b[1], height, ch, radius, align);
			crop[i] = new int[] { x[0], y[0], x[1], y[1] };
			inner[i] = new int[] { Math.max(0, b[0] - radius), Math.max(0, b[1] - radius), Math.min(width, b[0] + b[2] + radius),
				Math.min(height, b[1] + b[3] + radius) };
			bySize.computeIfAbsent(((long) x[1] << 32) | y[1], k -> new ArrayList<>()).add(i);
		}
		final List<int[]> groups = new ArrayList<>();
		for (final List<Integer> g : bySize.values())
			groups.add(g.stream().mapToInt(Integer::intValue).toArray());
		return new CropPlan(width, height, crop, inner, groups, cw, ch);
	}

	/** Crop side for boxes up to {@code box} pixels: the box, {@code 2r} on each side, and room to align the start. */
	private static int size(final int box, final int radius, final int align) {
		final long s = (long) box + 4L * radius + align - 1;
		return (int) Math.min(Integer.MAX_VALUE - align, (s + align - 1) / align * align);
	}

	/** {start, length} of the crop along an axis of {@code n} pixels for a box starting at {@code b0}. */
	private static int[] axis(final int b0, final int n, final int size, final int radius, final int align) {
		if (size >= n) return new int[] { 0, n };
		int k0 = Math.max(0, Math.floorDiv(b0 - 2 * radius, align) * align);
		if (k0 + size <= n) return new int[] { k0, size };
		k0 = (n - size) / align * align;
		return new int[] { k0, n - k0 };
	}

	/** Whether any crop is smaller than the image. */
	boolean crops() {
		return cropWidth < width || cropHeight < height;
	}

	/** The crop side for boxes away from the far edges; the image is not cropped along an axis where it is no smaller. */
	int cropWidth() {
		return cropWidth;
	}

	int cropHeight() {
		return cropHeight;
	}

	/** Perturbation indices by crop size. */
	List<int[]> groups() {
		return groups;
	}

	/** {x, y, width, height} of perturbation {@code i}'s crop (shared, not copied). */
	int[] crop(final int i) {
		return crop[i];
	}

	/** {x0, y0, x1, y1} (ends exclusive) of the only output pixels that perturbation {@code i} can change. */
	int[] inner(final int i) {
		return inner[i];
	}

	/** Input pixels of all the crops together. */
	long pixels() {
		return pixels;
	}
}
