package io.github.xaiclip.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * Writes a TIFF stack one slice at a time without holding the stack, so that results over a scan larger than
 * memory can be saved as they are computed: 32-bit float, 8-bit grey or RGB, uncompressed, in the layout ImageJ
 * writes (its ImageDescription with {@code images=}, {@code slices=}, {@code unit=mm} and {@code spacing=}, the
 * pixel size in XResolution/YResolution), so that ImageJ and Fiji open it as a calibrated stack and
 * {@link Images#open} reads it back slice by slice.
 * <p>
 * Every slice has a fixed place in the file, known from the start, so slices may be written in any order (and from
 * several threads at once). The file is written as {@code .NAME.part} beside the target, and {@link #finish()},
 * once every slice is written, forces it to disk and renames it into place; {@link #close()} without
 * {@link #finish()} deletes it. So a file is never under its final name unless it is complete, and an older file
 * there stays until the new one replaces it.
 * <p>
 * Like ImageJ, every image has its own directory when the file stays under 4 GiB; beyond, only the first image has
 * one (TIFF's offsets are 32-bit) and readers find the others from {@code images=}, as ImageJ does; most other
 * readers then see only the first slice.
 */
public final class TiffStackWriter implements AutoCloseable {

	/** What each pixel holds. */
	public enum Kind {
		/** 32-bit float grey, written from {@code float[]}. */
		FLOAT32(4),
		/** 8-bit grey, written from {@code byte[]} (0..255 unsigned). */
		GREY8(1),
		/** 8-bit per channel RGB, written from {@code int[]} packed as {@code 0xRRGGBB}. */
		RGB(3);

		final int bytes;

		Kind(final int bytes) {
			this.bytes = bytes;
		}
	}

	private static final int HEADER = 8, ENTRY = 12;
	private static final short ASCII = 2, SHORT = 3, LONG = 4, RATIONAL = 5;

	private final Path target, part;
	private final String name;
	private final Kind kind;
	private final int width, height, depth, sliceBytes;
	private final boolean scaled;
	private final long imageOffset;
	private final FileChannel channel;
	private final FileLock lock;
	private final BitSet written;
	private boolean done;

	private TiffStackWriter(final Path target, final Kind kind, final int width, final int height, final int depth, final double[] voxelSizeMm) {
		this.target = target;
		this.name = target.getFileName().toString();
		this.part = target.resolveSibling("." + name + ".part");
		this.kind = kind;
		this.width = width;
		this.height = height;
		this.depth = depth;
		this.sliceBytes = width * height * kind.bytes;
		this.written = new BitSet(depth);
		final byte[] description = description(depth, voxelSizeMm).getBytes(StandardCharsets.US_ASCII);
		this.scaled = voxelSizeMm != null;
		final int ifd = 2 + entries(true) * ENTRY + 4, ifdLater = 2 + entries(false) * ENTRY + 4;
		final int bps = kind == Kind.RGB ? 6 : 0, scale = scaled ? 16 : 0;
		final long bpsAt = HEADER + ifd, descriptionAt = bpsAt + bps, scaleAt = descriptionAt + description.length;
		imageOffset = scaleAt + scale;
		final long dataEnd = imageOffset + (long) sliceBytes * depth;
		final boolean allDirectories = depth > 1 && dataEnd + (long) (depth - 1) * ifdLater < 0xffffffffL;

		FileChannel ch = null;
		FileLock lk = null;
		boolean ok = false;
		try {
			ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
			try {
				lk = ch.tryLock();
			}
			catch (final OverlappingFileLockException e) {
				lk = null;
			}
			if (lk == null) throw new IllegalArgumentException(name + ": cannot write: " + part.getFileName() + " is being written by another writer");
			ch.truncate(0);
			final ByteBuffer head = ByteBuffer.allocate((int) imageOffset).order(ByteOrder.BIG_ENDIAN);
			head.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(HEADER);
			directory(head, true, bpsAt, descriptionAt, description.length, scaleAt, imageOffset, allDirectories ? dataEnd : 0);
			if (bps > 0) head.putShort((short) 8).putShort((short) 8).putShort((short) 8);
			head.put(description);
			if (scaled) {
				rational(head, 1 / voxelSizeMm[0]);
				rational(head, 1 / voxelSizeMm[1]);
			}
			head.flip();
			writeFully(ch, head, 0);
			if (allDirectories) {
				final ByteBuffer rest = ByteBuffer.allocate(Math.min(depth - 1, 4096) * ifdLater).order(ByteOrder.BIG_ENDIAN);
				long at = dataEnd;
				for (int z = 1; z < depth; z++) {
					final long next = z + 1 < depth ? dataEnd + (long) z * ifdLater : 0;
					directory(rest, false, bpsAt, descriptionAt, description.length, scaleAt, imageOffset + (long) z * sliceBytes, next);
					if (!rest.hasRemaining() || z + 1 == depth) {
						rest.flip();
						final int n = rest.remaining();
						writeFully(ch, rest, at);
						at += n;
						rest.clear();
					}
				}
			}
			else if (ch.size() < dataEnd) writeFully(ch, ByteBuffer.allocate(1), dataEnd - 1); // the full length: slices are holes until written
			ok = true;
		}
		catch (final IOException e) {
			throw new IllegalArgumentException(name + ": cannot write: " + Nifti.describe(e).replace(part.toString(), target.toString()), e);
		}
		finally {
			if (!ok) {
				closeQuietly(ch);
				deleteQuietly(part);
			}
		}
		channel = ch;
		lock = lk;
	}

	/**
	 * Starts writing {@code file}: a stack of {@code depth} slices of {@code width x height} pixels of {@code kind}.
	 *
	 * @param voxelSizeMm {x, y, z} in mm, or null for an uncalibrated stack (pixels)
	 * @throws IllegalArgumentException naming the file: bad sizes, a folder missing, the temporary file cannot be
	 *                                  created or is being written by another writer
	 */
	public static TiffStackWriter create(final Path file, final Kind kind, final int width, final int height, final int depth, final double[] voxelSizeMm) {
		final Path target = file.toAbsolutePath();
		final String name = target.getFileName().toString();
		if (kind == null) throw new IllegalArgumentException(name + ": kind: expected FLOAT32, GREY8 or RGB");
		if (width < 1 || height < 1 || depth < 1)
			throw new IllegalArgumentException(name + ": size " + width + " x " + height + " x " + depth + ": expected at least 1 pixel along each axis");
		if ((long) width * height * kind.bytes > Integer.MAX_VALUE - 8)
			throw new IllegalArgumentException(name + ": slices of " + width + " x " + height + " " + kind + " pixels exceed 2 GiB; expected smaller slices");
		if (voxelSizeMm != null) {
			if (voxelSizeMm.length != 3) throw new IllegalArgumentException(name + ": voxel size: expected 3 values (x, y, z) in mm, got " + voxelSizeMm.length);
			for (final double s : voxelSizeMm)
				if (!(s > 0) || Double.isInfinite(s))
					throw new IllegalArgumentException(name + ": voxel size: expected positive finite values in mm, got " + java.util.Arrays.toString(voxelSizeMm));
		}
		if (Files.isDirectory(target)) throw new IllegalArgumentException(name + ": cannot write: is a folder (" + target + ")");
		final Path dir = target.getParent();
		if (dir == null || !Files.isDirectory(dir)) throw new IllegalArgumentException(name + ": cannot write: no such folder (" + dir + ")");
		return new TiffStackWriter(target, kind, width, height, depth, voxelSizeMm);
	}

	/** ImageJ's description: what makes ImageJ read the images as one calibrated stack. */
	private static String description(final int depth, final double[] voxelSizeMm) {
		final StringBuilder sb = new StringBuilder("ImageJ=").append(ij.ImageJ.VERSION).append('\n');
		if (depth > 1) sb.append("images=").append(depth).append('\n').append("slices=").append(depth).append('\n');
		if (voxelSizeMm != null) {
			sb.append("unit=mm\n");
			if (depth > 1) sb.append("spacing=").append(voxelSizeMm[2]).append('\n');
		}
		if (depth > 1) sb.append("loop=false\n");
		return sb.append('\0').toString();
	}

	/** The number of entries of the first directory, or of the others (which carry no description). */
	private int entries(final boolean first) {
		return (first ? 11 : 10) + (scaled ? 3 : 0) + (kind == Kind.FLOAT32 ? 1 : 0);
	}

	/** One image file directory, its entries in ascending tag order as TIFF requires. */
	private void directory(final ByteBuffer b, final boolean first, final long bpsAt, final long descriptionAt, final int descriptionLength, final long scaleAt,
		final long stripAt, final long next) {
		b.putShort((short) entries(first));
		entry(b, 254, LONG, 1, 0); // NewSubfileType
		entry(b, 256, LONG, 1, width);
		entry(b, 257, LONG, 1, height);
		if (kind == Kind.RGB) entry(b, 258, SHORT, 3, bpsAt);
		else entry(b, 258, SHORT, 1, kind == Kind.FLOAT32 ? 32 : 8);
		entry(b, 259, SHORT, 1, 1); // no compression
		entry(b, 262, SHORT, 1, kind == Kind.RGB ? 2 : 1); // RGB, or black is zero
		if (first) entry(b, 270, ASCII, descriptionLength, descriptionAt);
		entry(b, 273, LONG, 1, stripAt);
		entry(b, 277, SHORT, 1, kind == Kind.RGB ? 3 : 1);
		entry(b, 278, LONG, 1, height);
		entry(b, 279, LONG, 1, sliceBytes);
		if (scaled) {
			entry(b, 282, RATIONAL, 1, scaleAt);
			entry(b, 283, RATIONAL, 1, scaleAt + 8);
			entry(b, 296, SHORT, 1, 1); // no unit: ImageJ takes it from the description
		}
		if (kind == Kind.FLOAT32) entry(b, 339, SHORT, 1, 3); // IEEE floating point
		b.putInt((int) next);
	}

	private static void entry(final ByteBuffer b, final int tag, final short type, final int count, final long value) {
		b.putShort((short) tag).putShort(type).putInt(count);
		if (type == SHORT && count == 1) b.putShort((short) value).putShort((short) 0);
		else b.putInt((int) value);
	}

	/**
	 * {@code v} as the nearest fraction with numerator and denominator below 2^31 (continued fractions), so that
	 * 1/0.8 is 5/4 and 1/3 is 1/3 rather than ImageJ's 333333/1000000.
	 */
	private static void rational(final ByteBuffer b, final double v) {
		final long limit = Integer.MAX_VALUE;
		long p0 = 0, q0 = 1, p1 = 1, q1 = 0;
		double x = v;
		for (int i = 0; i < 64; i++) {
			final double a = Math.floor(x);
			if (a > limit) break;
			final long p2 = (long) a * p1 + p0, q2 = (long) a * q1 + q0;
			if (p2 > limit || q2 > limit) break;
			p0 = p1;
			q0 = q1;
			p1 = p2;
			q1 = q2;
			if ((double) p1 / q1 == v || x == a) break;
			x = 1 / (x - a);
		}
		if (q1 == 0 || p1 == 0) {
			// beyond what a fraction of 32-bit numbers holds: the nearest with the largest denominator or numerator
			p1 = Math.max(1, Math.min(limit, Math.round(v * (v < 1 ? limit : 1))));
			q1 = v < 1 ? limit : 1;
		}
		b.putInt((int) p1).putInt((int) q1);
	}

	public int width() {
		return width;
	}

	public int height() {
		return height;
	}

	public int depth() {
		return depth;
	}

	/** Writes slice {@code z} (0-based) of a {@link Kind#FLOAT32} stack, {@code x + width * y}. */
	public void writeSlice(final int z, final float[] values) {
		check(z, Kind.FLOAT32, values == null ? -1 : values.length);
		final ByteBuffer b = ByteBuffer.allocate(sliceBytes).order(ByteOrder.BIG_ENDIAN);
		b.asFloatBuffer().put(values);
		put(z, b);
	}

	/** Writes slice {@code z} (0-based) of a {@link Kind#GREY8} stack, {@code x + width * y}. */
	public void writeSlice(final int z, final byte[] grey) {
		check(z, Kind.GREY8, grey == null ? -1 : grey.length);
		put(z, ByteBuffer.wrap(grey));
	}

	/** Writes slice {@code z} (0-based) of an {@link Kind#RGB} stack, {@code x + width * y}, each {@code 0xRRGGBB}. */
	public void writeSlice(final int z, final int[] rgb) {
		check(z, Kind.RGB, rgb == null ? -1 : rgb.length);
		final ByteBuffer b = ByteBuffer.allocate(sliceBytes);
		for (final int c : rgb)
			b.put((byte) (c >> 16)).put((byte) (c >> 8)).put((byte) c);
		b.flip();
		put(z, b);
	}

	private void check(final int z, final Kind k, final int length) {
		if (k != kind) throw new IllegalArgumentException(name + ": a " + k + " slice given to a " + kind + " stack");
		if (z < 0 || z >= depth) throw new IllegalArgumentException(name + ": slice " + z + " is outside 0.." + (depth - 1));
		if (length != width * height) throw new IllegalArgumentException(name + ": slice " + z + " has " + length + " pixels; expected " + width + " x " + height);
		synchronized (this) {
			if (done || !channel.isOpen()) throw new IllegalStateException(name + ": already " + (done ? "finished" : "closed"));
		}
	}

	private void put(final int z, final ByteBuffer b) {
		try {
			writeFully(channel, b, imageOffset + (long) z * sliceBytes);
		}
		catch (final IOException e) {
			throw new IllegalArgumentException(name + ": cannot write slice " + z + ": " + Nifti.describe(e).replace(part.toString(), target.toString()), e);
		}
		synchronized (this) {
			written.set(z);
		}
	}

	private static void writeFully(final FileChannel ch, final ByteBuffer b, final long at) throws IOException {
		long pos = at;
		while (b.hasRemaining())
			pos += ch.write(b, pos);
	}

	/**
	 * Forces the complete file to disk and renames it into place (replacing an older file there).
	 *
	 * @throws IllegalStateException    when slices were not written (naming the first of them); the temporary
	 *                                  file stays until {@link #close()}
	 * @throws IllegalArgumentException naming the file when it cannot be written or renamed; nothing is then under
	 *                                  its name (an older file there stays)
	 */
	public synchronized void finish() {
		if (done) return;
		if (!channel.isOpen()) throw new IllegalStateException(name + ": already closed");
		final int missing = written.nextClearBit(0);
		if (missing < depth)
			throw new IllegalStateException(name + ": " + (depth - written.cardinality()) + " of " + depth + " slices not written, the first is slice " + missing);
		try {
			channel.force(true);
			lock.release();
			channel.close();
			try {
				Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (final AtomicMoveNotSupportedException e) {
				Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
			}
			done = true;
		}
		catch (final IOException e) {
			closeQuietly(channel);
			deleteQuietly(part);
			throw new IllegalArgumentException(name + ": cannot write: " + Nifti.describe(e).replace(part.toString(), target.toString()), e);
		}
		// the rename itself is durable once the folder is: best effort, not every system can open a folder
		try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
			dir.force(true);
		}
		catch (final IOException | RuntimeException e) {
			// the file is complete and in place; only a crash in the next moments could undo the rename
		}
	}

	/** Ends writing: after {@link #finish()} nothing more; without, deletes the temporary file, leaving no file. */
	@Override
	public synchronized void close() {
		if (done) return;
		closeQuietly(channel);
		deleteQuietly(part);
	}

	private static void closeQuietly(final FileChannel ch) {
		if (ch != null) try {
			ch.close();
		}
		catch (final IOException e) {
			// closing after a failure: the file is deleted next
		}
	}

	private static void deleteQuietly(final Path p) {
		try {
			Files.deleteIfExists(p);
		}
		catch (final IOException e) {
			// a hidden .part file, never under the final name
		}
	}
}
