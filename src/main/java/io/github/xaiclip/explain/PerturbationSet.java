package io.github.xaiclip.explain;

/**
 * The perturbed images of one explanation, built on demand by index so that none needs to be kept: the evaluator
 * asks for each one while it fills a batch.
 */
public interface PerturbationSet {

	/** How many perturbed images. */
	int size();

	/**
	 * Writes perturbed image {@code i}, packed {@code yxc}, into {@code dest} from {@code offset}. Must give the same
	 * image for the same {@code i} every time, whatever the order of calls. It is called from another thread than
	 * the one that made the set; {@code build} and {@link #scored} are called from one thread, never at once.
	 */
	void build(int i, float[] dest, int offset);

	/**
	 * Told the score of image {@code i} once it is known, on the thread that builds batches, so that accumulating
	 * results hides behind the model's next batch. Scores come in index order, except that cropped evaluations of a
	 * {@link LocalPerturbationSet} come grouped by crop size (in index order within a group). The default does
	 * nothing.
	 */
	default void scored(final int i, final double score) {}
}
