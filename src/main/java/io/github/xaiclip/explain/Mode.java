package io.github.xaiclip.explain;

import java.util.Locale;

/** Where perturbations go: over the whole image (the conventional baseline) or only in a region of interest. */
public enum Mode {

	/** Perturb the whole image. */
	FULL,

	/** Perturb only in (and around) the region of interest. */
	ROI;

	/** {@code full} or {@code roi}, as users type it. */
	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static Mode parse(final String s) {
		for (final Mode m : values())
			if (m.id().equalsIgnoreCase(s == null ? "" : s.trim())) return m;
		throw new IllegalArgumentException("mode: expected 'full' or 'roi', got '" + s + "'");
	}
}
