package io.github.xaiclip.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import ij.ImagePlus;
import ij.io.FileInfo;
import ij.io.FileOpener;
import ij.io.ImageReader;
import ij.io.TiffDecoder;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;

/**
 * An uncompressed TIFF (a single image, an ImageJ stack, or a stack of one image per directory) read one slice at a
 * time: each slice's bytes are read at the offset ImageJ's {@link TiffDecoder} gives and decoded by ImageJ's
 * {@link ImageReader}, which is what ImageJ's {@link ij.io.Opener} does when {@link Images#read} reads the file
 * whole; the values then go through {@link Images#toValues}, and the type and calibration are those ImageJ gives
 * the first image. So each slice equals the same slice of {@link Images#read}.
 * <p>
 * Only the layouts where ImageJ's whole read is plain are streamed: 8-, 16- (signed or not) and 32-bit grey or
 * 8-bit RGB, without a colour table or inverted grey, each image's strips one after the other, a stack's images of
 * one size and type in file order. Anything else (compressed data above all, whose slices cannot be reached without
 * decompressing, and the rarer types and layouts that ImageJ reads in its own ways) is read whole by
 * {@link Images#read}, if it fits in memory.
 */
final class TiffSlices implements SliceSource {

	/** TIFF tags whose values ImageJ reads as 32-bit offsets or lengths, and allocates by. */
	private static final int STRIP_OFFSETS = 273, STRIP_BYTE_COUNTS = 279, META_DATA_BYTE_COUNTS = 50838, META_DATA = 50839;
	/** The start of ImageJ's own metadata block ("IJIJ"), and the largest header ImageJ reads (100 types). */
	private static final int IMAGEJ_METADATA_MAGIC = 0x494a494a, IMAGEJ_METADATA_MAX_HEADER = 804;
	/** Bytes per value of TIFF field types 1 to 18 (0: no such type). */
	private static final int[] TIFF_TYPE_BYTES = { 0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4, 0, 0, 8, 8, 8 };
	/**
	 * How many times larger than their compressed bytes the pixels of an image can be, with any compression ImageJ
	 * reads: deflate expands at most about 1032 times, PackBits 64 times, LZW (9- to 12-bit codes of at most 4096
	 * bytes) about 3641 times.
	 */
	private static final long MAX_EXPANSION = 4096;

	private final Path file;
	private final FileInfo template;
	private final long[] offsets;
	private final int width, height, sliceBytes, type;
	private final Calibration cal;
	private final double[] voxelSizeMm;
	private final List<String> notes;
	private final FileChannel channel;

	private TiffSlices(final Path file, final FileInfo first, final long[] offsets, final ImagePlus firstImage) throws IOException {
		this.file = file;
		this.offsets = offsets;
		width = first.width;
		height = first.height;
		sliceBytes = (int) bytesPerImage(first);
		// one image at offset 0 of the bytes handed to the reader
		template = (FileInfo) first.clone();
		template.nImages = 1;
		template.offset = 0;
		template.longOffset = 0;
		template.gapBetweenImages = 0;
		template.longGap = 0;
		template.stripOffsets = null;
		template.stripLengths = null;
		type = firstImage.getType();
		cal = firstImage.getCalibration().copy();
		voxelSizeMm = Images.voxelSizeMm(cal);
		final String note = Images.conversionNote(file.toString(), type);
		notes = note == null ? Collections.emptyList() : Collections.singletonList(note);
		channel = FileChannel.open(file, StandardOpenOption.READ);
	}

	/** ImageJ's description of the TIFF's images (one per directory, or one for an ImageJ stack). */
	static FileInfo[] info(final Path file) {
		checkStructure(file);
		final FileInfo[] infos;
		try {
			infos = new TiffDecoder(Images.parent(file), file.getFileName().toString()).getTiffInfo();
		}
		catch (final IOException | RuntimeException e) {
			throw new IllegalArgumentException(file + ": cannot be read as a TIFF image (" + String.valueOf(e.getMessage()).replaceAll("\\s+", " ").trim() + ")");
		}
		if (infos == null || infos.length == 0) throw new IllegalArgumentException(file + ": cannot be read as a TIFF image (no image directory)");
		return infos;
	}

	/**
	 * Refuses a TIFF whose uncompressed pixel data run past the end of the file, naming the first incomplete slice:
	 * ImageJ's reader would give zeros for the missing part without saying so. Compressed pixel data cannot be
	 * checked as exactly: they are refused when even the largest expansion of any compression ImageJ reads could not
	 * fill the image (ImageJ would allocate the whole image for a few bytes), and ZIP-compressed strips are inflated
	 * to their end (see {@link #checkZipStrips}). So is an image whose samples per pixel (each read by ImageJ as an
	 * image of its own, unless RGB) could not fit in the file, one with more strips than rows, images whose strips
	 * add up to more than the file, and one whose strips are stored bottom-up (see below).
	 */
	static void checkComplete(final Path file, final FileInfo[] infos) {
		final long size = Images.fileSize(file);
		final int[] strips = infos[0].stripOffsets;
		// ImageJ's Opener flips such an image through its menu command "Flip Vertically", which does nothing, or fails
		// the first time, where ImageJ's menus are not loaded (headless, the command line): the result would depend on
		// where the file is opened
		if (infos.length == 1 && strips != null && strips.length > 1 && (strips[strips.length - 1] & 0xffffffffL) < (strips[0] & 0xffffffffL))
			throw new IllegalArgumentException(file + ": cannot be read as a TIFF image (its strips are stored bottom-up, which ImageJ reads the same way only"
				+ " where its menus are loaded; open it in Fiji and save it again)");
		// each image's strips hold at least one row (of each sample, when stored apart), and images do not share
		// their strips: otherwise a few hundred bytes could hold thousands of images of thousands of strips, each of
		// which ImageJ decodes (an LZW strip costs it a 16384-entry table, whatever its length)
		long allStripBytes = 0;
		for (int i = 0; i < infos.length; i++) {
			final FileInfo fi = infos[i];
			if (fi.stripOffsets != null && fi.stripOffsets.length > Math.max(1L, fi.samplesPerPixel) * Math.max(1, fi.height))
				throw corrupt(file, "image " + (i + 1) + " of " + fi.width + " x " + fi.height + " has " + fi.stripOffsets.length + " strips, more than its rows");
			// ImageJ reads an image of several samples per pixel (not RGB) as that many images, allocating them first
			final long samples = fi.samplesPerPixel, leastBytes = samples * (fi.fileType == FileInfo.BITMAP ? (fi.width + 7L) / 8 * fi.height : (long) fi.width * fi.height);
			if (samples > 1 && leastBytes > (fi.compression > FileInfo.COMPRESSION_NONE ? MAX_EXPANSION : 1) * size)
				throw truncated(file, samples + " samples per pixel of " + fi.width + " x " + fi.height + " need more than the file's " + size + " bytes");
			if (fi.stripLengths != null)
				for (final int length : fi.stripLengths)
					allStripBytes += length & 0xffffffffL;
		}
		if (allStripBytes > size)
			throw corrupt(file, "the strips of its " + infos.length + " images add up to " + allStripBytes + " bytes, more than the file's " + size);
		final int n = infos.length == 1 ? Math.max(1, infos[0].nImages) : infos.length;
		for (int z = 0; z < n; z++) {
			final FileInfo fi = infos[infos.length == 1 ? 0 : z];
			if (fi.width <= 0 || fi.height <= 0)
				throw corrupt(file, "width " + (fi.width & 0xffffffffL) + ", height " + (fi.height & 0xffffffffL));
			final long bytes = (long) fi.width * fi.height * Math.max(1, fi.getBytesPerPixel());
			if (fi.compression > FileInfo.COMPRESSION_NONE) {
				if (infos.length == 1 ? z == 0 && bytes * n > MAX_EXPANSION * size : bytes > MAX_EXPANSION * size)
					throw truncated(file, (infos.length == 1 ? n : 1) + " x " + fi.width + " x " + fi.height + " compressed pixels need more than the file's " + size
						+ " bytes");
				if ((infos.length > 1 || z == 0) && (fi.compression == FileInfo.ZIP || fi.compression == FileInfo.ZIP_WITH_DIFFERENCING)) checkZipStrips(file, fi);
				continue;
			}
			final long end = (infos.length == 1 ? fi.getOffset() + z * (bytes + Math.max(0, fi.getGap())) : fi.getOffset()) + bytes;
			if (end > size)
				throw truncated(file, "slice z=" + z + " of " + n + " needs bytes up to " + end + ", the file has " + size);
		}
	}

	/**
	 * Opens a TIFF for reading slice by slice, or reads it whole (see the class comment) when it fits in memory.
	 *
	 * @throws IllegalArgumentException naming the file: not a TIFF, truncated (naming the slice), channels or time
	 *                                  points, or too large for memory when it must be read whole
	 */
	static SliceSource open(final Path file) {
		final FileInfo[] infos = info(file);
		checkComplete(file, infos);
		String whole = whyWhole(infos);
		ImagePlus first = null;
		if (whole == null) {
			final FileInfo one = (FileInfo) infos[0].clone();
			one.nImages = 1;
			first = Images.quietly(() -> new FileOpener(one).openImage());
			if (first == null) whole = "not decoded by ImageJ's single-image reader";
			else if (first.getType() != ImagePlus.GRAY8 && first.getType() != ImagePlus.GRAY16 && first.getType() != ImagePlus.GRAY32
				&& first.getType() != ImagePlus.COLOR_RGB)
				whole = "shown by ImageJ with a colour table";
			else if (first.getBitDepth() == 32 && first.getTitle().startsWith("FFT of")) whole = "an ImageJ FFT (opened as its power spectrum)";
		}
		if (whole != null) {
			Images.requireMemory(file.toString(), "a " + infos[0].width + " x " + infos[0].height + " x " + (infos.length == 1 ? Math.max(1, infos[0].nImages)
				: infos.length) + " TIFF, " + whole + ", is read whole and", memoryToRead(infos),
				"save it as an uncompressed TIFF to read it slice by slice, or give Java more memory (-Xmx)");
			return MemorySlices.of(file.getFileName().toString(), Images.readTiff(file, infos));
		}
		final int n = infos.length == 1 ? Math.max(1, infos[0].nImages) : infos.length;
		final long[] offsets = new long[n];
		final long bytes = bytesPerImage(infos[0]);
		for (int z = 0; z < n; z++)
			offsets[z] = infos.length == 1 ? infos[0].getOffset() + z * (bytes + infos[0].getGap()) : infos[z].getOffset();
		refuseChannels(file, infos[0], n);
		try {
			return new TiffSlices(file, infos[0], offsets, first);
		}
		catch (final IOException e) {
			throw new IllegalArgumentException(file + ": cannot be read: " + e.getMessage());
		}
	}

	/**
	 * Walks a TIFF's image directories before ImageJ does, and refuses as corrupt what would make ImageJ's decoder
	 * allocate or read far beyond the file: it trusts the counts and lengths it finds, allocating as many values as
	 * an entry claims (and reading them byte by byte past the end of the file), each strip and metadata block at
	 * the length the file gives, as many slice labels, colour tables, overlays and properties as its own metadata
	 * header claims, and it follows the chain of directories without looking for loops. So a few hundred bytes
	 * could make it allocate gigabytes or read for ever. Refused: a chain of directories that leaves the file or
	 * loops, an entry claiming more values than the file holds, strips or metadata blocks longer in all than the
	 * file, an ImageJ metadata header claiming more entries than its byte counts list. What does not start as a
	 * TIFF (II or MM) is left to ImageJ to refuse. BigTIFF (version 43) is refused: ImageJ 1.x reads every version
	 * number as the classic 42, so it would read a BigTIFF's 64-bit offsets as 32-bit ones, and garbage with them.
	 */
	private static void checkStructure(final Path file) {
		try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
			final long size = ch.size();
			final ByteBuffer head = bytes(ch, 0, 8);
			if (head == null || head.getShort(0) != 0x4949 && head.getShort(0) != 0x4d4d) return;
			final ByteOrder order = head.getShort(0) == 0x4949 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
			if (head.order(order).getShort(2) == 43)
				throw new IllegalArgumentException(file + ": cannot be read as a TIFF image (it is a BigTIFF, which ImageJ 1.x does not read;"
					+ " save it as a classic TIFF or as NIfTI)");
			final Set<Long> seen = new HashSet<>();
			long[] metaDataCounts = null; // ImageJ keeps the last ones it read, from any directory
			for (long ifd = head.getInt(4) & 0xffffffffL; ifd != 0;) {
				final String where = "image directory " + (seen.size() + 1) + " at byte " + ifd;
				if (!seen.add(ifd)) throw corrupt(file, "the chain of image directories loops back to byte " + ifd);
				final ByteBuffer count = bytes(ch, ifd, 2);
				if (count == null) throw truncated(file, where + " lies past the end of the file (" + size + " bytes)");
				final int n = count.order(order).getShort(0) & 0xffff;
				if (n < 1 || n > 1000) return; // ImageJ stops at such a directory
				final ByteBuffer d = bytes(ch, ifd + 2, 12 * n + 4);
				if (d == null) throw truncated(file, where + " with " + n + " entries is cut off by the end of the file (" + size + " bytes)");
				d.order(order);
				for (int e = 0; e < n; e++) {
					final int tag = d.getShort(12 * e) & 0xffff, type = d.getShort(12 * e + 2) & 0xffff;
					final long values = d.getInt(12 * e + 4) & 0xffffffffL, at = d.getInt(12 * e + 8) & 0xffffffffL;
					final int bytesPerValue = tag == STRIP_OFFSETS || tag == META_DATA_BYTE_COUNTS ? 4
						: tag == STRIP_BYTE_COUNTS ? type == 3 ? 2 : 4 : type < TIFF_TYPE_BYTES.length ? Math.max(1, TIFF_TYPE_BYTES[type]) : 1;
					final boolean inline = values * bytesPerValue <= 4 && tag != META_DATA_BYTE_COUNTS; // as ImageJ reads them
					if (values > size || !inline && at + values * bytesPerValue > size)
						throw corrupt(file, where + ": tag " + tag + " has " + values + " values" + (inline ? "" : " from byte " + at)
							+ ", more than the file's " + size + " bytes hold");
					if (tag == STRIP_BYTE_COUNTS || tag == META_DATA_BYTE_COUNTS) {
						final ByteBuffer v = inline ? d.duplicate().order(order).position(12 * e + 8).slice().order(order) : bytes(ch, at, (int) (values * bytesPerValue)).order(order);
						long total = 0;
						for (int i = 0; i < values; i++)
							total += bytesPerValue == 2 ? v.getShort(2 * i) & 0xffff : v.getInt(4 * i) & 0xffffffffL;
						if (total > size)
							throw corrupt(file, where + ": tag " + tag + " (" + (tag == STRIP_BYTE_COUNTS ? "strip" : "metadata") + " byte counts) adds up to "
								+ total + " bytes, more than the file's " + size);
						if (tag == META_DATA_BYTE_COUNTS) {
							metaDataCounts = new long[(int) values];
							for (int i = 0; i < values; i++)
								metaDataCounts[i] = v.getInt(4 * i) & 0xffffffffL;
						}
					}
					if (tag == META_DATA && metaDataCounts != null && metaDataCounts.length > 0)
						checkImageJMetadata(file, ch, order, where, type == 3 && values == 1 ? d.getShort(12 * e + 8) & 0xffff : at, metaDataCounts);
				}
				ifd = d.getInt(12 * n) & 0xffffffffL;
			}
		}
		catch (final IOException e) {
			throw new IllegalArgumentException(file + ": cannot be read: " + e.getMessage());
		}
	}

	/**
	 * Refuses ImageJ's own metadata block (tag 50839: slice labels, display ranges, colour tables, overlays,
	 * properties) when its header claims more entries than its byte counts (tag 50838) list: ImageJ allocates an
	 * array of as many entries as the header claims, up to 2^31, before it reads any.
	 */
	private static void checkImageJMetadata(final Path file, final FileChannel ch, final ByteOrder order, final String where, final long at,
		final long[] counts) throws IOException {
		final long header = counts[0];
		if (header < 12 || header > IMAGEJ_METADATA_MAX_HEADER) return; // ImageJ skips the block
		final ByteBuffer magic = bytes(ch, at, 4);
		if (magic == null || magic.order(order).getInt(0) != IMAGEJ_METADATA_MAGIC) return; // not ImageJ's: skipped too
		final int types = (int) (header - 4) / 8;
		final ByteBuffer h = bytes(ch, at + 4, 8 * types);
		if (h == null) throw truncated(file, where + ": ImageJ's metadata header at byte " + at + " is cut off by the end of the file");
		h.order(order);
		long entries = 0;
		for (int t = 0; t < types; t++) {
			final int count = h.getInt(8 * t + 4);
			entries += count < 0 ? Integer.MAX_VALUE + 1L : count;
		}
		if (entries > counts.length - 1)
			throw corrupt(file, where + ": ImageJ's metadata (tag " + META_DATA + ") claims " + entries + " entries, its byte counts (tag "
				+ META_DATA_BYTE_COUNTS + ") list " + (counts.length - 1));
	}

	/** {@code n} bytes of the file from {@code at}, or null when the file ends before. */
	private static ByteBuffer bytes(final FileChannel ch, final long at, final int n) throws IOException {
		if (at + n > ch.size()) return null;
		final ByteBuffer b = ByteBuffer.allocate(n);
		while (b.hasRemaining())
			if (ch.read(b, at + b.position()) < 0) return null;
		return b.flip();
	}

	private static IllegalArgumentException truncated(final Path file, final String problem) {
		return new IllegalArgumentException(file + ": cannot be read as a TIFF image (truncated: " + problem + ")");
	}

	private static IllegalArgumentException corrupt(final Path file, final String problem) {
		return new IllegalArgumentException(file + ": cannot be read as a TIFF image (corrupt: " + problem + ")");
	}

	/**
	 * Inflates each deflate-compressed strip to its end, and refuses one whose stream breaks off or is corrupt:
	 * ImageJ's inflater loop waits for the end of the stream, so it never comes back from a strip that breaks off, and
	 * it fills a corrupt strip with zeros, saying so only in ImageJ's log.
	 */
	private static void checkZipStrips(final Path file, final FileInfo fi) {
		if (fi.stripOffsets == null || fi.stripLengths == null) return; // ImageJ refuses these itself
		final int strips = Math.min(fi.stripOffsets.length, fi.stripLengths.length);
		final byte[] out = new byte[1 << 16];
		final Inflater inflater = new Inflater();
		try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
			for (int i = 0; i < strips; i++) {
				final String strip = "ZIP-compressed strip " + (i + 1) + " of " + strips;
				final ByteBuffer data = fi.stripLengths[i] < 0 ? null : bytes(ch, fi.stripOffsets[i] & 0xffffffffL, fi.stripLengths[i]);
				if (data == null) throw truncated(file, strip + " runs past the end of the file");
				inflater.reset();
				inflater.setInput(data.array());
				while (!inflater.finished())
					if (inflater.inflate(out) == 0 && (inflater.needsInput() || inflater.needsDictionary()))
						throw truncated(file, strip + " breaks off before the end of its data");
			}
		}
		catch (final DataFormatException e) {
			throw corrupt(file, "ZIP-compressed pixel data: " + e.getMessage());
		}
		catch (final IOException e) {
			throw new IllegalArgumentException(file + ": cannot be read: " + e.getMessage());
		}
		finally {
			inflater.end();
		}
	}

	/** The memory a whole read takes: ImageJ's pixels and the volume's float copy. */
	static long memoryToRead(final FileInfo[] infos) {
		long need = 0;
		for (final FileInfo fi : infos)
			need += (infos.length == 1 ? Math.max(1, fi.nImages) : 1) * (long) fi.width * fi.height * (Math.max(1, fi.getBytesPerPixel()) + 4);
		return need;
	}

	private static long bytesPerImage(final FileInfo fi) {
		return (long) fi.width * fi.height * fi.getBytesPerPixel();
	}

	/** Why the TIFF is read whole rather than slice by slice, or null when it can be streamed. */
	private static String whyWhole(final FileInfo[] infos) {
		final FileInfo f0 = infos[0];
		long end = -1;
		for (final FileInfo fi : infos) {
			if (fi.compression > FileInfo.COMPRESSION_NONE) return "compressed (" + compression(fi.compression) + ")";
			switch (fi.fileType) {
				case FileInfo.GRAY8: case FileInfo.GRAY16_SIGNED: case FileInfo.GRAY16_UNSIGNED: case FileInfo.GRAY32_INT: case FileInfo.GRAY32_UNSIGNED:
				case FileInfo.GRAY32_FLOAT: case FileInfo.RGB:
					break;
				default:
					return "of ImageJ file type " + fi.fileType + " (not 8-, 16-, 32-bit grey or RGB)";
			}
			if (fi.lutSize > 0) return "with a colour table";
			if (fi.whiteIsZero) return "with inverted grey (white is zero)";
			if (fi.fileType != f0.fileType || fi.width != f0.width || fi.height != f0.height) return "whose images differ in size or type";
			final long bytes = bytesPerImage(fi);
			if (bytes > Integer.MAX_VALUE - 8) return "whose images are larger than 2 GiB";
			if (fi.getOffset() < end) return "whose images are not stored in order";
			end = fi.getOffset() + bytes;
			if (fi.stripOffsets != null && fi.stripOffsets.length > 1) {
				if (fi.stripLengths == null || fi.stripLengths.length != fi.stripOffsets.length) return "whose strips have no lengths";
				long at = fi.stripOffsets[0] & 0xffffffffL, sum = 0;
				if (at != fi.getOffset()) return "whose strips are not stored one after the other";
				for (int i = 0; i < fi.stripOffsets.length; i++) {
					if ((fi.stripOffsets[i] & 0xffffffffL) != at) return "whose strips are not stored one after the other";
					at += fi.stripLengths[i];
					sum += fi.stripLengths[i];
				}
				if (sum != bytes) return "whose strips do not hold exactly one image";
			}
		}
		if (f0.description != null && f0.description.contains("order=zct")) return "with channels stored first (order=zct)";
		return null;
	}

	private static String compression(final int code) {
		switch (code) {
			case FileInfo.LZW: return "LZW";
			case FileInfo.LZW_WITH_DIFFERENCING: return "LZW with differencing";
			case FileInfo.JPEG: return "JPEG";
			case FileInfo.PACK_BITS: return "PackBits";
			case FileInfo.ZIP: return "ZIP";
			case FileInfo.ZIP_WITH_DIFFERENCING: return "ZIP with differencing";
			default: return "code " + code;
		}
	}

	/**
	 * Refuses what ImageJ would open as channels or time points (from its description, as ImageJ sets the
	 * dimensions of a stack it opens), as {@link Images#fromImagePlus} does.
	 */
	private static void refuseChannels(final Path file, final FileInfo fi, final int images) {
		if (images < 2) return;
		final FileInfo copy = (FileInfo) fi.clone();
		final Properties props = new FileOpener(copy).decodeDescriptionString(copy);
		if (props == null) return;
		final int c = Math.max(1, count(props, "channels")), s = Math.max(1, count(props, "slices")), f = Math.max(1, count(props, "frames"));
		if ((long) c * s * f == images) Images.refuseChannels(file.toString(), c, f);
	}

	/** A number of ImageJ's description as ImageJ reads it: 0 when missing or not a number. */
	private static int count(final Properties props, final String key) {
		try {
			final String v = props.getProperty(key);
			return v == null ? 0 : (int) Double.parseDouble(v);
		}
		catch (final NumberFormatException e) {
			return 0;
		}
	}

	@Override
	public String name() {
		return file.getFileName().toString();
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
		return offsets.length;
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
		final int[] order = new int[offsets.length];
		for (int z = 0; z < order.length; z++)
			order[z] = z;
		return order;
	}

	@Override
	public float[] slice(final int z) {
		if (!channel.isOpen()) throw new IllegalStateException(file + ": closed");
		if (z < 0 || z >= offsets.length) throw new IndexOutOfBoundsException(file + ": slice " + z + " is outside 0.." + (offsets.length - 1));
		final byte[] b = new byte[sliceBytes];
		final ByteBuffer buf = ByteBuffer.wrap(b);
		try {
			while (buf.hasRemaining()) {
				if (channel.read(buf, offsets[z] + buf.position()) < 0)
					throw new IllegalArgumentException(file + ": slice z=" + z + ": data truncated: the slice needs bytes " + offsets[z] + " to " + (offsets[z] + sliceBytes)
						+ ", the file now holds " + channel.size());
			}
		}
		catch (final IOException e) {
			throw new IllegalArgumentException(file + ": slice z=" + z + ": cannot read: " + e.getMessage());
		}
		final Object px = new ImageReader(template).readPixels(new ByteArrayInputStream(b));
		final ImageProcessor ip;
		if (px instanceof byte[]) ip = new ByteProcessor(width, height, (byte[]) px);
		else if (px instanceof short[]) ip = new ShortProcessor(width, height, (short[]) px, null);
		else if (px instanceof float[]) ip = new FloatProcessor(width, height, (float[]) px);
		else if (px instanceof int[]) ip = new ColorProcessor(width, height, (int[]) px);
		else throw new IllegalArgumentException(file + ": slice z=" + z + ": ImageJ cannot decode its pixels");
		final float[] out = new float[width * height];
		Images.toValues(ip, type, cal, out, 0);
		return out;
	}

	@Override
	public long residentBytes() {
		return 0;
	}

	@Override
	public void close() {
		try {
			channel.close();
		}
		catch (final IOException e) {
			// only read from: nothing is lost
		}
	}
}
