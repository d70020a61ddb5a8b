package io.github.xaiclip.image;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A volume already in memory, served slice by slice: what {@link Images#open} gives for a file that cannot be read
 * one slice at a time (a compressed TIFF, a NIfTI stored with its slices across the patient's long axis, a single
 * DICOM file).
 */
final class MemorySlices implements SliceSource {

	private final String name;
	private final Volume volume;
	private final double[] voxelSizeMm;
	private final List<String> notes;

	/**
	 * @param voxelSizeMm {x, y, z} in mm, or null when the file has no physical calibration
	 */
	MemorySlices(final String name, final Volume volume, final double[] voxelSizeMm, final List<String> notes) {
		this.name = name;
		this.volume = volume;
		this.voxelSizeMm = voxelSizeMm == null ? null : voxelSizeMm.clone();
		this.notes = Collections.unmodifiableList(new ArrayList<>(notes));
	}

	/** What {@link Images#read} gave, as slices. */
	static MemorySlices of(final String name, final Images.Loaded loaded) {
		return new MemorySlices(name, loaded.volume(), loaded.calibrated() ? loaded.volume().voxelSize() : null, loaded.notes());
	}

	@Override
	public String name() {
		return name;
	}

	@Override
	public int width() {
		return volume.width();
	}

	@Override
	public int height() {
		return volume.height();
	}

	@Override
	public int depth() {
		return volume.depth();
	}

	@Override
	public double[] voxelSizeMm() {
		return voxelSizeMm == null ? null : voxelSizeMm.clone();
	}

	@Override
	public List<String> notes() {
		return notes;
	}

	@Override
	public int[] readingOrder() {
		final int[] order = new int[depth()];
		for (int z = 0; z < order.length; z++)
			order[z] = z;
		return order;
	}

	@Override
	public float[] slice(final int z) {
		if (z < 0 || z >= depth()) throw new IndexOutOfBoundsException(name + ": slice " + z + " is outside 0.." + (depth() - 1));
		final int plane = width() * height();
		final float[] out = new float[plane];
		System.arraycopy(volume.values(), z * plane, out, 0, plane);
		return out;
	}

	/** The whole volume. */
	@Override
	public long residentBytes() {
		return 4L * width() * height() * depth();
	}

	@Override
	public void close() {
		// nothing held but memory
	}
}
