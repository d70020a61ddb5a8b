package io.github.xaiclip.image;

import java.nio.file.Path;
import java.util.Arrays;

import io.github.xaiclip.testing.FuzzContract;

/**
 * What the image fuzz targets check besides the contract: {@link Images#open}, which reads the slices the
 * explanations stream, gives what {@link Images#read} gives for the same file, slice by slice and in the order it
 * says is cheapest, or refuses it in one line as well.
 */
final class StreamingAgreement {

	private StreamingAgreement() {}

	/**
	 * @param whole what {@link Images#read} gave for {@code file}, or null when it refused it
	 * @throws AssertionError when the two readers disagree, or the streaming one breaks the contract
	 */
	static void check(final Path file, final Images.Loaded whole) {
		final SliceSource s;
		try {
			s = Images.open(file);
		}
		catch (final IllegalArgumentException e) {
			FuzzContract.userError(e, file.getFileName().toString()); // NIfTI messages name the file by its name
			if (whole != null) throw new AssertionError("read whole as " + whole.volume() + ", but refused slice by slice: " + e.getMessage(), e);
			return;
		}
		try {
			final Volume v = whole == null ? null : whole.volume();
			if (v != null && (v.width() != s.width() || v.height() != s.height() || v.depth() != s.depth()))
				throw new AssertionError("read whole as " + v + ", slice by slice as " + s.width() + " x " + s.height() + " x " + s.depth());
			// slice by slice, without gathering them: a header may claim far more than the data hold, which only the
			// slices' reading finds out
			final int area = s.width() * s.height();
			for (final int z : s.readingOrder()) {
				final float[] slice;
				try {
					slice = s.slice(z);
				}
				catch (final IllegalArgumentException e) {
					FuzzContract.userError(e, file.getFileName().toString()); // NIfTI messages name the file by its name
					if (v != null) throw new AssertionError("read whole as " + v + ", but slice " + z + " is refused: " + e.getMessage(), e);
					return;
				}
				if (v != null && !Arrays.equals(slice, 0, area, v.values(), z * area, (z + 1) * area))
					throw new AssertionError("slice " + z + " differs read whole and slice by slice");
			}
			if (v == null) throw new AssertionError("refused whole, but read slice by slice as " + s.width() + " x " + s.height() + " x " + s.depth());
			final double[] mm = s.voxelSizeMm();
			if (whole.calibrated() != (mm != null) || mm != null && !Arrays.equals(whole.pixelSizeMm(), Arrays.copyOf(mm, 2)))
				throw new AssertionError("pixel size " + Arrays.toString(whole.pixelSizeMm()) + " read whole, " + Arrays.toString(mm) + " slice by slice");
		}
		finally {
			s.close();
		}
	}
}
