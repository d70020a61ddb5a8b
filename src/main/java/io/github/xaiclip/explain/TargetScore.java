package io.github.xaiclip.explain;

/**
 * The score of one model output: mean probability of one class over a fixed set of pixels. Reduces a whole output
 * image to one number as soon as it is produced.
 */
public final class TargetScore {

	private final int classIndex;
	private final int numClasses;
	private final int[] pixels;

	/**
	 * @param classIndex the output channel scored
	 * @param numClasses output channels per pixel
	 * @param pixels     indices {@code y * width + x} of the scored pixels (not copied)
	 */
	public TargetScore(final int classIndex, final int numClasses, final int[] pixels) {
		if (pixels.length == 0) throw new IllegalArgumentException("target: the target region is empty");
		this.classIndex = classIndex;
		this.numClasses = numClasses;
		this.pixels = pixels;
	}

	/** The score of the output image that starts at {@code offset} of {@code output} (packed {@code yxc}). */
	public double score(final float[] output, final int offset) {
		double sum = 0;
		final int base = offset + classIndex;
		for (final int p : pixels)
			sum += output[base + p * numClasses];
		return sum / pixels.length;
	}

	int classIndex() {
		return classIndex;
	}

	int numClasses() {
		return numClasses;
	}

	/** The scored pixel indices (shared, not copied). */
	int[] pixels() {
		return pixels;
	}

	public int area() {
		return pixels.length;
	}

	/** The score over the pixels of {@code region} of class {@code classIndex}. */
	public static TargetScore over(final io.github.xaiclip.roi.Roi region, final int classIndex, final int numClasses) {
		final int[] idx = new int[region.area()];
		for (int p = 0, i = 0; p < region.width() * region.height(); p++)
			if (region.contains(p)) idx[i++] = p;
		return new TargetScore(classIndex, numClasses, idx);
	}
}
