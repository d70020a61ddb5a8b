package io.github.xaiclip.explain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

import io.github.xaiclip.roi.Roi;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

/**
 * The result of explaining one 2D image: the saliency map and everything needed to reproduce and judge it.
 */
public final class Explanation {

	private final ArrayImg<FloatType, FloatArray> saliency;
	private final Roi roi;
	private final Roi targetRegion;
	private final String method;
	private final Mode mode;
	private final String targetClass;
	private final Map<String, Object> parameters;
	private final OptionalLong seed;
	private final long evaluations;
	private final long pixels;
	private final double seconds;
	private final double referenceScore;

	Explanation(final float[] saliency, final int width, final int height, final Roi roi, final Roi targetRegion, final String method,
		final Mode mode, final String targetClass, final Map<String, Object> parameters, final OptionalLong seed, final long evaluations,
		final long pixels, final double seconds, final double referenceScore)
	{
		this.saliency = ArrayImgs.floats(saliency, width, height);
		this.roi = roi;
		this.targetRegion = targetRegion;
		this.method = method;
		this.mode = mode;
		this.targetClass = targetClass;
		this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
		this.seed = seed;
		this.evaluations = evaluations;
		this.pixels = pixels;
		this.seconds = seconds;
		this.referenceScore = referenceScore;
	}

	/** The saliency map {@code (x, y)}; 0 where nothing was perturbed. */
	public ArrayImg<FloatType, FloatArray> saliency() {
		return saliency;
	}

	/** The saliency values, indexed {@code y * width + x} (shared with {@link #saliency()}). */
	public float[] saliencyValues() {
		return saliency.update(null).getCurrentStorageArray();
	}

	public int width() {
		return (int) saliency.dimension(0);
	}

	public int height() {
		return (int) saliency.dimension(1);
	}

	/** The region perturbations were confined to (the ROI grown by the margin), or null in full mode. */
	public Roi roi() {
		return roi;
	}

	/** The pixels whose mean probability was scored. */
	public Roi targetRegion() {
		return targetRegion;
	}

	public String method() {
		return method;
	}

	public Mode mode() {
		return mode;
	}

	public String targetClass() {
		return targetClass;
	}

	/**
	 * Every parameter: the method's, then {@code mode}, {@code target}, {@code roi_margin}, {@code batch_size}, the
	 * evaluation path ({@code evaluation}: {@code cropped} or {@code full-image}; {@code evaluation_reason};
	 * {@code receptive_field}, and {@code probe_evaluations} when this explanation probed it), then figures of
	 * the run (a refined occlusion's {@code coarse_evaluations}, {@code refined_fraction},
	 * {@code fine_evaluations}).
	 */
	public Map<String, Object> parameters() {
		return parameters;
	}

	public OptionalLong seed() {
		return seed;
	}

	/** Images run through the model, the unperturbed reference included. */
	public long evaluations() {
		return evaluations;
	}

	/**
	 * Input pixels run through the model: the area of each evaluated image or crop, summed (the reference
	 * included), the model's work. A probe of the receptive field is not included.
	 */
	public long pixels() {
		return pixels;
	}

	/** Wall time of the whole explanation. */
	public double seconds() {
		return seconds;
	}

	/** Fraction of the image that perturbations could touch: the ROI's area, or 1 in full mode. */
	public double roiFraction() {
		return roi == null ? 1 : roi.areaFraction();
	}

	/** The score of the unperturbed image. */
	public double referenceScore() {
		return referenceScore;
	}

	@Override
	public String toString() {
		return method + " (" + mode.id() + ") of " + targetClass + ": " + evaluations + " evaluations, " + String.format("%.3f s", seconds) + ", roi fraction "
			+ String.format("%.3f", roiFraction());
	}
}
