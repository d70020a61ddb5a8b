package io.github.xaiclip.roi;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;

/**
 * Where the region that guides an explanation comes from: a mask, a label image, a selection, a text prompt, the
 * model's own prediction. The explanation engine takes any of them.
 */
public interface RoiSource {

	/**
	 * The region for {@code image}, on its grid.
	 *
	 * @param image the 2D image being explained, {@code (x, y)} or {@code (x, y, c)}
	 * @throws IllegalArgumentException when the region cannot be made for this image, with the reason
	 */
	Roi regionFor(RandomAccessibleInterval<? extends RealType<?>> image);

	/** One line for logs and result tables, e.g. {@code label 5 of liver.tif}. */
	String describe();
}
