package io.github.xaiclip.train;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import io.github.xaiclip.image.Volume;

/**
 * The abdominal CT of the demo as 2D training slices: axial slices windowed to [-160, 240] HU and scaled to [0, 1],
 * padded (centred, with 0 = air) to {@value #SIZE} x {@value #SIZE}, with the TotalSegmentator labels mapped to the
 * demo classes. A fixed split: slices {@code z % 5 == 2} validate, the others train.
 */
public final class DemoData {

	/** Side of the square slices the demo models take. */
	public static final int SIZE = 128;

	/** The classes of the CT segmentation model, in output order. */
	public static final List<String> CLASSES = Collections
		.unmodifiableList(Arrays.asList("background", "liver", "spleen", "kidney_right", "kidney_left", "stomach"));

	/** TotalSegmentator label values of {@link #CLASSES} (background: everything else). */
	static final int[] LABELS = { 0, 5, 1, 2, 3, 6 };

	/** HU window of the demo models. */
	public static final float WINDOW_MIN = -160, WINDOW_MAX = 240;

	final Slices train, validation;

	private DemoData(final Slices train, final Slices validation) {
		this.train = train;
		this.validation = validation;
	}

	/** Slices prepared elsewhere (synthetic ones in tests), without padding. */
	static DemoData of(final Slices train, final Slices validation) {
		return new DemoData(train, validation);
	}

	/** Whether slice {@code z} is a validation slice. */
	public static boolean isValidation(final int z) {
		return z % 5 == 2;
	}

	static DemoData ct(final Volume ct, final Volume labels) {
		if (ct.width() != labels.width() || ct.height() != labels.height() || ct.depth() != labels.depth())
			throw new IllegalArgumentException("labels: " + labels.width() + "x" + labels.height() + "x" + labels.depth() + " do not match the CT's "
				+ ct.width() + "x" + ct.height() + "x" + ct.depth());
		if (ct.width() > SIZE || ct.height() > SIZE)
			throw new IllegalArgumentException("ct: slices of " + ct.width() + "x" + ct.height() + " do not fit " + SIZE + "x" + SIZE);
		final int ox = (SIZE - ct.width()) / 2, oy = (SIZE - ct.height()) / 2;
		final Slices train = new Slices(SIZE, SIZE), validation = new Slices(SIZE, SIZE);
		for (int z = 0; z < ct.depth(); z++) {
			final float[] image = new float[SIZE * SIZE];
			final byte[] label = new byte[SIZE * SIZE];
			for (int y = 0; y < ct.height(); y++)
				for (int x = 0; x < ct.width(); x++) {
					final int p = (y + oy) * SIZE + x + ox;
					image[p] = window(ct.get(x, y, z));
					label[p] = (byte) classOf(labels.get(x, y, z));
				}
			(isValidation(z) ? validation : train).add("z" + z, image, label);
		}
		return new DemoData(train, validation);
	}

	static float window(final float hu) {
		return Math.min(1, Math.max(0, (hu - WINDOW_MIN) / (WINDOW_MAX - WINDOW_MIN)));
	}

	static int classOf(final float label) {
		for (int c = 1; c < LABELS.length; c++)
			if (label == LABELS[c]) return c;
		return 0;
	}
}
