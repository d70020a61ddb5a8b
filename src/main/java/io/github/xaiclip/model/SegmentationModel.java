package io.github.xaiclip.model;

import java.util.List;

/**
 * A segmentation model as the explanation engine sees it: a function from a batch of preprocessed 2D images to
 * per-class probabilities at every pixel.
 * <p>
 * Data travel as packed float arrays in {@code byxc} order (batch, row, column, channel; the channel varies
 * fastest), the layout TensorFlow uses, so that an implementation can wrap the arrays as tensors without copying.
 * The arrays may be longer than one call needs: only the first {@code batch * height * width * channels} input
 * values and {@code batch * height * width * classes} output values are meaningful. Callers reuse them across
 * calls.
 * <p>
 * Outputs are probabilities (an implementation applies the activation its model needs). An implementation is
 * deterministic: the same image gives the same output whatever else is in its batch.
 */
public interface SegmentationModel extends AutoCloseable {

	/** Channels and the image sizes the model accepts. */
	InputSpec inputSpec();

	/** Class names, in the order of the output channels. */
	List<String> classNames();

	default int numClasses() {
		return classNames().size();
	}

	/**
	 * Runs the model on {@code batch} images.
	 *
	 * @param input  {@code batch x height x width x channels} preprocessed values, packed {@code byxc}
	 * @param batch  the number of images in this call (at least 1)
	 * @param height image height in pixels
	 * @param width  image width in pixels
	 * @param output receives {@code batch x height x width x classes} probabilities, packed {@code byxc}
	 */
	void predict(float[] input, int batch, int height, int width, float[] output);

	/**
	 * How far a change of the input reaches in the output, in this model's input pixels, as the model declares it:
	 * bounded (cropped evaluation is exact), global (it is not), or null when the model declares nothing (the
	 * default; an explanation engine may then estimate it by probing).
	 */
	default ReceptiveField receptiveField() {
		return null;
	}

	/** Index of a class by name. */
	default int classIndex(final String name) {
		final int i = classNames().indexOf(name);
		if (i < 0) throw new IllegalArgumentException("target: no class '" + name + "'; the model has " + classNames());
		return i;
	}

	/** Releases what the model holds (native memory, sessions). The default holds nothing. */
	@Override
	default void close() {}
}
