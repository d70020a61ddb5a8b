package io.github.xaiclip.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import ij.ImagePlus;
import ij.measure.Calibration;
import ij.plugin.DICOM;

/**
 * A folder of DICOM files forming one series, read one slice at a time: the headers alone are read when the folder
 * is opened, to order the slices by Image Position (Patient) along the slice normal and to check that they form one
 * series of one size; each file's pixels are read when its slice is asked for (each slice with its own rescale
 * slope and intercept). {@link Images#read} gathers these same slices, so both give the same values.
 * <p>
 * The calibration is that of the first slice in position order, with the slice spacing taken from the positions
 * (their span over the number of gaps) when they differ.
 */
final class DicomSlices implements SliceSource {

	private final Path folder;
	private final Path[] files;
	private final int width, height;
	private final double[] voxelSizeMm;
	private final List<String> notes;

	private DicomSlices(final Path folder, final Path[] files, final int width, final int height, final double[] voxelSizeMm, final List<String> notes) {
		this.folder = folder;
		this.files = files;
		this.width = width;
		this.height = height;
		this.voxelSizeMm = voxelSizeMm;
		this.notes = Collections.unmodifiableList(notes);
	}

	/**
	 * Reads the headers of the DICOM files in {@code folder} (other files are ignored) and the pixels of the first
	 * slice, for its calibration.
	 *
	 * @throws IllegalArgumentException naming the folder or file: no DICOM files, a file without position or
	 *                                  orientation, more than one series, slices of different sizes, a file whose
	 *                                  header cannot be read
	 */
	static DicomSlices open(final Path folder) {
		final List<Path> all = new ArrayList<>();
		try (Stream<Path> s = Files.list(folder)) {
			s.filter(p -> Files.isRegularFile(p) && !p.getFileName().toString().startsWith(".")).sorted().forEach(all::add);
		}
		catch (final IOException e) {
			throw new IllegalArgumentException(folder + ": cannot list the folder: " + e.getMessage());
		}
		final List<Path> files = new ArrayList<>();
		final List<Double> positions = new ArrayList<>();
		double[] normal = null;
		String series = null;
		int w = -1, h = -1;
		for (final Path f : all) {
			if (!Images.isDicom(f)) continue;
			DicomCheck.check(f);
			final String info = Images.quietly(() -> new DICOM().getInfo(f.toString()));
			final double[] size = Images.numbers(tag(info, "0028,0010") + "\\" + tag(info, "0028,0011"), 2);
			// a header that ends before the pixel data: ImageJ stopped decoding it (compressed, truncated)
			if (size == null || tag(info, "7FE0,0010") == null)
				throw new IllegalArgumentException(f + ": cannot be read as a DICOM image (truncated, compressed or not DICOM)");
			final double[] pos = Images.numbers(tag(info, "0020,0032"), 3);
			final double[] iop = Images.numbers(tag(info, "0020,0037"), 6);
			if (pos == null || iop == null)
				throw new IllegalArgumentException(f + ": no Image Position/Orientation (Patient); cannot order the series in " + folder);
			final String uid = tag(info, "0020,000E");
			if (series == null) series = uid;
			else if (uid != null && !uid.equals(series))
				throw new IllegalArgumentException(folder + ": holds more than one DICOM series (" + series + ", " + uid + "); expected one series per folder");
			if (normal == null)
				normal = new double[] { iop[1] * iop[5] - iop[2] * iop[4], iop[2] * iop[3] - iop[0] * iop[5], iop[0] * iop[4] - iop[1] * iop[3] };
			final int cols = (int) size[1], rows = (int) size[0];
			if (w < 0) {
				w = cols;
				h = rows;
			}
			else if (cols != w || rows != h) throw new IllegalArgumentException(f + ": " + cols + "x" + rows + " differs from the series' " + w + "x" + h);
			files.add(f);
			positions.add(pos[0] * normal[0] + pos[1] * normal[1] + pos[2] * normal[2]);
		}
		if (files.isEmpty()) throw new IllegalArgumentException(folder + ": no DICOM files in the folder");
		final Integer[] order = new Integer[files.size()];
		for (int i = 0; i < order.length; i++)
			order[i] = i;
		Arrays.sort(order, (a, b) -> Double.compare(positions.get(a), positions.get(b)));
		final Path[] sorted = new Path[order.length];
		for (int i = 0; i < order.length; i++)
			sorted[i] = files.get(order[i]);
		final ImagePlus first = Images.openDicom(sorted[0]);
		final Calibration cal = first.getCalibration().copy();
		cal.disableDensityCalibration();
		if (order.length > 1) {
			final double span = positions.get(order[order.length - 1]) - positions.get(order[0]);
			if (span > 0) cal.pixelDepth = span / (order.length - 1);
		}
		final List<String> notes = new ArrayList<>();
		final String note = Images.conversionNote(folder.toString(), first.getType());
		if (note != null) notes.add(note);
		return new DicomSlices(folder, sorted, w, h, Images.voxelSizeMm(cal), notes);
	}

	private static String tag(final String info, final String tag) {
		return Images.DicomTools.tag(info, tag);
	}

	@Override
	public String name() {
		return folder.getFileName() == null ? folder.toString() : folder.getFileName().toString();
	}

	@Override
	public int width() {
		return width;
	}

	@Override
	public int height() {
		return height;
	}

	@Override
	public int depth() {
		return files.length;
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
		final int[] order = new int[files.length];
		for (int z = 0; z < order.length; z++)
			order[z] = z;
		return order;
	}

	/** Reads the file of slice {@code z}, through its own rescale (as {@link Images#fromImagePlus} does). */
	@Override
	public float[] slice(final int z) {
		if (z < 0 || z >= files.length) throw new IndexOutOfBoundsException(name() + ": slice " + z + " is outside 0.." + (files.length - 1));
		final Path f = files[z];
		final DICOM imp = Images.openDicom(f);
		if (imp.getWidth() != width || imp.getHeight() != height || imp.getStackSize() != 1)
			throw new IllegalArgumentException(f + ": slice z=" + z + " of " + folder + " is " + imp.getWidth() + "x" + imp.getHeight() + "x" + imp.getStackSize()
				+ "; expected one " + width + "x" + height + " image, as its header said");
		return Images.fromImagePlus(imp, f.toString()).volume().values();
	}

	@Override
	public long residentBytes() {
		return 0;
	}

	@Override
	public void close() {
		// no file is held open
	}
}
