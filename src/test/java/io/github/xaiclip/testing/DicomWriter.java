package io.github.xaiclip.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import io.github.xaiclip.image.Volume;

/**
 * Writes a volume as a DICOM CT series (one Part 10 file per slice, explicit VR little endian, signed 16-bit with a
 * rescale), axial in the display convention: rows along the patient's left, columns posterior, slices superior.
 * Enough of DICOM for the readers' tests; not a DICOM toolkit.
 */
public final class DicomWriter {

	private DicomWriter() {}

	/** Writes slice z as {@code names[z]} in {@code folder}, stored = value - intercept. */
	public static void write(final Volume v, final Path folder, final String[] names, final double intercept) throws IOException {
		final String study = "1.2.826.0.1.3680043.2.1125.1", series = study + ".2";
		for (int z = 0; z < v.depth(); z++)
			Files.write(folder.resolve(names[z]), slice(v, z, study, series, intercept));
	}

	/** How the data set after the file meta information is encoded (the meta information is always explicit little endian). */
	public enum Syntax {
		EXPLICIT_LITTLE("1.2.840.10008.1.2.1"), IMPLICIT_LITTLE("1.2.840.10008.1.2"), EXPLICIT_BIG("1.2.840.10008.1.2.2");

		final String uid;

		Syntax(final String uid) {
			this.uid = uid;
		}
	}

	static byte[] slice(final Volume v, final int z, final String study, final String series, final double intercept) throws IOException {
		return slice(v, z, study, series, intercept, Syntax.EXPLICIT_LITTLE, false);
	}

	/**
	 * Slice z as one DICOM file in {@code syntax}; with {@code sequences}, also a sequence of defined length and one
	 * of undefined length (items of both kinds), as scanners write them before the pixel data.
	 */
	public static byte[] slice(final Volume v, final int z, final String study, final String series, final double intercept, final Syntax syntax,
		final boolean sequences) throws IOException {
		final int w = v.width(), h = v.height();
		final double[] s = v.voxelSize();
		final ByteArrayOutputStream meta = new ByteArrayOutputStream(), data = new ByteArrayOutputStream();
		final String sop = series + "." + (z + 1);
		final Syntax m = Syntax.EXPLICIT_LITTLE;
		element(meta, m, 0x0002, 0x0001, "OB", new byte[] { 0, 1 });
		element(meta, m, 0x0002, 0x0002, "UI", ui("1.2.840.10008.5.1.4.1.1.2"));
		element(meta, m, 0x0002, 0x0003, "UI", ui(sop));
		element(meta, m, 0x0002, 0x0010, "UI", ui(syntax.uid));
		element(data, syntax, 0x0008, 0x0016, "UI", ui("1.2.840.10008.5.1.4.1.1.2"));
		element(data, syntax, 0x0008, 0x0018, "UI", ui(sop));
		element(data, syntax, 0x0008, 0x0060, "CS", text("CT"));
		if (sequences) {
			// Referenced Image Sequence, defined length: one item of defined length
			final ByteArrayOutputStream item = new ByteArrayOutputStream(), items = new ByteArrayOutputStream();
			element(item, syntax, 0x0008, 0x1150, "UI", ui("1.2.840.10008.5.1.4.1.1.2"));
			element(item, syntax, 0x0008, 0x1155, "UI", ui(series + ".99"));
			element(items, syntax, 0xFFFE, 0xE000, null, item.toByteArray());
			element(data, syntax, 0x0008, 0x1140, "SQ", items.toByteArray());
			// Request Attributes Sequence, undefined length: one item of undefined length, then the delimiters
			tag(data, syntax, 0x0040, 0x0275, "SQ", -1);
			tag(data, syntax, 0xFFFE, 0xE000, null, -1);
			element(data, syntax, 0x0040, 0x1001, "SH", text("RP1"));
			element(data, syntax, 0x0040, 0x0009, "SH", text("SPS1"));
			tag(data, syntax, 0xFFFE, 0xE00D, null, 0);
			tag(data, syntax, 0xFFFE, 0xE0DD, null, 0);
		}
		element(data, syntax, 0x0018, 0x0050, "DS", text(num(s[2])));
		element(data, syntax, 0x0020, 0x000D, "UI", ui(study));
		element(data, syntax, 0x0020, 0x000E, "UI", ui(series));
		element(data, syntax, 0x0020, 0x0013, "IS", text(Integer.toString(z + 1)));
		element(data, syntax, 0x0020, 0x0032, "DS", text("-100\\-80\\" + num(z * s[2] - 40)));
		element(data, syntax, 0x0020, 0x0037, "DS", text("1\\0\\0\\0\\1\\0"));
		element(data, syntax, 0x0028, 0x0002, "US", u16(1, syntax));
		element(data, syntax, 0x0028, 0x0004, "CS", text("MONOCHROME2"));
		element(data, syntax, 0x0028, 0x0010, "US", u16(h, syntax));
		element(data, syntax, 0x0028, 0x0011, "US", u16(w, syntax));
		element(data, syntax, 0x0028, 0x0030, "DS", text(num(s[1]) + "\\" + num(s[0])));
		element(data, syntax, 0x0028, 0x0100, "US", u16(16, syntax));
		element(data, syntax, 0x0028, 0x0101, "US", u16(16, syntax));
		element(data, syntax, 0x0028, 0x0102, "US", u16(15, syntax));
		element(data, syntax, 0x0028, 0x0103, "US", u16(1, syntax));
		element(data, syntax, 0x0028, 0x1052, "DS", text(num(intercept)));
		element(data, syntax, 0x0028, 0x1053, "DS", text("1"));
		final ByteBuffer px = ByteBuffer.allocate(2 * w * h).order(syntax == Syntax.EXPLICIT_BIG ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
		for (int p = 0; p < w * h; p++)
			px.putShort((short) Math.round(v.values()[z * w * h + p] - intercept));
		element(data, syntax, 0x7FE0, 0x0010, "OW", px.array());
		final ByteArrayOutputStream file = new ByteArrayOutputStream();
		file.write(new byte[128]);
		file.write("DICM".getBytes(StandardCharsets.US_ASCII));
		final ByteBuffer len = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(meta.size());
		element(file, m, 0x0002, 0x0000, "UL", len.array());
		meta.writeTo(file);
		data.writeTo(file);
		return file.toByteArray();
	}

	/** A data element: tag, value representation (none when implicit, or for items and delimiters), length, value. */
	private static void element(final ByteArrayOutputStream out, final Syntax syntax, final int group, final int element, final String vr, final byte[] value) {
		tag(out, syntax, group, element, vr, value.length);
		out.write(value, 0, value.length);
	}

	private static void tag(final ByteArrayOutputStream out, final Syntax syntax, final int group, final int element, final String vr, final int length) {
		final boolean explicit = vr != null && syntax != Syntax.IMPLICIT_LITTLE;
		final boolean longForm = !explicit || vr.equals("OB") || vr.equals("OW") || vr.equals("SQ") || vr.equals("UN") || vr.equals("UT");
		final ByteBuffer b = ByteBuffer.allocate(explicit && longForm ? 12 : 8)
			.order(syntax == Syntax.EXPLICIT_BIG ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
		b.putShort((short) group).putShort((short) element);
		if (explicit) b.put(vr.getBytes(StandardCharsets.US_ASCII));
		if (explicit && longForm) b.putShort((short) 0).putInt(length);
		else if (explicit) b.putShort((short) length);
		else b.putInt(length);
		out.write(b.array(), 0, b.capacity());
	}

	private static byte[] ui(final String s) {
		return pad(s, (byte) 0);
	}

	private static byte[] text(final String s) {
		return pad(s, (byte) ' ');
	}

	private static byte[] pad(final String s, final byte with) {
		final byte[] b = s.getBytes(StandardCharsets.US_ASCII);
		if (b.length % 2 == 0) return b;
		final byte[] p = java.util.Arrays.copyOf(b, b.length + 1);
		p[b.length] = with;
		return p;
	}

	private static byte[] u16(final int v, final Syntax syntax) {
		return ByteBuffer.allocate(2).order(syntax == Syntax.EXPLICIT_BIG ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN).putShort((short) v).array();
	}

	private static String num(final double v) {
		return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6g", v);
	}
}
