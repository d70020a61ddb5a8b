package io.github.xaiclip.image;

import java.util.List;

/**
 * A volume read one axial slice at a time, in the display convention (see {@link Volume}), so that a scan larger
 * than memory can be explained slice by slice. Opened by {@link Images#open}; not thread-safe.
 */
public interface SliceSource extends AutoCloseable {

	/** The file (or folder) name, for messages and tables. */
	String name();

	int width();

	int height();

	int depth();

	/** Voxel size {x, y, z} in mm, or null when the file has no physical calibration. */
	double[] voxelSizeMm();

	/** Conversions made while reading (e.g. RGB to grey), one sentence each. */
	List<String> notes();

	/**
	 * The display slice indices (0-based) in the order they are cheapest to read: file order for a compressed
	 * stream, whose slices can only be reached one after the other.
	 */
	int[] readingOrder();

	/**
	 * The values of display slice {@code z} (0-based), {@code x + width * y}; a new array on every call.
	 *
	 * @throws IllegalArgumentException naming the file when its data are truncated or unreadable
	 */
	float[] slice(int z);

	/** Bytes this source holds in memory beyond one slice (0 for a streaming source). */
	long residentBytes();

	@Override
	void close();
}
