package io.github.xaiclip.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.Opener;
import ij.measure.Calibration;
import ij.plugin.DICOM;
import ij.process.ImageProcessor;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

/**
 * Reads the images users explain — TIFF, DICOM (one file or a folder holding one series) and NIfTI — into a
 * {@link Volume} in the display convention, with calibration in mm where the file has one.
 * <p>
 * RGB images are converted to grey (the mean of red, green and blue) and the conversion is stated in
 * {@link Loaded#notes()}; 8- and 16-bit values go through the file's calibration function (so DICOM gives Hounsfield
 * units); images with channels or time points are refused.
 */
public final class Images {

	private Images() {}

	/** An image as read, with what was done to it on the way. */
	public static final class Loaded {

		private final Volume volume;
		private final boolean calibrated;
		private final List<String> notes;

		Loaded(final Volume volume, final boolean calibrated, final List<String> notes) {
			this.volume = volume;
			this.calibrated = calibrated;
			this.notes = Collections.unmodifiableList(new ArrayList<>(notes));
		}

		/** Values in the display convention; voxel size in mm when {@link #calibrated()}, else 1 "pixel". */
		public Volume volume() {
			return volume;
		}

		/** Whether the file gave a physical pixel size. */
		public boolean calibrated() {
			return calibrated;
		}

		/** The in-plane pixel size {x, y} in mm, or null when the file has none. */
		public double[] pixelSizeMm() {
			return calibrated ? new double[] { volume.voxelSize()[0], volume.voxelSize()[1] } : null;
		}

		/** Conversions made while reading (e.g. RGB to grey), one sentence each. */
		public List<String> notes() {
			return notes;
		}
	}

	/** Whether {@code file} has a name this reader takes (a folder counts: it may hold a DICOM series). */
	public static boolean isImageName(final Path file) {
		final String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
		return n.endsWith(".tif") || n.endsWith(".tiff") || n.endsWith(".nii") || n.endsWith(".nii.gz") || n.endsWith(".dcm");
	}

	/** The file name without its image extension: {@code scan.nii.gz -> scan}. */
	public static String stem(final Path file) {
		final String n = file.getFileName().toString();
		final String l = n.toLowerCase(Locale.ROOT);
		for (final String ext : new String[] { ".nii.gz", ".tiff", ".tif", ".nii", ".dcm" })
			if (l.endsWith(ext) && l.length() > ext.length()) return n.substring(0, n.length() - ext.length());
		return n;
	}

	/**
	 * Reads a TIFF, NIfTI or DICOM file, or a folder of DICOM files forming one series, whole.
	 *
	 * @throws IllegalArgumentException naming the file and what is wrong with it
	 * @see #open(Path) to read a volume larger than memory one slice at a time
	 */
	public static Loaded read(final Path file) {
		if (!Files.exists(file)) throw new IllegalArgumentException(file + ": no such file");
		if (Files.isDirectory(file)) return readDicomSeries(file);
		final String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
		if (n.endsWith(".nii") || n.endsWith(".nii.gz")) {
			final Volume v = Nifti.read(file);
			return new Loaded(v, isMm(v.unit()), Collections.emptyList());
		}
		if (!Files.isReadable(file)) throw new IllegalArgumentException(file + ": not readable (permissions)");
		if (n.endsWith(".tif") || n.endsWith(".tiff")) return readTiff(file, TiffSlices.info(file));
		if (n.endsWith(".dcm") || isDicom(file)) return fromImagePlus(openDicom(file), file.toString());
		throw new IllegalArgumentException(file + ": unknown image format; expected .tif/.tiff, .nii/.nii.gz, DICOM (.dcm or a series folder)");
	}

	/**
	 * A TIFF read whole by ImageJ, after checking that its pixel data are all there (see {@link TiffSlices#checkComplete})
	 * and that it fits in the memory Java has left.
	 */
	static Loaded readTiff(final Path file, final ij.io.FileInfo[] infos) {
		TiffSlices.checkComplete(file, infos);
		requireMemory(file.toString(), "a TIFF is read whole and", TiffSlices.memoryToRead(infos), "give Java more memory (-Xmx)");
		final ImagePlus imp = quietly(() -> new Opener().openTiff(parent(file), file.getFileName().toString()));
		if (imp == null) throw new IllegalArgumentException(file + ": cannot be read as a TIFF image (truncated or not a TIFF)");
		return fromImagePlus(imp, file.toString());
	}

	/**
	 * Opens what {@link #read} reads, for reading one axial slice at a time, so that a scan larger than memory can be
	 * explained: every slice, the size, voxel size and notes are those {@link #read} gives.
	 * <ul>
	 * <li>NIfTI {@code .nii}: each slice is read where it lies in the file, when the file stores axial slices (any
	 * flips); {@code .nii.gz}: decompressed as it is read, in file order (see {@link SliceSource#readingOrder()});
	 * reading a slice behind the last one read decompresses the file again from its start (see
	 * {@link NiftiSlices}).</li>
	 * <li>uncompressed TIFF (8-, 16- and 32-bit grey, RGB): each slice is read at its offset and decoded by ImageJ's
	 * reader, as {@link #read} does (see {@link TiffSlices}).</li>
	 * <li>a DICOM series folder: the headers are read to order the slices; each slice's pixels when asked for.</li>
	 * <li>anything else (compressed TIFF, TIFF of other types or layouts, NIfTI whose slices are not axial, a single
	 * DICOM file) is read whole with {@link #read}, after checking that it fits in the memory Java has left;
	 * {@link SliceSource#residentBytes()} then says how much it holds.</li>
	 * </ul>
	 *
	 * @throws IllegalArgumentException naming the file and what is wrong with it, including a truncated file and one
	 *                                  that must be read whole but does not fit in memory
	 */
	public static SliceSource open(final Path file) {
		if (!Files.exists(file)) throw new IllegalArgumentException(file + ": no such file");
		if (Files.isDirectory(file)) return DicomSlices.open(file);
		final String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
		if (n.endsWith(".nii") || n.endsWith(".nii.gz")) return NiftiSlices.open(file);
		if (!Files.isReadable(file)) throw new IllegalArgumentException(file + ": not readable (permissions)");
		if (n.endsWith(".tif") || n.endsWith(".tiff")) return TiffSlices.open(file);
		if (n.endsWith(".dcm") || isDicom(file)) {
			requireMemory(file.toString(), "a single DICOM file is read whole and", 3 * fileSize(file), "");
			return MemorySlices.of(file.getFileName().toString(), fromImagePlus(openDicom(file), file.toString()));
		}
		throw new IllegalArgumentException(file + ": unknown image format; expected .tif/.tiff, .nii/.nii.gz, DICOM (.dcm or a series folder)");
	}

	static long fileSize(final Path file) {
		try {
			return Files.size(file);
		}
		catch (final IOException e) {
			throw new IllegalArgumentException(file + ": cannot be read: " + e.getMessage());
		}
	}

	/**
	 * Refuses to read a file whole when it would not fit: {@code need} bytes, plus a margin of an eighth of the heap
	 * for the work that follows, against what Java may still allocate (-Xmx less what is in use; garbage is
	 * collected once before refusing). Better a one-line message than an OutOfMemoryError half-way.
	 *
	 * @param what what is read and why whole, ending so that "needs about ..." follows, e.g. "a 512 x 512 x 400
	 *             LZW-compressed TIFF is read whole and"
	 * @param hint what the user can do, appended after "; " (empty for none)
	 */
	static void requireMemory(final String name, final String what, final long need, final String hint) {
		final Runtime rt = Runtime.getRuntime();
		final long max = rt.maxMemory();
		if (max == Long.MAX_VALUE) return;
		final long margin = max / 8;
		long free = max - (rt.totalMemory() - rt.freeMemory());
		if (need + margin <= free) return;
		System.gc();
		free = max - (rt.totalMemory() - rt.freeMemory());
		if (need + margin <= free) return;
		throw new IllegalArgumentException(name + ": " + what + " needs about " + bytes(need) + " of memory, more than the " + bytes(Math.max(0, free - margin))
			+ " Java has free (of -Xmx " + bytes(max) + ", keeping " + bytes(margin) + " in reserve)" + (hint.isEmpty() ? "" : "; " + hint));
	}

	/** {@code bytes} in MiB or GiB, for messages. */
	static String bytes(final long bytes) {
		return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
			: String.format(Locale.ROOT, "%.0f MiB", bytes / (double) (1L << 20));
	}

	/**
	 * The values of an ImageJ image as a volume (a copy, in float), its calibration converted to mm.
	 *
	 * @param name the image's name in messages
	 */
	public static Loaded fromImagePlus(final ImagePlus imp, final String name) {
		refuseChannels(name, imp.getNChannels(), imp.getNFrames());
		final List<String> notes = new ArrayList<>();
		final int w = imp.getWidth(), h = imp.getHeight(), d = imp.getStackSize();
		final ArrayImg<FloatType, FloatArray> img = Volume.newImage(w, h, d);
		final float[] out = img.update(null).getCurrentStorageArray();
		final ImageStack stack = imp.getStack();
		final Calibration cal = imp.getCalibration();
		final int type = imp.getType();
		final String note = conversionNote(name, type);
		if (note != null) notes.add(note);
		for (int z = 0; z < d; z++)
			toValues(stack.getProcessor(z + 1), type, cal, out, z * w * h);
		final double[] mm = voxelSizeMm(cal);
		final boolean calibrated = mm != null;
		final Volume.DataType dt = type == ImagePlus.GRAY32 || type == ImagePlus.GRAY16 && cal.isSigned16Bit() || cal.getFunction() != Calibration.NONE
			? Volume.DataType.FLOAT32 : type == ImagePlus.GRAY16 ? Volume.DataType.UINT16 : Volume.DataType.UINT8;
		return new Loaded(Volume.of(img, calibrated ? mm : new double[] { 1, 1, 1 }, calibrated ? "mm" : "pixel", dt), calibrated, notes);
	}

	/** Refuses an image with channels or time points: only 2D images and 3D stacks are explained. */
	static void refuseChannels(final String name, final int channels, final int frames) {
		if (channels > 1 || frames > 1)
			throw new IllegalArgumentException(name + ": has " + channels + " channel(s) and " + frames
				+ " time point(s); expected a 2D image or a 3D stack (split channels or frames first)");
	}

	/** The note saying that an image of ImageJ type {@code type} was converted to grey, or null when it was not. */
	static String conversionNote(final String name, final int type) {
		if (type != ImagePlus.COLOR_RGB && type != ImagePlus.COLOR_256) return null;
		return name + ": " + (type == ImagePlus.COLOR_RGB ? "RGB" : "8-bit colour") + " image converted to grey (mean of red, green and blue)";
	}

	/**
	 * One slice's values into {@code out} from index {@code at}: colour as the mean of red, green and blue, 32-bit
	 * as they are, 8- and 16-bit through the calibration function (so DICOM and signed 16-bit TIFF give physical
	 * values). Whole images and single slices read by {@link TiffSlices} and {@link DicomSlices} all go through here.
	 *
	 * @param type the ImageJ type of the image the slice belongs to ({@link ImagePlus#getType()})
	 */
	static void toValues(final ImageProcessor ip, final int type, final Calibration cal, final float[] out, final int at) {
		final int n = ip.getWidth() * ip.getHeight();
		if (type == ImagePlus.COLOR_RGB || type == ImagePlus.COLOR_256) {
			final ImageProcessor rgb = ip.convertToRGB();
			for (int p = 0; p < n; p++) {
				final int c = rgb.get(p);
				out[at + p] = ((c >> 16 & 0xff) + (c >> 8 & 0xff) + (c & 0xff)) / 3f;
			}
		}
		else if (type == ImagePlus.GRAY32) System.arraycopy((float[]) ip.getPixels(), 0, out, at, n);
		else for (int p = 0; p < n; p++)
			out[at + p] = (float) cal.getCValue(ip.get(p));
	}

	/**
	 * The voxel size {x, y, z} in mm of an ImageJ calibration (to 6 significant digits, see {@link #digits}; z is 1
	 * when the calibration has no depth), or null when it has no physical pixel size.
	 */
	static double[] voxelSizeMm(final Calibration cal) {
		final double scale = mmPerUnit(cal.getUnit());
		if (!(scale > 0 && cal.pixelWidth > 0 && cal.pixelHeight > 0 && cal.scaled())) return null;
		return new double[] { digits(cal.pixelWidth * scale), digits(cal.pixelHeight * scale), cal.pixelDepth > 0 ? digits(cal.pixelDepth * scale) : 1 };
	}

	/**
	 * {@code v} to 6 significant digits: TIFF keeps the resolution as a fraction, so 3 mm comes back as 3.000003,
	 * and a margin of 9 mm would then be a hair under 3 pixels.
	 */
	static double digits(final double v) {
		return Double.parseDouble(String.format(Locale.ROOT, "%.6g", v));
	}

	/** mm per one {@code unit}, or 0 for no length unit ("pixel", "inch" counts as a length). */
	public static double mmPerUnit(final String unit) {
		final String u = unit == null ? "" : unit.trim().toLowerCase(Locale.ROOT);
		switch (u) {
			case "mm": case "millimeter": case "millimetre": return 1;
			case "cm": case "centimeter": case "centimetre": return 10;
			case "m": case "meter": case "metre": return 1000;
			case "um": case "\u00b5m": case "\u03bcm": case "micron": case "microns": case "micrometer": case "micrometre": return 1e-3;
			case "nm": case "nanometer": case "nanometre": return 1e-6;
			case "inch": case "in": return 25.4;
			default: return 0;
		}
	}

	static boolean isMm(final String unit) {
		return mmPerUnit(unit) == 1;
	}

	/**
	 * A folder of DICOM files of one series, ordered by Image Position (Patient) along the slice normal: the slices
	 * {@link DicomSlices} gives, gathered.
	 */
	private static Loaded readDicomSeries(final Path folder) {
		try (SliceSource s = DicomSlices.open(folder)) {
			final int w = s.width(), h = s.height(), d = s.depth();
			final ArrayImg<FloatType, FloatArray> img = Volume.newImage(w, h, d);
			final float[] out = img.update(null).getCurrentStorageArray();
			for (int z = 0; z < d; z++)
				System.arraycopy(s.slice(z), 0, out, z * w * h, w * h);
			final double[] mm = s.voxelSizeMm();
			return new Loaded(Volume.of(img, mm != null ? mm : new double[] { 1, 1, 1 }, mm != null ? "mm" : "pixel", Volume.DataType.FLOAT32), mm != null,
				s.notes());
		}
	}

	/** Opens a DICOM file with ImageJ's reader, once {@link DicomCheck} has found nothing ImageJ would trust too far. */
	static DICOM openDicom(final Path file) {
		DicomCheck.check(file);
		final DICOM imp = quietly(() -> {
			final DICOM d = new DICOM();
			d.open(file.toString());
			return d;
		});
		if (imp == null || imp.getWidth() == 0 || imp.getStackSize() == 0 || imp.getProcessor() == null)
			throw new IllegalArgumentException(file + ": cannot be read as a DICOM image (truncated, compressed or not DICOM)");
		return imp;
	}

	/** A DICOM Part 10 file: "DICM" after the 128-byte preamble. */
	static boolean isDicom(final Path file) {
		try (java.io.InputStream in = Files.newInputStream(file)) {
			final byte[] b = new byte[132];
			int n = 0;
			while (n < b.length) {
				final int r = in.read(b, n, b.length - n);
				if (r < 0) return false;
				n += r;
			}
			return b[128] == 'D' && b[129] == 'I' && b[130] == 'C' && b[131] == 'M';
		}
		catch (final IOException e) {
			return false;
		}
	}

	static double[] numbers(final String s, final int n) {
		if (s == null) return null;
		final String[] f = s.trim().split("\\\\");
		if (f.length != n) return null;
		final double[] v = new double[n];
		try {
			for (int i = 0; i < n; i++)
				v[i] = Double.parseDouble(f[i].trim());
		}
		catch (final NumberFormatException e) {
			return null;
		}
		return v;
	}

	static String parent(final Path file) {
		final Path p = file.toAbsolutePath().getParent();
		return p.toString() + java.io.File.separator;
	}

	/** Runs an ImageJ reader; a reader that fails by throwing counts as "cannot be read". */
	static <T> T quietly(final java.util.function.Supplier<T> read) {
		try {
			return read.get();
		}
		catch (final RuntimeException e) {
			return null;
		}
	}

	/** DICOM header values as ImageJ's DICOM reader lists them in the image's info. */
	static final class DicomTools {

		private DicomTools() {}

		static String tag(final ImagePlus imp, final String tag) {
			final Object info = imp.getProperty("Info");
			return info instanceof String ? tag((String) info, tag) : null;
		}

		/** The value of {@code tag} ("0020,0032") in a header listing such as {@link DICOM#getInfo} gives, or null. */
		static String tag(final String info, final String tag) {
			if (info == null) return null;
			for (final String line : info.split("\n"))
				if (line.startsWith(tag)) {
					final int colon = line.indexOf(':');
					return colon < 0 ? null : line.substring(colon + 1).trim();
				}
			return null;
		}
	}
}
