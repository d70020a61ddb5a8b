package io.github.xaiclip.image;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

import io.github.xaiclip.image.Volume.DataType;
import net.imglib2.img.array.ArrayImgs;

/**
 * Reads and writes single-file NIfTI-1 images ({@code .nii}, and gzip-compressed {@code .nii.gz}).
 * <p>
 * <b>Reading.</b> Compression is recognised by the gzip magic bytes, whatever the name; byte order by
 * {@code sizeof_hdr == 348}. Scalar types uint8, int8, int16, uint16, int32, uint32, float32 and float64 are read;
 * others (RGB, complex, 64-bit integers, ...) are refused. Images have 2 to 4 dimensions; a 4D image must hold a
 * single volume ({@code dim[4] == 1}). Values are scaled by {@code scl_slope}/{@code scl_inter} when the slope is
 * finite, non-zero and the pair is not (1, 0); the volume's data type is then float32, else the stored type
 * (float64 becomes float32). Data start at {@code vox_offset}; a value below 352 (some writers leave 0) is taken as
 * 352, where the data of a single file begin.
 * <p>
 * <b>Orientation.</b> The volume is turned into the display convention of {@link Volume} (patient's right at
 * column 0, anterior at row 0, slices from inferior to superior). The header's voxel-to-world affine is the sform
 * when {@code sform_code > 0}, else the qform when {@code qform_code > 0}, else NIfTI's "method 1" for headers
 * without orientation: {@code diag(pixdim[1], pixdim[2], pixdim[3])}, i.e. the array is assumed to be stored RAS
 * (i towards the patient's right, j anterior, k superior), as scanners' converters do by default. (nibabel instead
 * assumes Analyze's radiological LAS for such headers; such files are rare and ambiguous either way.) Each array
 * axis is matched to the world axis it points along most ({@link Orientation#dominantAxes}), and the array is only
 * permuted and flipped to reach the convention: oblique data are <em>not</em> resampled, so their slices stay
 * oblique, and {@link Volume#affine()} keeps the exact geometry. Voxel sizes are {@code |pixdim[1..3]|}, permuted
 * with the axes; the unit comes from {@code xyzt_units} (mm when unset).
 * <p>
 * <b>Writing.</b> Single-file NIfTI-1, little-endian, gzip-compressed when the name ends with {@code .gz}, in the
 * volume's data type (float32 or its integer type), the array in the display convention with sform and qform (both
 * code 2, aligned anatomical) set from {@link Volume#affine()}, so that reading the file gives back the same array,
 * voxel sizes and orientation. The file is written under a temporary name in the same folder and moved into place
 * atomically, so a failed write leaves no partial file under the final name (and an older file there intact).
 * <p>
 * <b>Errors.</b> Every failure is an {@link IllegalArgumentException} with a one-line message that starts with the
 * file's name and names the header field or the problem, e.g.
 * {@code "scan.nii.gz: datatype 128 (RGB24) is not supported; expected an integer or float scalar type ..."};
 * I/O errors are its cause. Hostile headers cannot make the reader allocate more than the data actually present.
 */
public final class Nifti {

	/** Most voxels a volume may have (the largest Java array). */
	public static final long MAX_VOXELS = Integer.MAX_VALUE - 8;

	static final int HEADER_SIZE = 348, DATA_OFFSET = 352;
	/** Bytes read at a time: the most, and the first of a gzip stream (see {@link #readCompressed}). */
	private static final int CHUNK = 1 << 24, FIRST_CHUNK = 1 << 16;

	private Nifti() {
	}

	/** The scalar types on disk that the reader accepts. */
	enum Stored {
		UINT8(2, 1, DataType.UINT8), INT8(256, 1, DataType.INT8), INT16(4, 2, DataType.INT16), UINT16(512, 2, DataType.UINT16),
		INT32(8, 4, DataType.INT32), UINT32(768, 4, DataType.UINT32), FLOAT32(16, 4, DataType.FLOAT32), FLOAT64(64, 8, DataType.FLOAT32);

		final int code, bytes;
		final DataType type;

		Stored(final int code, final int bytes, final DataType type) {
			this.code = code;
			this.bytes = bytes;
			this.type = type;
		}

		static Stored of(final int code) {
			for (final Stored s : values())
				if (s.code == code) return s;
			return null;
		}

		@Override
		public String toString() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	private static String unsupportedName(final int code) {
		switch (code) {
			case 0: return "UNKNOWN";
			case 1: return "BINARY";
			case 32: return "COMPLEX64";
			case 128: return "RGB24";
			case 1024: return "INT64";
			case 1280: return "UINT64";
			case 1536: return "FLOAT128";
			case 1792: return "COMPLEX128";
			case 2048: return "COMPLEX256";
			case 2304: return "RGBA32";
			default: return "not a NIfTI type";
		}
	}

	// ---------------------------------------------------------------------------------------------------- reading

	/**
	 * Reads a {@code .nii} or {@code .nii.gz} file into the display convention (see the class comment).
	 *
	 * @throws IllegalArgumentException with a one-line message naming the file and the field, for every problem
	 */
	public static Volume read(final Path file) {
		final String name = nameOf(file);
		checkFile(file, name);
		try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
			final boolean gz = isGzip(raw);
			final InputStream in = gz ? new GZIPInputStream(raw, 1 << 16) : raw;
			final Header h = readHeader(in, gz, name);
			h.requireArray();
			final long bytes = h.dataBytes();
			if (!gz) {
				final long size = Files.size(file);
				if (size < h.offset + bytes) throw truncated(name, h, bytes, Math.max(0, size - h.offset), false);
			}
			checkMemory(name, h, gz);
			skip(in, h.offset - HEADER_SIZE, name, h, bytes);
			final float[] stored = readValues(in, h, bytes, gz, name);
			if (gz) {
				// read to the end, so that GZIPInputStream checks the trailer's CRC and length, as NiftiSlices does:
				// a stream that breaks off after the data, or whose data decompress but are corrupt, is refused
				final byte[] rest = new byte[1 << 16];
				while (in.read(rest) >= 0) {
					// data after the volume (none in a single volume) are not used
				}
			}
			return h.toVolume(stored);
		}
		catch (final EOFException | ZipException e) {
			throw new IllegalArgumentException(name + ": corrupt gzip data: " + describe(e), e);
		}
		catch (final IOException e) {
			throw new IllegalArgumentException(name + ": cannot read: " + describe(e), e);
		}
	}

	/** Refuses a missing file and a folder, naming them. */
	static void checkFile(final Path file, final String name) {
		if (!Files.exists(file)) throw new IllegalArgumentException(name + ": no such file (" + file.toAbsolutePath() + ")");
		if (Files.isDirectory(file)) throw new IllegalArgumentException(name + ": is a folder, not a NIfTI file (" + file.toAbsolutePath() + ")");
	}

	/** Whether the stream starts with gzip's magic bytes; the stream (which must support mark) is left where it was. */
	static boolean isGzip(final InputStream raw) throws IOException {
		raw.mark(2);
		final boolean gz = raw.read() == 0x1f && raw.read() == 0x8b;
		raw.reset();
		return gz;
	}

	/** Reads and checks the 348-byte header at the start of {@code in} (decompressed when {@code gz}). */
	static Header readHeader(final InputStream in, final boolean gz, final String name) throws IOException {
		final byte[] hdr = new byte[HEADER_SIZE];
		final int got = readFully(in, hdr, HEADER_SIZE);
		if (got < HEADER_SIZE)
			throw new IllegalArgumentException(name + ": header truncated: " + got + " of " + HEADER_SIZE + " bytes" + (gz ? " after decompression" : ""));
		return new Header(hdr, name);
	}

	static IllegalArgumentException truncated(final String name, final Header h, final long bytes, final long present, final boolean gz) {
		return new IllegalArgumentException(name + ": data truncated: " + h.dimText() + " " + h.stored + " voxels need " + bytes + " bytes from vox_offset "
			+ h.offset + ", the " + (gz ? "decompressed " : "") + "file holds " + present);
	}

	private static void checkMemory(final String name, final Header h, final boolean gz) {
		final long need = memoryToRead(h, gz);
		final long max = Runtime.getRuntime().maxMemory();
		if (max != Long.MAX_VALUE && need > max)
			throw new IllegalArgumentException(name + ": dim " + h.dimText() + " needs about " + gib(need) + " of memory to read, more than the " + gib(max)
				+ " Java may use (-Xmx)");
	}

	/** The memory {@link #read} needs: the values, the reoriented copy, and (gz) the raw bytes kept until all have arrived. */
	static long memoryToRead(final Header h, final boolean gz) {
		return h.voxels * 4 * 2 + (gz ? h.voxels * h.stored.bytes : Math.min(CHUNK, h.voxels * h.stored.bytes));
	}

	private static String gib(final long bytes) {
		return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
	}

	static void skip(final InputStream in, final long n, final String name, final Header h, final long bytes) throws IOException {
		final byte[] buf = new byte[(int) Math.min(n, 1 << 16)];
		long left = n;
		while (left > 0) {
			final int got = readFully(in, buf, (int) Math.min(left, buf.length));
			if (got <= 0) throw truncated(name, h, bytes, 0, true);
			left -= got;
		}
	}

	/**
	 * The stored values in file order, scaled. A plain file was checked to be long enough: its values are converted
	 * chunk by chunk. A gzip stream's length is unknown: see {@link #readCompressed}.
	 */
	private static float[] readValues(final InputStream in, final Header h, final long bytes, final boolean gz, final String name) throws IOException {
		if (gz) return readCompressed(in, h, bytes, name);
		final float[] values = new float[(int) h.voxels];
		final byte[] buf = new byte[(int) Math.min(CHUNK, bytes)];
		for (long done = 0; done < bytes;) {
			final int len = (int) Math.min(CHUNK, bytes - done);
			final int got = readFully(in, buf, len);
			if (got < len) throw truncated(name, h, bytes, done + got, false);
			h.convert(buf, len, values, (int) (done / h.stored.bytes), done / h.stored.bytes);
			done += len;
		}
		return values;
	}

	/**
	 * The values of a gzip stream, whose length is known only at its end: its bytes are gathered as they arrive, in
	 * chunks as large as what has arrived so far (at least {@link #FIRST_CHUNK}, at most {@link #CHUNK}), and the
	 * values are allocated once all are there. So a hostile header, claiming more data than the stream holds, cannot
	 * make the reader allocate much more than the data present. The chunks are powers of two, so no value straddles
	 * two of them.
	 */
	private static float[] readCompressed(final InputStream in, final Header h, final long bytes, final String name) throws IOException {
		final List<byte[]> kept = new ArrayList<>();
		for (long done = 0; done < bytes;) {
			final int len = (int) Math.min(Math.min(CHUNK, Math.max(FIRST_CHUNK, done)), bytes - done);
			final byte[] b = new byte[len];
			final int got = readFully(in, b, len);
			if (got < len) throw truncated(name, h, bytes, done + got, true);
			kept.add(b);
			done += len;
		}
		final float[] values = new float[(int) h.voxels];
		long at = 0;
		for (int c = 0; c < kept.size(); c++) {
			final byte[] b = kept.set(c, null);
			h.convert(b, b.length, values, (int) (at / h.stored.bytes), at / h.stored.bytes);
			at += b.length;
		}
		return values;
	}

	/** Reads up to {@code len} bytes; fewer only at the end of the stream (a truncated gzip stream counts as the end). */
	static int readFully(final InputStream in, final byte[] b, final int len) throws IOException {
		int n = 0;
		try {
			while (n < len) {
				final int r = in.read(b, n, len - n);
				if (r < 0) break;
				n += r;
			}
		}
		catch (final EOFException e) {
			// GZIPInputStream: "Unexpected end of ZLIB input stream"
		}
		return n;
	}

	/** A parsed and checked header: what {@link #read} and the slice-by-slice reader ({@link NiftiSlices}) share. */
	static final class Header {
		final String name;
		final ByteOrder order;
		final int rank;
		final int[] dim = new int[3];
		final long voxels;
		final Stored stored;
		final long offset;
		final double slope, inter;
		final boolean scaled;
		final double[] pixdim = new double[3];
		final String unit;
		final double[][] affine;

		Header(final byte[] bytes, final String name) {
			this.name = name;
			final ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), be = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
			if (le.getInt(0) == HEADER_SIZE) order = ByteOrder.LITTLE_ENDIAN;
			else if (be.getInt(0) == HEADER_SIZE) order = ByteOrder.BIG_ENDIAN;
			else {
				final int v = le.getInt(0), vb = be.getInt(0);
				if (v == 540 || vb == 540) throw new IllegalArgumentException(name + ": sizeof_hdr 540 (NIfTI-2) is not supported; expected 348 (NIfTI-1)");
				throw new IllegalArgumentException(name + ": sizeof_hdr " + v + " is not 348; not a NIfTI-1 file");
			}
			final ByteBuffer b = order == ByteOrder.LITTLE_ENDIAN ? le : be;

			final String magic = magic(bytes);
			if (magic.equals("ni1"))
				throw new IllegalArgumentException(name + ": magic 'ni1' marks the header of a .hdr/.img pair; only single-file NIfTI-1 ('n+1') is supported");
			if (!magic.equals("n+1")) throw new IllegalArgumentException(name + ": magic '" + magic + "' is not 'n+1'; not a single-file NIfTI-1 image");

			rank = b.getShort(40);
			if (rank < 2 || rank > 4) throw new IllegalArgumentException(name + ": dim[0] " + rank + " is not supported; expected 2, 3 or 4 dimensions");
			long n = 1;
			for (int i = 1; i <= rank; i++) {
				final int d = b.getShort(40 + 2 * i);
				if (d < 1) throw new IllegalArgumentException(name + ": dim[" + i + "] " + d + " is not a size; expected at least 1");
				if (i <= 3) dim[i - 1] = d;
				else if (d != 1)
					throw new IllegalArgumentException(name + ": dim[4] " + d + ": only a single volume is supported (expected dim[4] 1 in a 4D image)");
				n *= d;
			}
			if (rank < 3) dim[2] = 1;
			voxels = n;

			final int code = b.getShort(70);
			stored = Stored.of(code);
			if (stored == null)
				throw new IllegalArgumentException(name + ": datatype " + code + " (" + unsupportedName(code)
					+ ") is not supported; expected an integer or float scalar type (uint8, int8, int16, uint16, int32, uint32, float32, float64)");

			final float vox = b.getFloat(108);
			if (!Float.isFinite(vox) || vox < 0 || vox != Math.rint(vox) || vox > 1e15)
				throw new IllegalArgumentException(name + ": vox_offset " + vox + " is not a byte offset");
			offset = Math.max(DATA_OFFSET, (long) vox);

			final float s = b.getFloat(112), i0 = b.getFloat(116);
			scaled = Float.isFinite(s) && s != 0 && !(s == 1 && (i0 == 0 || !Float.isFinite(i0)));
			slope = scaled ? s : 1;
			inter = scaled && Float.isFinite(i0) ? i0 : 0;

			for (int i = 0; i < 3; i++) {
				final double p = Math.abs(b.getFloat(80 + 4 * i));
				if (i < rank && (!(p > 0) || Double.isInfinite(p)))
					throw new IllegalArgumentException(name + ": pixdim[" + (i + 1) + "] " + b.getFloat(80 + 4 * i) + " is not a voxel size");
				pixdim[i] = p > 0 && !Double.isInfinite(p) ? p : 1;
			}
			final int units = bytes[123] & 7;
			unit = units == 1 ? "m" : units == 3 ? "\u00b5m" : "mm";

			final int qcode = b.getShort(252), scode = b.getShort(254);
			final String field;
			if (scode > 0) {
				field = "srow_x/srow_y/srow_z (sform_code " + scode + ")";
				affine = new double[4][4];
				for (int r = 0; r < 3; r++)
					for (int c = 0; c < 4; c++)
						affine[r][c] = b.getFloat(280 + 16 * r + 4 * c);
				affine[3][3] = 1;
			}
			else if (qcode > 0) {
				field = "quatern_b/c/d, qoffset_x/y/z (qform_code " + qcode + ")";
				affine = Orientation.quaternToAffine(b.getFloat(256), b.getFloat(260), b.getFloat(264), b.getFloat(268), b.getFloat(272), b.getFloat(276),
					b.getFloat(80), b.getFloat(84), b.getFloat(88), b.getFloat(76));
			}
			else {
				field = "pixdim";
				affine = new double[][] { { pixdim[0], 0, 0, 0 }, { 0, pixdim[1], 0, 0 }, { 0, 0, pixdim[2], 0 }, { 0, 0, 0, 1 } };
			}
			for (final double[] row : affine)
				for (final double v : row)
					if (!Double.isFinite(v)) throw new IllegalArgumentException(name + ": " + field + ": the voxel-to-world affine is not finite");
			// a single slice may come with a zero third column: complete it, perpendicular to the slice
			if (dim[2] == 1 && affine[0][2] == 0 && affine[1][2] == 0 && affine[2][2] == 0) {
				final double[] u = { affine[0][0], affine[1][0], affine[2][0] }, v = { affine[0][1], affine[1][1], affine[2][1] };
				final double[] w = { u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0] };
				final double norm = Math.sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
				if (norm > 0) for (int r = 0; r < 3; r++)
					affine[r][2] = w[r] / norm * pixdim[2];
			}
			if (Orientation.dominantAxes(affine) == null) throw new IllegalArgumentException(name + ": " + field + ": the voxel-to-world affine is singular");
			// axes at (nearly) 45 degrees to the patient's: which file axis is which display axis is a tie, broken one way
			// for the file's affine and maybe another for the reoriented one
			final int[] shown = Orientation.dominantAxes(new Layout(this).display);
			if (shown == null || shown[0] != -1 || shown[1] != -2 || shown[2] != 3)
				throw new IllegalArgumentException(name + ": " + field + ": the voxel axes lie at 45 degrees to the patient's axes ("
					+ Orientation.describe(affine) + "), so which is left-right, front-back or up-down is ambiguous");
		}

		/**
		 * Refuses a volume too large for one Java array, as a whole-volume read needs (a slice-by-slice read needs only
		 * its slices to fit).
		 */
		void requireArray() {
			if (voxels > MAX_VOXELS)
				throw new IllegalArgumentException(name + ": dim " + dimText() + " = " + voxels + " voxels exceeds the limit of " + MAX_VOXELS + " voxels");
		}

		String dimText() {
			return dim[0] + " x " + dim[1] + " x " + dim[2];
		}

		/** Bytes of the whole data array. */
		long dataBytes() {
			return voxels * stored.bytes;
		}

		/** Bytes of one stored slice (the first two axes). */
		long sliceBytes() {
			return (long) dim[0] * dim[1] * stored.bytes;
		}

		/**
		 * Converts {@code len} bytes into values from index {@code at}, scaling them; {@code first} is the file-order
		 * index of the first value, for messages.
		 */
		void convert(final byte[] src, final int len, final float[] dst, final int at, final long first) {
			final ByteBuffer b = ByteBuffer.wrap(src, 0, len).order(order);
			final int n = len / stored.bytes;
			switch (stored) {
				case UINT8:
					for (int i = 0; i < n; i++)
						dst[at + i] = scale(src[i] & 0xff);
					break;
				case INT8:
					for (int i = 0; i < n; i++)
						dst[at + i] = scale(src[i]);
					break;
				case INT16:
					for (int i = 0; i < n; i++)
						dst[at + i] = scale(b.getShort(2 * i));
					break;
				case UINT16:
					for (int i = 0; i < n; i++)
						dst[at + i] = scale(b.getShort(2 * i) & 0xffff);
					break;
				case INT32:
				case UINT32:
					for (int i = 0; i < n; i++) {
						final long v = stored == Stored.INT32 ? b.getInt(4 * i) : b.getInt(4 * i) & 0xffffffffL;
						if (!scaled && (long) (float) v != v)
							throw new IllegalArgumentException(name + ": datatype " + stored.code + " (" + stored + "): value " + v + " of voxel " + (first + i)
								+ " (file order) has no exact 32-bit float; expected integers of magnitude up to 2^24");
						dst[at + i] = scaled ? scale(v) : v;
					}
					break;
				case FLOAT32:
					for (int i = 0; i < n; i++)
						dst[at + i] = scaled ? scale(b.getFloat(4 * i)) : b.getFloat(4 * i);
					break;
				case FLOAT64:
					for (int i = 0; i < n; i++)
						dst[at + i] = scaled ? scale(b.getDouble(8 * i)) : (float) b.getDouble(8 * i);
					break;
				default:
					throw new AssertionError(stored);
			}
		}

		private float scale(final double v) {
			return (float) (slope * v + inter);
		}

		/** How the file's axes are permuted and flipped to reach the display convention. */
		Layout layout() {
			return new Layout(this);
		}

		/** The volume in the display convention: permute and flip the file's axes as the affine's directions say. */
		Volume toVolume(final float[] values) {
			final Layout l = layout();
			final float[] v;
			if (l.identity()) v = values;
			else {
				v = new float[values.length];
				final int plane = l.size[0] * l.size[1];
				for (int z = 0; z < l.size[2]; z++)
					l.copySlice(values, 0, z, v, z * plane);
			}
			return new Volume(ArrayImgs.floats(v, l.size[0], l.size[1], l.size[2]), l.voxelSize.clone(), unit, l.display, affine,
				scaled ? DataType.FLOAT32 : stored.type);
		}
	}

	/**
	 * Where each display voxel comes from in the file: display axis {@code d} (0: to world -x, 1: to world -y, 2: to
	 * world +z) is file axis {@code source[d]}, flipped when {@code flipped[d]}. The voxel {@code (x, y, z)} of the
	 * display array is the value at file-order index {@code start + x step[0] + y step[1] + z step[2]}.
	 */
	static final class Layout {
		/** Display width, height, depth. */
		final int[] size = new int[3];
		/** Voxel size along display x, y, z. */
		final double[] voxelSize = new double[3];
		final int[] source = new int[3];
		final boolean[] flipped = new boolean[3];
		final long[] step = new long[3], stride;
		final long start;
		/** The affine of the display array. */
		final double[][] display = new double[4][4];

		Layout(final Header h) {
			final int[] axes = Orientation.dominantAxes(h.affine);
			for (int a = 0; a < 3; a++) {
				final int d = Math.abs(axes[a]) - 1;
				source[d] = a;
				flipped[d] = d == 2 ? axes[a] < 0 : axes[a] > 0;
			}
			stride = new long[] { 1, h.dim[0], (long) h.dim[0] * h.dim[1] };
			long first = 0;
			display[3][3] = 1;
			for (int r = 0; r < 3; r++)
				display[r][3] = h.affine[r][3];
			for (int d = 0; d < 3; d++) {
				final int a = source[d];
				size[d] = h.dim[a];
				voxelSize[d] = h.pixdim[a];
				step[d] = flipped[d] ? -stride[a] : stride[a];
				if (flipped[d]) first += (h.dim[a] - 1) * stride[a];
				for (int r = 0; r < 3; r++) {
					display[r][d] = flipped[d] ? -h.affine[r][a] : h.affine[r][a];
					if (flipped[d]) display[r][3] += h.affine[r][a] * (h.dim[a] - 1);
				}
			}
			start = first;
		}

		/** Whether the file is already in the display convention. */
		boolean identity() {
			return start == 0 && step[0] == 1 && step[1] == stride[1] && step[2] == stride[2];
		}

		/** Whether each display slice is one stored slice, read whole (only flips or an in-plane swap to undo). */
		boolean slicesAreStored() {
			return source[2] == 2;
		}

		/** The stored slice holding display slice {@code z}, when {@link #slicesAreStored()}. */
		int storedSlice(final int z) {
			return flipped[2] ? size[2] - 1 - z : z;
		}

		/**
		 * Copies display slice {@code z} into {@code to} from {@code at}, from values in file order whose first
		 * element is the file-order index {@code base} (0 for the whole array, the slice's start for one slice).
		 */
		void copySlice(final float[] from, final long base, final int z, final float[] to, final int at) {
			int p = at;
			for (int y = 0; y < size[1]; y++) {
				long s = start + y * step[1] + z * step[2] - base;
				for (int x = 0; x < size[0]; x++, s += step[0])
					to[p++] = from[(int) s];
			}
		}
	}

	private static String magic(final byte[] h) {
		final StringBuilder sb = new StringBuilder();
		for (int i = 344; i < 348 && h[i] != 0; i++) {
			final int c = h[i] & 0xff;
			if (c >= 0x20 && c < 0x7f) sb.append((char) c);
			else sb.append(String.format(Locale.ROOT, "\\x%02x", c));
		}
		return sb.toString();
	}

	// ---------------------------------------------------------------------------------------------------- writing

	/**
	 * Writes a single-file NIfTI-1 image (gzip-compressed when the name ends with {@code .gz}); see the class comment.
	 *
	 * @throws IllegalArgumentException with a one-line message naming the file, when the volume's values do not fit
	 *                                  its data type, its unit has no NIfTI code, or the file cannot be written;
	 *                                  nothing is then left under the file's name (an older file there stays)
	 */
	public static void write(final Volume volume, final Path file) {
		final String name = nameOf(file);
		final int unitCode = unitCode(volume.unit());
		if (unitCode < 0) throw new IllegalArgumentException(name + ": unit '" + volume.unit() + "' has no NIfTI code; expected mm, m or \u00b5m");
		final Path target = file.toAbsolutePath();
		final Path dir = target.getParent();
		if (Files.isDirectory(target)) throw new IllegalArgumentException(name + ": cannot write: is a folder (" + target + ")");
		if (dir == null || !Files.isDirectory(dir)) throw new IllegalArgumentException(name + ": cannot write: no such folder (" + dir + ")");
		final byte[] header = header(volume, unitCode, name);
		final boolean gz = name.toLowerCase(Locale.ROOT).endsWith(".gz");
		final Path tmp = dir.resolve("." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ".part");
		boolean moved = false;
		try {
			try (OutputStream fileOut = new BufferedOutputStream(Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16)) {
				final OutputStream out = gz ? new GZIPOutputStream(fileOut, 1 << 16) : fileOut;
				out.write(header);
				writeValues(volume, out, name);
				out.close();
			}
			try {
				Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (final AtomicMoveNotSupportedException e) {
				Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
			}
			moved = true;
		}
		catch (final IOException e) {
			throw new IllegalArgumentException(name + ": cannot write: " + describe(e).replace(tmp.toString(), target.toString()), e);
		}
		finally {
			if (!moved) try {
				Files.deleteIfExists(tmp);
			}
			catch (final IOException e) {
				// nothing more to do: the temporary file has a hidden name and never the final one
			}
		}
	}

	static int unitCode(final String unit) {
		switch (unit) {
			case "m": return 1;
			case "mm": return 2;
			case "\u00b5m": case "um": case "micron": return 3;
			default: return -1;
		}
	}

	static byte[] header(final Volume volume, final int unitCode, final String name) {
		final ByteBuffer b = ByteBuffer.allocate(DATA_OFFSET).order(ByteOrder.LITTLE_ENDIAN);
		final DataType type = volume.dataType();
		final double[][] a = volume.affine();
		final double[] size = volume.voxelSize();
		final double[] q = Orientation.affineToQuatern(a);
		b.putInt(0, HEADER_SIZE);
		b.put(38, (byte) 'r'); // regular, as Analyze wanted
		final int[] dim = { 3, volume.width(), volume.height(), volume.depth(), 1, 1, 1, 1 };
		for (int i = 0; i < 8; i++) {
			if (dim[i] > Short.MAX_VALUE) throw new IllegalArgumentException(name + ": dim[" + i + "] " + dim[i] + " exceeds NIfTI-1's limit of 32767");
			b.putShort(40 + 2 * i, (short) dim[i]);
		}
		b.putShort(70, (short) type.code());
		b.putShort(72, (short) (8 * type.bytes()));
		b.putFloat(76, (float) q[3]);
		for (int i = 0; i < 3; i++)
			b.putFloat(80 + 4 * i, (float) size[i]);
		b.putFloat(108, DATA_OFFSET);
		b.putFloat(112, 1);
		b.putFloat(116, 0);
		b.put(123, (byte) unitCode);
		final byte[] descrip = "XAI-CLIP".getBytes(StandardCharsets.US_ASCII);
		for (int i = 0; i < descrip.length; i++)
			b.put(148 + i, descrip[i]);
		b.putShort(252, (short) 2);
		b.putShort(254, (short) 2);
		b.putFloat(256, (float) q[0]);
		b.putFloat(260, (float) q[1]);
		b.putFloat(264, (float) q[2]);
		for (int r = 0; r < 3; r++) {
			b.putFloat(268 + 4 * r, (float) a[r][3]);
			for (int c = 0; c < 4; c++)
				b.putFloat(280 + 16 * r + 4 * c, (float) a[r][c]);
		}
		b.put(344, (byte) 'n').put(345, (byte) '+').put(346, (byte) '1');
		return b.array();
	}

	private static void writeValues(final Volume volume, final OutputStream out, final String name) throws IOException {
		final DataType type = volume.dataType();
		final float[] v = volume.values();
		final int perChunk = (1 << 20) / type.bytes();
		final ByteBuffer b = ByteBuffer.allocate(perChunk * type.bytes()).order(ByteOrder.LITTLE_ENDIAN);
		for (int from = 0; from < v.length; from += perChunk) {
			final int to = Math.min(v.length, from + perChunk);
			b.clear();
			for (int i = from; i < to; i++) {
				final float x = v[i];
				if (!type.holds(x)) {
					final int w = volume.width(), h = volume.height();
					throw new IllegalArgumentException(name + ": voxel (" + i % w + ", " + i / w % h + ", " + i / w / h + ") holds " + x + ", which is not a " + type
						+ " value; write the volume as float32");
				}
				switch (type) {
					case UINT8:
					case INT8:
						b.put((byte) (int) x);
						break;
					case INT16:
					case UINT16:
						b.putShort((short) (int) x);
						break;
					case INT32:
						b.putInt((int) x);
						break;
					case UINT32:
						b.putInt((int) (long) x);
						break;
					case FLOAT32:
						b.putFloat(x);
						break;
					default:
						throw new AssertionError(type);
				}
			}
			out.write(b.array(), 0, b.position());
		}
	}

	// ---------------------------------------------------------------------------------------------------- helpers

	static String nameOf(final Path file) {
		final Path n = file.getFileName();
		return n == null ? file.toString() : n.toString();
	}

	/** One line saying what went wrong. */
	static String describe(final IOException e) {
		String s;
		if (e instanceof NoSuchFileException) s = "no such file or folder: " + e.getMessage();
		else if (e instanceof AccessDeniedException) s = "permission denied: " + e.getMessage();
		else if (e instanceof FileSystemException) {
			final FileSystemException f = (FileSystemException) e;
			s = (f.getReason() != null ? f.getReason() + ": " : "") + f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "");
		}
		else s = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
		return s.replaceAll("\\s*[\\r\\n]+\\s*", " ");
	}
}
