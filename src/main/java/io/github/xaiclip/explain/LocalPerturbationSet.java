package io.github.xaiclip.explain;

/**
 * Perturbed images that each differ from the unperturbed image only inside a box (an occlusion window), so that
 * the evaluator can run the model on a crop around the box instead of the whole image when the model's receptive
 * field is bounded (see {@link BatchedEvaluator}).
 */
public interface LocalPerturbationSet extends PerturbationSet {

	/**
	 * The box {@code {x, y, width, height}} outside which perturbed image {@code i} equals the unperturbed image;
	 * inside the image, not empty.
	 */
	int[] changed(int i);

	/**
	 * Writes the part {@code [x, x + width) x [y, y + height)} of perturbed image {@code i}, packed {@code yxc},
	 * into {@code dest} from {@code offset}; called, like {@link #build}, from the thread that builds batches.
	 */
	void build(int i, int x, int y, int width, int height, float[] dest, int offset);
}
