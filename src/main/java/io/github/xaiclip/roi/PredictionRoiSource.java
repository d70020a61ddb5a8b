package io.github.xaiclip.roi;

import io.github.xaiclip.model.PackedImage;
import io.github.xaiclip.model.SegmentationModel;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;

/**
 * The region the segmentation model itself predicts for a class ({@code P >= threshold}), grown by a margin: "explain
 * the liver where the model sees the liver". Costs one model evaluation per image.
 */
public final class PredictionRoiSource implements RoiSource {

	private final SegmentationModel model;
	private final String className;
	private final double threshold, margin;

	/**
	 * @param margin pixels the predicted region is grown by
	 */
	public PredictionRoiSource(final SegmentationModel model, final String className, final double threshold, final double margin) {
		if (!(threshold > 0 && threshold < 1)) throw new IllegalArgumentException("threshold: expected a probability in (0, 1), got " + threshold);
		if (!(margin >= 0) || Double.isInfinite(margin)) throw new IllegalArgumentException("roi_margin: expected a finite value >= 0, got " + margin);
		model.classIndex(className); // refuses an unknown class now
		this.model = model;
		this.className = className;
		this.threshold = threshold;
		this.margin = margin;
	}

	@Override
	public Roi regionFor(final RandomAccessibleInterval<? extends RealType<?>> image) {
		final PackedImage in = PackedImage.of(image);
		final int w = in.width(), h = in.height(), k = model.numClasses(), c = model.classIndex(className);
		final float[] out = new float[w * h * k];
		model.predict(in.data(), 1, h, w, out);
		final boolean[] mask = new boolean[w * h];
		boolean any = false;
		for (int p = 0; p < mask.length; p++)
			any |= mask[p] = out[p * k + c] >= threshold;
		if (!any) throw new IllegalArgumentException("roi: the model predicts no pixel of class '" + className + "' at p >= " + threshold + " on this image");
		return Roi.ofMask(w, h, mask, "roi").dilate(margin);
	}

	@Override
	public String describe() {
		return "prediction of " + className + " (p >= " + threshold + ", margin " + margin + " px)";
	}
}
