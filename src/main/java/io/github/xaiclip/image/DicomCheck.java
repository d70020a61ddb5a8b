package io.github.xaiclip.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import ij.io.FileInfo;

/**
 * Walks a DICOM file's data elements the way ImageJ 1.x's DICOM reader ({@code ij.plugin.DicomDecoder}) does, before
 * that reader sees the file, and refuses what would make it allocate or read far beyond the file. ImageJ trusts the
 * lengths it finds: it allocates a value of as many bytes as an element claims before reading it (so a 700-byte
 * file claiming a 2 GB value runs Java out of memory), and allocates rows x columns x frames pixels whatever the file
 * holds (gigabytes for a few bytes of pixel data, which it then fills with zeros). Refused: an element whose value
 * runs past the end of the file (also one ImageJ would skip: it would then fail without saying where), and pixel
 * data shorter than the image that the rows, columns, frames and bits allocated of the header give.
 * <p>
 * The walk follows ImageJ's reading step by step (its guess of explicit or implicit value representation from the
 * two bytes after each tag, its value representations of implicit elements from its DICOM dictionary, sequences it
 * steps into, the elements it reads as two-byte numbers whatever their length), so that it sees each element where
 * ImageJ will. ImageJ's dictionary is private to its reader and read here by reflection; without it (another ImageJ
 * version), implicit elements are taken as ImageJ takes those missing from its dictionary.
 */
final class DicomCheck {

	private static final int TRANSFER_SYNTAX_UID = 0x00020010, NUMBER_OF_FRAMES = 0x00280008, SAMPLES_PER_PIXEL = 0x00280002,
		PHOTOMETRIC_INTERPRETATION = 0x00280004, PLANAR_CONFIGURATION = 0x00280006, ROWS = 0x00280010, COLUMNS = 0x00280011,
		BITS_ALLOCATED = 0x00280100, PIXEL_REPRESENTATION = 0x00280103, ACQUISITION_CONTEXT_SEQUENCE = 0x00400555, VIEW_CODE_SEQUENCE = 0x00540220,
		ICON_IMAGE_SEQUENCE = 0x00880200, ITEM = 0xFFFEE000, ITEM_DELIMITATION = 0xFFFEE00D, SEQUENCE_DELIMITATION = 0xFFFEE0DD,
		FLOAT_PIXEL_DATA = 0x7FE00008, PIXEL_DATA = 0x7FE00010, PIXEL_DATA_7F88 = 0x7F880010;
	/** Tags whose values ImageJ reads as strings (besides those read by their value representation). */
	private static final int[] STRING_TAGS = { 0x00080060, 0x00181164, 0x00280030, 0x00180050, 0x00180088, 0x00281050, 0x00281051, 0x00281052, 0x00281053 };
	private static final int RED_PALETTE = 0x00281201, GREEN_PALETTE = 0x00281202, BLUE_PALETTE = 0x00281203;
	private static final int AE = 0x4145, AS = 0x4153, AT = 0x4154, CS = 0x4353, DA = 0x4441, DS = 0x4453, DT = 0x4454, FD = 0x4644, FL = 0x464C,
		IS = 0x4953, LO = 0x4C4F, LT = 0x4C54, PN = 0x504E, SH = 0x5348, SL = 0x534C, SS = 0x5353, ST = 0x5354, TM = 0x544D, UI = 0x5549,
		UL = 0x554C, US = 0x5553, UT = 0x5554, OB = 0x4F42, OW = 0x4F57, SQ = 0x5351, UN = 0x554E, QQ = 0x3F3F, OF = 0x4F46, OL = 0x4F4C,
		OD = 0x4F44, UC = 0x5543, UR = 0x5552, OV = 0x4F56, SV = 0x5356, UV = 0x5556, IMPLICIT = 0x2D2D;
	/** ImageJ's DICOM dictionary, or null (another ImageJ version): loaded once, as ImageJ loads it once. */
	private static final Properties DICTIONARY = imageJDictionary();

	private final Path file;
	private final long size;
	private final InputStream in;
	/** Bytes read, and ImageJ's count of them (which a negative length moves back). */
	private long position, location;
	private boolean littleEndian = true, bigEndianSyntax, inSequence, acquisitionSequence, oddLocations;
	/** The value representation and length of the element just read, as ImageJ takes them. */
	private int vr, elementLength;

	private DicomCheck(final Path file, final long size, final InputStream in) {
		this.file = file;
		this.size = size;
		this.in = in;
	}

	/**
	 * Checks {@code file} as described in the class comment. What ImageJ would refuse by itself (not DICOM,
	 * compressed, cut off inside the header) is left to it.
	 *
	 * @throws IllegalArgumentException naming the file, the element and its byte offset, or the pixel data
	 */
	static void check(final Path file) {
		try {
			final long size = Files.size(file);
			final byte[] head = new byte[132];
			try (InputStream in = Files.newInputStream(file)) {
				if (in.readNBytes(head, 0, head.length) < head.length) return; // ImageJ stops at the end of the file
			}
			final boolean dicm = head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M';
			// without "DICM" after the preamble, ImageJ reads an ACR-NEMA file from byte 0 when its first bytes look like a tag
			if (!dicm && !((head[0] == 8 || head[0] == 2) && head[1] == 0 && head[3] == 0)) return;
			try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
				final DicomCheck walk = new DicomCheck(file, size, in);
				if (dicm) walk.skip(0, 0, 132);
				walk.walk();
			}
		}
		catch (final ImageJStops e) {
			// ImageJ fails here too ("unexpected EOF", a negative array size), and refuses the file
		}
		catch (final IOException e) {
			throw new IllegalArgumentException(file + ": cannot be read: " + e.getMessage());
		}
	}

	/** Where ImageJ's reader fails by itself: the end of the file, a negative length it allocates by. */
	private static final class ImageJStops extends IOException {
		private static final long serialVersionUID = 1L;
	}

	private void walk() throws IOException {
		int width = 0, height = 0, frames = 1, fileType = FileInfo.GRAY16_UNSIGNED, samplesPerPixel = 1, planar = 0;
		boolean signed = false;
		String photometric = "";
		while (true) {
			final long at = location;
			final int tag = nextTag();
			final long length = elementLength;
			if ((location & 1) != 0) oddLocations = true;
			if (inSequence && !acquisitionSequence) {
				value(tag, at, length);
				continue;
			}
			switch (tag) {
				case TRANSFER_SYNTAX_UID: {
					final String s = string(tag, at, length);
					if (s.contains("1.2.4") || s.contains("1.2.5")) return; // compressed: ImageJ refuses it
					if (s.contains("1.2.840.10008.1.2.2")) bigEndianSyntax = true;
					break;
				}
				case NUMBER_OF_FRAMES: {
					final double f = number(string(tag, at, length));
					if (f > 1) frames = (int) f;
					break;
				}
				case PHOTOMETRIC_INTERPRETATION:
					photometric = string(tag, at, length);
					break;
				case SAMPLES_PER_PIXEL:
					samplesPerPixel = getShort();
					break;
				case PLANAR_CONFIGURATION:
					planar = getShort();
					break;
				case ROWS:
					height = getShort();
					break;
				case COLUMNS:
					width = getShort();
					break;
				case BITS_ALLOCATED: {
					final int bits = getShort();
					if (bits == 8) fileType = FileInfo.GRAY8;
					else if (bits == 32) fileType = FileInfo.GRAY32_UNSIGNED;
					break;
				}
				case PIXEL_REPRESENTATION:
					if (getShort() == 1) {
						fileType = FileInfo.GRAY16_SIGNED;
						signed = true;
					}
					break;
				case RED_PALETTE: case GREEN_PALETTE: case BLUE_PALETTE:
					read(tag, at, length); // ImageJ reads length / 2 two-byte values, or an odd length as a string
					break;
				case FLOAT_PIXEL_DATA: case PIXEL_DATA: case PIXEL_DATA_7F88:
					if (length != 0) {
						if (tag == FLOAT_PIXEL_DATA) fileType = FileInfo.GRAY32_FLOAT;
						if (fileType == FileInfo.GRAY32_UNSIGNED && signed) fileType = FileInfo.GRAY32_INT;
						if (samplesPerPixel == 3 && photometric.startsWith("RGB") && (planar == 0 || planar == 1)) fileType = FileInfo.RGB;
						checkPixels(width, height, frames, fileType, tag == PIXEL_DATA_7F88 ? location + 4 : location);
						return;
					}
					if (tag == FLOAT_PIXEL_DATA) fileType = FileInfo.GRAY32_FLOAT;
					if (tag != PIXEL_DATA_7F88) value(tag, at, 0);
					break;
				default:
					if (isStringTag(tag)) string(tag, at, length);
					else value(tag, at, length);
			}
		}
	}

	/** ImageJ's {@code getNextTag}: the tag, with {@link #elementLength} and {@link #vr} set. */
	private int nextTag() throws IOException {
		int group = getShort();
		if (group == 0x0800 && bigEndianSyntax) {
			littleEndian = false;
			group = 0x0008;
		}
		final int element = getShort();
		elementLength = length();
		if (elementLength == 13 && !oddLocations) elementLength = 10; // as ImageJ does, for some GE files
		if (elementLength == -1) {
			elementLength = 0;
			inSequence = true;
		}
		return group << 16 | element;
	}

	/** ImageJ's {@code getLength}: a 16- or 32-bit length after an explicit value representation, or implicit. */
	private int length() throws IOException {
		final int b0 = getByte(), b1 = getByte(), b2 = getByte(), b3 = getByte();
		vr = b0 << 8 | b1;
		switch (vr) {
			case OB: case OW: case SQ: case UN: case UT: case OF: case OL: case OD: case UC: case UR: case OV: case SV: case UV:
				if (b2 == 0 || b3 == 0) return getInt();
				vr = IMPLICIT;
				return littleEndian ? (b3 << 24) + (b2 << 16) + (b1 << 8) + b0 : (b0 << 24) + (b1 << 16) + (b2 << 8) + b3;
			case AE: case AS: case AT: case CS: case DA: case DS: case DT: case FD: case FL: case IS: case LO: case LT: case PN: case SH:
			case SL: case SS: case ST: case TM: case UI: case UL: case US: case QQ:
				return littleEndian ? (b3 << 8) + b2 : (b2 << 8) + b3;
			default:
				vr = IMPLICIT;
				return littleEndian ? (b3 << 24) + (b2 << 16) + (b1 << 8) + b0 : (b0 << 24) + (b1 << 16) + (b2 << 8) + b3;
		}
	}

	/** ImageJ's {@code getHeaderInfo} for an element whose value it does not use: what it reads or skips. */
	private void value(final int tag, final long at, final long length) throws IOException {
		if (tag == ITEM_DELIMITATION || tag == SEQUENCE_DELIMITATION) {
			inSequence = false;
			return;
		}
		if (vr == IMPLICIT && DICTIONARY != null) {
			final String id = DICTIONARY.getProperty(String.format("%08X", tag));
			if (id != null && id.length() >= 2) vr = id.charAt(0) << 8 | id.charAt(1);
		}
		if (tag == ITEM) return;
		switch (vr) {
			case FD: case FL:
				skip(tag, at, Math.max(0, length));
				break;
			case US: case SS:
				skip(tag, at, length == 2 ? 2 : Math.max(0, length / 2 * 2));
				break;
			case UL: case SL:
				skip(tag, at, length == 4 ? 4 : Math.max(0, length / 4 * 4));
				break;
			case AE: case AS: case AT: case CS: case DA: case DS: case DT: case IS: case LO: case LT: case PN: case SH: case ST: case TM: case UI:
			case UN: case IMPLICIT:
				string(tag, at, length);
				break;
			case SQ:
				if (tag == ACQUISITION_CONTEXT_SEQUENCE) acquisitionSequence = true;
				if (tag == VIEW_CODE_SEQUENCE) acquisitionSequence = false;
				if (tag != ICON_IMAGE_SEQUENCE && ((tag >> 16) & 1) == 0) break; // ImageJ steps into the sequence
				// a private or icon sequence: skipped
			default:
				requireInFile(tag, at, length);
				if (length > 0) skip(tag, at, length);
				else location += length; // ImageJ counts a negative length without skipping anything
		}
	}

	/** A value ImageJ reads as a string: allocated at its length, then read. */
	private String string(final int tag, final long at, final long length) throws IOException {
		return new String(read(tag, at, length), StandardCharsets.ISO_8859_1);
	}

	/** A value ImageJ allocates at its length, then reads. */
	private byte[] read(final int tag, final long at, final long length) throws IOException {
		requireInFile(tag, at, length);
		if (length < 0) throw new ImageJStops();
		final byte[] b = new byte[(int) length];
		for (int i = 0; i < b.length; i++)
			b[i] = (byte) getByte();
		return b;
	}

	private void skip(final int tag, final long at, final long length) throws IOException {
		requireInFile(tag, at, length);
		for (long left = length; left > 0;) {
			long skipped = in.skip(left);
			if (skipped <= 0) {
				if (in.read() < 0) throw new ImageJStops();
				skipped = 1;
			}
			left -= skipped;
		}
		position += length;
		location += length;
	}

	/** Refuses a value whose length (as the unsigned number the file holds) runs past the end of the file. */
	private void requireInFile(final int tag, final long at, final long length) {
		if ((length & 0xffffffffL) > size - position)
			throw new IllegalArgumentException(file + ": cannot be read as a DICOM image (corrupt: element " + String.format("(%04X,%04X)", tag >>> 16, tag & 0xffff)
				+ " at byte " + at + " claims " + (length & 0xffffffffL) + " bytes, past the end of the file at byte " + size + ")");
	}

	/** Refuses pixel data shorter than the image the header gives, which ImageJ would allocate whole and fill with zeros. */
	private void checkPixels(final int width, final int height, final int frames, final int fileType, final long offset) {
		if (width <= 0 || height <= 0) return; // ImageJ opens no image
		final FileInfo fi = new FileInfo();
		fi.fileType = fileType;
		final double bytes = (double) width * height * frames * Math.max(1, fi.getBytesPerPixel());
		if (offset + bytes > size)
			throw new IllegalArgumentException(file + ": cannot be read as a DICOM image (truncated: " + width + " x " + height + (frames > 1 ? " x " + frames : "")
				+ " pixels from byte " + offset + " need " + String.format("%.0f", bytes) + " bytes, the file has " + size + ")");
	}

	private static boolean isStringTag(final int tag) {
		for (final int t : STRING_TAGS)
			if (t == tag) return true;
		return false;
	}

	private static double number(final String s) {
		try {
			return Double.parseDouble(s.startsWith("\\") ? s.substring(1) : s);
		}
		catch (final NumberFormatException e) {
			return 0;
		}
	}

	private int getByte() throws IOException {
		final int b = in.read();
		if (b < 0) throw new ImageJStops();
		position++;
		location++;
		return b;
	}

	private int getShort() throws IOException {
		final int b0 = getByte(), b1 = getByte();
		return littleEndian ? (b1 << 8) + b0 : (b0 << 8) + b1;
	}

	private int getInt() throws IOException {
		final int b0 = getByte(), b1 = getByte(), b2 = getByte(), b3 = getByte();
		return littleEndian ? (b3 << 24) + (b2 << 16) + (b1 << 8) + b0 : (b0 << 24) + (b1 << 16) + (b2 << 8) + b3;
	}

	/** ImageJ's DICOM dictionary (tag to two-letter value representation and name), loaded as its reader loads it. */
	private static Properties imageJDictionary() {
		try {
			final Class<?> decoder = Class.forName("ij.plugin.DicomDecoder");
			final Field field = decoder.getDeclaredField("dictionary");
			field.setAccessible(true);
			if (field.get(null) == null) {
				final Constructor<?> c = decoder.getDeclaredConstructor(String.class, String.class);
				c.setAccessible(true);
				c.newInstance("", "");
			}
			return (Properties) field.get(null);
		}
		catch (final ReflectiveOperationException | RuntimeException e) {
			return null;
		}
	}
}
