package io.github.xaiclip.explain;

/** Told how many model evaluations of an explanation are done. Called from the thread that runs the explanation. */
@FunctionalInterface
public interface ProgressListener {

	ProgressListener NONE = (done, total) -> {};

	void progress(long done, long total);
}
