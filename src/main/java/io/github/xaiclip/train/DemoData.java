package io.github.xaiclip.train;

import io.github.xaiclip.image.Volume;
import net.imglib2.view.Views;

/**
 * The scan of a {@link DemoDomain} as 2D training slices: axial slices preprocessed one by one as the domain's
 * descriptor says (as the plugin preprocesses a slice it is given), padded (centred, with 0) to the domain's U-Net
 * slice size, with the label values mapped to the domain's classes. The U-Net learns on these; the CLIP-like model,
 * whose input is fixed, on the same slices padded further to {@value #SIZE} x {@value #SIZE} ({@link #clip}), which
 * centres them where padding the scan's slices directly would (the U-Net sizes differ from {@value #SIZE} by even
 * numbers). A fixed split: slices {@code z % 5 == 2} validate, the others train.
 */
public final class DemoData {

	/** Side of the square slices the CLIP-like models take. */
	public static final int SIZE = 128;

	final Slices train, validation;

	private DemoData(final Slices train, final Slices validation) {
		this.train = train;
		this.validation = validation;
	}

	/** Slices prepared elsewhere (synthetic ones in tests), without padding. */
	static DemoData of(final Slices train, final Slices validation) {
		return new DemoData(train, validation);
	}

	/** {@code slices} as the CLIP-like model takes them: padded to {@value #SIZE} x {@value #SIZE}. */
	static Slices clip(final Slices slices) {
		return slices.padded(SIZE, SIZE);
	}

	/** Whether slice {@code z} is a validation slice. */
	public static boolean isValidation(final int z) {
		return z % 5 == 2;
	}

	static DemoData of(final DemoDomain domain, final Volume scan, final Volume labels) {
		if (scan.width() != labels.width() || scan.height() != labels.height() || scan.depth() != labels.depth())
			throw new IllegalArgumentException("labels: " + labels.width() + "x" + labels.height() + "x" + labels.depth() + " do not match the scan's "
				+ scan.width() + "x" + scan.height() + "x" + scan.depth());
		if (scan.width() > domain.unetWidth || scan.height() > domain.unetHeight)
			throw new IllegalArgumentException("scan: slices of " + scan.width() + "x" + scan.height() + " do not fit " + domain.unetWidth + "x"
				+ domain.unetHeight);
		final int w = scan.width(), h = scan.height();
		final Slices train = new Slices(w, h), validation = new Slices(w, h);
		for (int z = 0; z < scan.depth(); z++) {
			final float[] image = domain.preprocessing.apply(Views.hyperSlice(scan.image(), 2, z)).data();
			final byte[] label = new byte[w * h];
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++)
					label[y * w + x] = (byte) domain.classOf(labels.get(x, y, z));
			(isValidation(z) ? validation : train).add("z" + z, image, label);
		}
		return new DemoData(train.padded(domain.unetWidth, domain.unetHeight), validation.padded(domain.unetWidth, domain.unetHeight));
	}
}
