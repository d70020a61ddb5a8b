package io.github.xaiclip.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

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
	 * Reads a TIFF, NIfTI or DICOM file, or a folder of DICOM files forming one series.
	 *
	 * @throws IllegalArgumentException naming the file and what is wrong with it
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
		if (n.endsWith(".tif") || n.endsWith(".tiff")) {
			checkTiffStructure(file);
			checkTiffComplete(file);
			final ImagePlus imp = quietly(() -> new Opener().openTiff(parent(file), file.getFileName().toString()));
			if (imp == null) throw new IllegalArgumentException(file + ": cannot be read as a TIFF image (truncated or not a TIFF)");
			return fromImagePlus(imp, file.toString());
		}
		if (n.endsWith(".dcm") || isDicom(file)) return fromImagePlus(openDicom(file), file.toString());
		throw new IllegalArgumentException(file + ": unknown image format; expected .tif/.tiff, .nii/.nii.gz, DICOM (.dcm or a series folder)");
	}

	/** TIFF tags whose values ImageJ reads as 32-bit offsets or lengths, and allocates by. */
	private static final int STRIP_OFFSETS = 273, STRIP_BYTE_COUNTS = 279, META_DATA_BYTE_COUNTS = 50838;
	/** Bytes per value of TIFF field types 1 to 18 (0: no such type). */
	private static final int[] TIFF_TYPE_BYTES = { 0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4, 0, 0, 8, 8, 8 };
	/**
	 * How many times larger than their compressed bytes the pixels of an image can be, with any compression ImageJ
	 * reads: deflate expands at most about 1032 times, PackBits 64 times, LZW (9- to 12-bit codes of at most 4096
	 * bytes) about 3641 times.
	 */
	private static final long MAX_EXPANSION = 4096;

	/**
	 * Walks a TIFF's image directories before ImageJ does, and refuses as corrupt what would make ImageJ's decoder
	 * allocate or read far beyond the file: it trusts the counts and lengths it finds, allocating as many values as
	 * an entry claims (and reading them byte by byte past the end of the file), each strip and metadata block at
	 * the length the file gives, and it follows the chain of directories without looking for loops. So a few hundred
	 * bytes could make it allocate gigabytes or read for minutes. Refused: a chain of directories that leaves the
	 * file or loops, an entry claiming more values than the file holds, strips or metadata blocks longer in all
	 * than the file. What is not a TIFF ImageJ reads (no II/MM and 42, BigTIFF) is left to ImageJ to refuse.
	 */
	private static void checkTiffStructure(final Path file) {
		try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
			final long size = ch.size();
			final ByteBuffer head = bytes(ch, 0, 8);
			if (head == null || head.getShort(0) != 0x4949 && head.getShort(0) != 0x4d4d) return;
			final ByteOrder order = head.getShort(0) == 0x4949 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
			if (head.order(order).getShort(2) != 42) return;
			final Set<Long> seen = new HashSet<>();
			for (long ifd = head.getInt(4) & 0xffffffffL; ifd != 0;) {
				final String where = "image directory " + (seen.size() + 1) + " at byte " + ifd;
				if (!seen.add(ifd)) throw corruptTiff(file, "the chain of image directories loops back to byte " + ifd);
				final ByteBuffer count = bytes(ch, ifd, 2);
				if (count == null) throw corruptTiff(file, where + " lies past the end of the file (" + size + " bytes)");
				final int n = count.order(order).getShort(0) & 0xffff;
				if (n < 1 || n > 1000) return; // ImageJ stops at such a directory
				final ByteBuffer d = bytes(ch, ifd + 2, 12 * n + 4);
				if (d == null) throw corruptTiff(file, where + " with " + n + " entries is cut off by the end of the file (" + size + " bytes)");
				d.order(order);
				for (int e = 0; e < n; e++) {
					final int tag = d.getShort(12 * e) & 0xffff, type = d.getShort(12 * e + 2) & 0xffff;
					final long values = d.getInt(12 * e + 4) & 0xffffffffL, at = d.getInt(12 * e + 8) & 0xffffffffL;
					final int bytesPerValue = tag == STRIP_OFFSETS || tag == META_DATA_BYTE_COUNTS ? 4
						: tag == STRIP_BYTE_COUNTS ? type == 3 ? 2 : 4 : type < TIFF_TYPE_BYTES.length ? Math.max(1, TIFF_TYPE_BYTES[type]) : 1;
					final boolean inline = values * bytesPerValue <= 4 && tag != META_DATA_BYTE_COUNTS; // as ImageJ reads them
					if (values > size || !inline && at + values * bytesPerValue > size)
						throw corruptTiff(file, where + ": tag " + tag + " has " + values + " values" + (inline ? "" : " from byte " + at)
							+ ", more than the file's " + size + " bytes hold");
					if (tag == STRIP_BYTE_COUNTS || tag == META_DATA_BYTE_COUNTS) {
						final ByteBuffer v = inline ? d.duplicate().order(order).position(12 * e + 8).slice().order(order) : bytes(ch, at, (int) (values * bytesPerValue));
						long total = 0;
						for (int i = 0; i < values; i++)
							total += bytesPerValue == 2 ? v.getShort(2 * i) & 0xffff : v.getInt(4 * i) & 0xffffffffL;
						if (total > size)
							throw corruptTiff(file, where + ": tag " + tag + " (" + (tag == STRIP_BYTE_COUNTS ? "strip" : "metadata") + " byte counts) adds up to "
								+ total + " bytes, more than the file's " + size);
					}
				}
				ifd = d.getInt(12 * n) & 0xffffffffL;
			}
		}
		catch (final IOException e) {
			throw new IllegalArgumentException(file + ": cannot be read: " + e.getMessage());
		}
	}

	/** {@code n} bytes of the file from {@code at}, or null when the file ends before. */
	private static ByteBuffer bytes(final FileChannel ch, final long at, final int n) throws IOException {
		if (at + n > ch.size()) return null;
		final ByteBuffer b = ByteBuffer.allocate(n);
		while (b.hasRemaining())
			if (ch.read(b, at + b.position()) < 0) return null;
		return b.flip();
	}

	private static IllegalArgumentException corruptTiff(final Path file, final String problem) {
		return new IllegalArgumentException(file + ": cannot be read as a TIFF image (corrupt: " + problem + ")");
	}

	/**
	 * Refuses a TIFF whose uncompressed pixel data run past the end of the file: ImageJ's reader would give zeros
	 * for the missing part without saying so. Compressed pixel data cannot be checked as exactly; they are refused
	 * when even the largest expansion of any compression could not fill the image (ImageJ would allocate the whole
	 * image for a few bytes of data). And an image needing more memory than Java may use is refused before ImageJ
	 * allocates it.
	 */
	private static void checkTiffComplete(final Path file) {
		final ij.io.FileInfo[] infos;
		try {
			infos = new ij.io.TiffDecoder(parent(file), file.getFileName().toString()).getTiffInfo();
		}
		catch (final IOException | RuntimeException e) {
			throw new IllegalArgumentException(file + ": cannot be read as a TIFF image (" + e.getMessage() + ")");
		}
		if (infos == null || infos.length == 0) throw new IllegalArgumentException(file + ": cannot be read as a TIFF image (no image directory)");
		final long size;
		try {
			size = Files.size(file);
		}
		catch (final IOException e) {
			throw new IllegalArgumentException(file + ": cannot be read: " + e.getMessage());
		}
		long memory = 0;
		for (final ij.io.FileInfo fi : infos) {
			if (fi.width <= 0 || fi.height <= 0)
				throw new IllegalArgumentException(file + ": cannot be read as a TIFF image (corrupt: width " + (fi.width & 0xffffffffL) + ", height "
					+ (fi.height & 0xffffffffL) + ")");
			final long images = infos.length == 1 ? Math.max(1, fi.nImages) : 1;
			final long pixels = images * fi.width * fi.height, bytes = pixels * Math.max(1, fi.getBytesPerPixel());
			memory += bytes + 4 * pixels; // ImageJ's pixels and the volume's float copy
			if (fi.compression > ij.io.FileInfo.COMPRESSION_NONE) {
				if (bytes > MAX_EXPANSION * size)
					throw new IllegalArgumentException(file + ": cannot be read as a TIFF image (truncated: " + images + " x " + fi.width + " x " + fi.height
						+ " compressed pixels need more than the file's " + size + " bytes)");
				if (fi.compression == ij.io.FileInfo.ZIP || fi.compression == ij.io.FileInfo.ZIP_WITH_DIFFERENCING) checkZipStrips(file, fi);
				continue;
			}
			final long need = fi.getOffset() + bytes + (images - 1) * Math.max(0, fi.gapBetweenImages);
			if (need > size)
				throw new IllegalArgumentException(file + ": cannot be read as a TIFF image (truncated: the pixel data need " + need + " bytes, the file has "
					+ size + ")");
		}
		final long max = Runtime.getRuntime().maxMemory();
		if (max != Long.MAX_VALUE && memory > max)
			throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: needs about %.1f GiB of memory to read, more than the %.1f GiB Java may use (-Xmx)",
				file, memory / (double) (1L << 30), max / (double) (1L << 30)));
	}

	/**
	 * Inflates each deflate-compressed strip to its end, and refuses one whose stream breaks off or is corrupt:
	 * ImageJ's inflater loop waits for the end of the stream, so it never comes back from a strip that breaks off, and
	 * it fills a corrupt strip with zeros, saying so only in ImageJ's log.
	 */
	private static void checkZipStrips(final Path file, final ij.io.FileInfo fi) {
		if (fi.stripOffsets == null || fi.stripLengths == null) return; // ImageJ refuses these itself
		final int strips = Math.min(fi.stripOffsets.length, fi.stripLengths.length);
		final byte[] out = new byte[1 << 16];
		final Inflater inflater = new Inflater();
		try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
			for (int i = 0; i < strips; i++) {
				final String strip = "ZIP-compressed strip " + (i + 1) + " of " + strips;
				final ByteBuffer data = fi.stripLengths[i] < 0 ? null : bytes(ch, fi.stripOffsets[i] & 0xffffffffL, fi.stripLengths[i]);
				if (data == null) throw new IllegalArgumentException(file + ": cannot be read as a TIFF image (truncated: " + strip + " runs past the end of the file)");
				inflater.reset();
				inflater.setInput(data.array());
				while (!inflater.finished())
					if (inflater.inflate(out) == 0 && (inflater.needsInput() || inflater.needsDictionary()))
						throw new IllegalArgumentException(file + ": cannot be read as a TIFF image (truncated: " + strip + " breaks off before the end of its data)");
			}
		}
		catch (final DataFormatException e) {
			throw corruptTiff(file, "ZIP-compressed pixel data: " + e.getMessage());
		}
		catch (final IOException e) {
			throw new IllegalArgumentException(file + ": cannot be read: " + e.getMessage());
		}
		finally {
			inflater.end();
		}
	}

	/**
	 * The values of an ImageJ image as a volume (a copy, in float), its calibration converted to mm.
	 *
	 * @param name the image's name in messages
	 */
	public static Loaded fromImagePlus(final ImagePlus imp, final String name) {
		if (imp.getNChannels() > 1 || imp.getNFrames() > 1)
			throw new IllegalArgumentException(name + ": has " + imp.getNChannels() + " channel(s) and " + imp.getNFrames()
				+ " time point(s); expected a 2D image or a 3D stack (split channels or frames first)");
		final List<String> notes = new ArrayList<>();
		final int w = imp.getWidth(), h = imp.getHeight(), d = imp.getStackSize();
		final ArrayImg<FloatType, FloatArray> img = Volume.newImage(w, h, d);
		final float[] out = img.update(null).getCurrentStorageArray();
		final ImageStack stack = imp.getStack();
		final Calibration cal = imp.getCalibration();
		final int type = imp.getType();
		if (type == ImagePlus.COLOR_RGB || type == ImagePlus.COLOR_256)
			notes.add(name + ": " + (type == ImagePlus.COLOR_RGB ? "RGB" : "8-bit colour") + " image converted to grey (mean of red, green and blue)");
		for (int z = 0; z < d; z++) {
			final ImageProcessor ip = stack.getProcessor(z + 1);
			final int off = z * w * h;
			if (type == ImagePlus.COLOR_RGB || type == ImagePlus.COLOR_256) {
				final ImageProcessor rgb = ip.convertToRGB();
				for (int p = 0; p < w * h; p++) {
					final int c = rgb.get(p);
					out[off + p] = ((c >> 16 & 0xff) + (c >> 8 & 0xff) + (c & 0xff)) / 3f;
				}
			}
			else if (type == ImagePlus.GRAY32) {
				final float[] px = (float[]) ip.getPixels();
				System.arraycopy(px, 0, out, off, w * h);
			}
			else
				for (int p = 0; p < w * h; p++)
					out[off + p] = (float) cal.getCValue(ip.get(p));
		}
		final double scale = mmPerUnit(cal.getUnit());
		final boolean calibrated = scale > 0 && cal.pixelWidth > 0 && cal.pixelHeight > 0 && cal.scaled();
		final double[] voxel = calibrated ? new double[] { digits(cal.pixelWidth * scale), digits(cal.pixelHeight * scale),
			cal.pixelDepth > 0 ? digits(cal.pixelDepth * scale) : 1 } : new double[] { 1, 1, 1 };
		final Volume.DataType dt = type == ImagePlus.GRAY32 || type == ImagePlus.GRAY16 && cal.isSigned16Bit() || cal.getFunction() != Calibration.NONE
			? Volume.DataType.FLOAT32 : type == ImagePlus.GRAY16 ? Volume.DataType.UINT16 : Volume.DataType.UINT8;
		return new Loaded(Volume.of(img, voxel, calibrated ? "mm" : "pixel", dt), calibrated, notes);
	}

	/**
	 * {@code v} to 6 significant digits: TIFF keeps the resolution as a fraction, so 3 mm comes back as 3.000003,
	 * and a margin of 9 mm would then be a hair under 3 pixels.
	 */
	static double digits(final double v) {
		return Double.parseDouble(String.format(Locale.ROOT, "%.6g", v));
	}

	/** mm per one {@code unit}, or 0 for no length unit ("pixel", "inch" counts as a length). */
	static double mmPerUnit(final String unit) {
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

	private static boolean isMm(final String unit) {
		return mmPerUnit(unit) == 1;
	}

	/** A folder of DICOM files of one series, ordered by Image Position (Patient) along the slice normal. */
	private static Loaded readDicomSeries(final Path folder) {
		final List<Path> files = new ArrayList<>();
		try (Stream<Path> s = Files.list(folder)) {
			s.filter(p -> Files.isRegularFile(p) && !p.getFileName().toString().startsWith(".")).sorted().forEach(files::add);
		}
		catch (final IOException e) {
			throw new IllegalArgumentException(folder + ": cannot list the folder: " + e.getMessage());
		}
		final List<ImagePlus> slices = new ArrayList<>();
		final List<Path> sliceFiles = new ArrayList<>();
		final List<double[]> positions = new ArrayList<>();
		double[] normal = null;
		String series = null;
		for (final Path f : files) {
			if (!isDicom(f)) continue;
			final DICOM imp = openDicom(f);
			final double[] pos = numbers(DicomTools.tag(imp, "0020,0032"), 3);
			final double[] iop = numbers(DicomTools.tag(imp, "0020,0037"), 6);
			if (pos == null || iop == null)
				throw new IllegalArgumentException(f + ": no Image Position/Orientation (Patient); cannot order the series in " + folder);
			final String uid = DicomTools.tag(imp, "0020,000E");
			if (series == null) series = uid;
			else if (uid != null && !uid.equals(series))
				throw new IllegalArgumentException(folder + ": holds more than one DICOM series (" + series + ", " + uid + "); expected one series per folder");
			final double[] nrm = { iop[1] * iop[5] - iop[2] * iop[4], iop[2] * iop[3] - iop[0] * iop[5], iop[0] * iop[4] - iop[1] * iop[3] };
			if (normal == null) normal = nrm;
			if (!slices.isEmpty() && (imp.getWidth() != slices.get(0).getWidth() || imp.getHeight() != slices.get(0).getHeight()))
				throw new IllegalArgumentException(f + ": " + imp.getWidth() + "x" + imp.getHeight() + " differs from the series' "
					+ slices.get(0).getWidth() + "x" + slices.get(0).getHeight());
			slices.add(imp);
			sliceFiles.add(f);
			positions.add(new double[] { pos[0] * normal[0] + pos[1] * normal[1] + pos[2] * normal[2] });
		}
		if (slices.isEmpty()) throw new IllegalArgumentException(folder + ": no DICOM files in the folder");
		final Integer[] order = new Integer[slices.size()];
		for (int i = 0; i < order.length; i++)
			order[i] = i;
		java.util.Arrays.sort(order, (a, b) -> Double.compare(positions.get(a)[0], positions.get(b)[0]));
		final ImagePlus first = slices.get(order[0]);
		final ImageStack stack = new ImageStack(first.getWidth(), first.getHeight());
		for (final Integer i : order) {
			// each slice's own rescale, so that slices with different slopes/intercepts agree in physical values
			final Loaded one = fromImagePlus(slices.get(i), sliceFiles.get(i).toString());
			stack.addSlice(new ij.process.FloatProcessor(first.getWidth(), first.getHeight(), one.volume().values()));
		}
		final ImagePlus imp = new ImagePlus(folder.getFileName().toString(), stack);
		final Calibration cal = first.getCalibration().copy();
		cal.disableDensityCalibration();
		if (order.length > 1) {
			final double span = positions.get(order[order.length - 1])[0] - positions.get(order[0])[0];
			if (span > 0) cal.pixelDepth = span / (order.length - 1);
		}
		imp.setCalibration(cal);
		return fromImagePlus(imp, folder.toString());
	}

	private static DICOM openDicom(final Path file) {
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
	private static boolean isDicom(final Path file) {
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

	private static double[] numbers(final String s, final int n) {
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

	private static String parent(final Path file) {
		final Path p = file.toAbsolutePath().getParent();
		return p.toString() + java.io.File.separator;
	}

	/** Runs an ImageJ reader; a reader that fails by throwing counts as "cannot be read". */
	private static <T> T quietly(final java.util.function.Supplier<T> read) {
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
			if (!(info instanceof String)) return null;
			for (final String line : ((String) info).split("\n"))
				if (line.startsWith(tag)) {
					final int colon = line.indexOf(':');
					return colon < 0 ? null : line.substring(colon + 1).trim();
				}
			return null;
		}
	}
}
