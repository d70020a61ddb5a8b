package io.github.xaiclip.pipeline;

import java.util.Locale;

import io.github.xaiclip.model.GridAdaptedModel;
import io.github.xaiclip.model.SegmentationModel;

/**
 * How much memory one slice's explanation may take, and the batch size that keeps it there. The estimate counts
 * what the explanation allocates per slice (the slice, its preprocessed copy and baseline, the saliency
 * accumulators) and per perturbed image of a batch (two input buffers, the output on the image's grid, and on the
 * model's grid the input, output and {@value #ACTIVATION_FLOATS} floats of activations per pixel, a generous figure
 * for the U-Nets this tool is made for). A model that needs more still works: TensorFlow's out-of-memory answer
 * halves the batch.
 */
public final class MemoryBudget {

	/** Activation values per model pixel and image, assumed. */
	public static final int ACTIVATION_FLOATS = 96;

	/** Floats per image pixel held once per slice. */
	private static final int SLICE_FLOATS = 12;

	private final long bytes;

	private MemoryBudget(final long bytes) {
		this.bytes = bytes;
	}

	/** A budget of {@code bytes}. */
	public static MemoryBudget of(final long bytes) {
		if (bytes < 1) throw new IllegalArgumentException("memory_budget: expected a positive size, got " + bytes);
		return new MemoryBudget(bytes);
	}

	/** Half of what this JVM may allocate: the default. */
	public static MemoryBudget auto() {
		return new MemoryBudget(Runtime.getRuntime().maxMemory() / 2);
	}

	/** "512m", "2g", "1500000k" or plain bytes. */
	public static MemoryBudget parse(final String s) {
		final String t = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
		final java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)b?").matcher(t);
		if (!m.matches()) throw new IllegalArgumentException("memory_budget: expected a size such as 512m or 2g, got '" + s + "'");
		final double v = Double.parseDouble(m.group(1));
		final int shift = "kmgt".indexOf(m.group(2).isEmpty() ? "x" : m.group(2)) + 1;
		final double b = v * Math.pow(1024, shift);
		if (!(b >= 1) || b > Long.MAX_VALUE / 2) throw new IllegalArgumentException("memory_budget: expected a size such as 512m or 2g, got '" + s + "'");
		return new MemoryBudget((long) b);
	}

	public long bytes() {
		return bytes;
	}

	/** Bytes held once per slice of {@code w x h} pixels with {@code channels} channels. */
	static long perSlice(final int w, final int h, final int channels) {
		return 4L * w * h * (SLICE_FLOATS + 2L * channels);
	}

	/** Bytes per perturbed image of a batch. */
	static long perImage(final int w, final int h, final int channels, final int classes, final int mw, final int mh) {
		return 4L * w * h * (2L * channels + classes) + 4L * mw * mh * ((long) channels + classes + ACTIVATION_FLOATS);
	}

	/**
	 * The largest batch size up to {@code requested} whose estimate fits.
	 *
	 * @throws IllegalArgumentException when even one image does not fit, saying how much it needs
	 */
	public int batchSize(final SegmentationModel model, final int w, final int h, final int requested, final String where) {
		final int c = model.inputSpec().channels(), k = model.numClasses();
		final int[] grid = model instanceof GridAdaptedModel ? ((GridAdaptedModel) model).modelGrid(w, h) : new int[] { w, h };
		final long fixed = perSlice(w, h, c), each = perImage(w, h, c, k, grid[0], grid[1]);
		final long room = bytes - fixed;
		if (room < each)
			throw new IllegalArgumentException(where + ": a " + w + "x" + h + " slice (the model runs at " + grid[0] + "x" + grid[1] + ") needs about "
				+ mb(fixed + each) + " to explain at batch size 1; the memory budget is " + mb(bytes)
				+ ". Raise memory_budget (and Java's -Xmx) or crop the image");
		return (int) Math.max(1, Math.min(requested, room / each));
	}

	static String mb(final long bytes) {
		return String.format(Locale.ROOT, "%.0f MB", bytes / 1048576.0);
	}

	@Override
	public String toString() {
		return mb(bytes);
	}
}
