package io.github.xaiclip.explain;

import java.util.SplittableRandom;

/** Independent random streams per perturbation index, so results do not depend on batching or threads. */
final class Seeds {

	private Seeds() {}

	/** The random stream of perturbation {@code index} of a run seeded with {@code seed}. */
	static SplittableRandom stream(final long seed, final long index) {
		return new SplittableRandom(mix(mix(seed) + index * 0x9E3779B97F4A7C15L));
	}

	/** SplitMix64's finalizer. */
	static long mix(long z) {
		z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
		return z ^ (z >>> 31);
	}
}
