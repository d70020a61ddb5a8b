package io.github.xaiclip.model;

import java.util.List;

/**
 * A CLIP-like dense vision-language model: an image encoder giving one embedding per patch of a grid, and a text
 * encoder giving one embedding per text, in the same space. Arrays are packed as for {@link SegmentationModel}.
 */
public interface VisionLanguageModel extends AutoCloseable {

	/** Channels and image sizes the image encoder accepts. */
	InputSpec inputSpec();

	/** Templates such as {@code "a CT image of the {}"}; a prompt is put in each and the embeddings averaged. */
	List<String> promptTemplates();

	/**
	 * Patch embeddings of {@code batch} preprocessed images, packed {@code [batch, gridHeight, gridWidth, dim]}.
	 *
	 * @param input {@code batch x height x width x channels} values, packed {@code byxc}
	 */
	PatchEmbeddings encodeImages(float[] input, int batch, int height, int width);

	/** One embedding per text, {@code [texts.size()][dim]}. */
	float[][] encodeTexts(List<String> texts);

	@Override
	default void close() {}

	/** Patch embeddings with their grid. */
	final class PatchEmbeddings {

		public final int batch, gridHeight, gridWidth, dim;
		/** {@code [batch, gridHeight, gridWidth, dim]}, packed. */
		public final float[] values;

		public PatchEmbeddings(final int batch, final int gridHeight, final int gridWidth, final int dim, final float[] values) {
			if (values.length != (long) batch * gridHeight * gridWidth * dim)
				throw new IllegalArgumentException("patch embeddings: " + values.length + " values do not fill " + batch + "x" + gridHeight + "x" + gridWidth
					+ "x" + dim);
			this.batch = batch;
			this.gridHeight = gridHeight;
			this.gridWidth = gridWidth;
			this.dim = dim;
			this.values = values;
		}
	}
}
