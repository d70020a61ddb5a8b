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
	 * image for the same {@code i} every time, whatever the order of calls, and may be called from another thread
	 * than the one that made the set.
	 */
	void build(int i, float[] dest, int offset);
}
