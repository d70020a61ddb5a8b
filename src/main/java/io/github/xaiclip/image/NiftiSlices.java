package io.github.xaiclip.image;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A NIfTI-1 file read one display slice at a time, with {@link Nifti}'s header checks, value conversion and
 * orientation, so that every slice equals the same slice of {@link Nifti#read}.
 * <p>
 * Streaming needs each display slice to be one stored slice: the file's third axis must point along the patient's
 * long axis (axial acquisitions, stored LAS, RAS, LPS, ...); flips of any axis, and a swap of the first two, are
 * undone slice by slice. A plain {@code .nii} is read by seeking to the slice. A gzip-compressed file (recognised by
 * its magic bytes, as {@link Nifti#read} does) can only be decompressed from its start: the stream stays open at the
 * slice after the last one read, so reading in {@link #readingOrder()} (file order) decompresses the file once, but a
 * slice behind the stream's position costs a new decompression from the start of the file up to that slice.
 * <p>
 * Truncated data are refused when the file is opened (a plain file, whose length is known) or when the slice is read
 * (a compressed one, or a plain file that shrank), naming the file and the slice. Corrupt compressed data are refused
 * when they cannot be decompressed, and at the latest with the last slice, when the gzip trailer's CRC is checked.
 */
final class NiftiSlices implements SliceSource {

	/** Bytes of a plain file read and converted at a time: a slice larger than this is read in parts. */
	private static final int CHUNK = 1 << 24;
	/** Bytes of a compressed slice gathered at a time, before any value is allocated. */
	private static final int PIECE = 1 << 20;

	private final Path file;
	private final String name;
	private final Nifti.Header header;
	private final Nifti.Layout layout;
	private final boolean gz;
	private final long sliceBytes;
	private final int sliceVoxels;
	/** Plain file: the open file. */
	private FileChannel channel;
	/** Compressed file: the stream, positioned at the start of stored slice {@link #next}. */
	private InputStream stream;
	private int next;
	private boolean closed;

	private NiftiSlices(final Path file, final Nifti.Header header, final boolean gz) throws IOException {
		this.file = file;
		this.name = header.name;
		this.header = header;
		this.layout = header.layout();
		this.gz = gz;
		this.sliceBytes = header.sliceBytes();
		final long plane = (long) header.dim[0] * header.dim[1];
		if (plane > Nifti.MAX_VOXELS)
			throw new IllegalArgumentException(name + ": dim " + header.dimText() + ": a slice of " + plane + " voxels exceeds the limit of " + Nifti.MAX_VOXELS
				+ " voxels");
		this.sliceVoxels = (int) plane;
		if (!gz) {
			channel = FileChannel.open(file, StandardOpenOption.READ);
			boolean ok = false;
			try {
				final long size = channel.size(), bytes = header.dataBytes();
				if (size < header.offset + bytes) {
					final long present = Math.max(0, size - header.offset);
					final int k = (int) (present / sliceBytes);
					throw new IllegalArgumentException(Nifti.truncated(name, header, bytes, present, false).getMessage() + "; stored slice " + k + " (display slice "
						+ layout.storedSlice(k) + ") is the first incomplete one");
				}
				ok = true;
			}
			finally {
				if (!ok) channel.close();
			}
		}
	}

	/**
	 * Opens {@code file} for reading slice by slice, or, when its slices are not axial (see the class comment),
	 * reads it whole if it fits in the memory Java has left.
	 *
	 * @throws IllegalArgumentException naming the file: missing, unreadable, a bad header, truncated, or (read
	 *                                  whole) too large for memory
	 */
	static SliceSource open(final Path file) {
		final String name = Nifti.nameOf(file);
		Nifti.checkFile(file, name);
		final Nifti.Header h;
		final boolean gz;
		try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
			gz = Nifti.isGzip(raw);
			h = Nifti.readHeader(gz ? new GZIPInputStream(raw, 1 << 16) : raw, gz, name);
		}
		catch (final EOFException | ZipException e) {
			throw new IllegalArgumentException(name + ": corrupt gzip data: " + Nifti.describe(e), e);
		}
		catch (final IOException e) {
			throw new IllegalArgumentException(name + ": cannot read: " + Nifti.describe(e), e);
		}
		if (!h.layout().slicesAreStored()) {
			h.requireArray();
			if (!gz) {
				final long size = size(file, name), bytes = h.dataBytes();
				if (size < h.offset + bytes) throw Nifti.truncated(name, h, bytes, Math.max(0, size - h.offset), false);
			}
			Images.requireMemory(name, "dim " + h.dimText() + " " + h.stored + ", stored in slices that are not axial (" + Orientation.describe(h.affine)
				+ "), is read whole and", Nifti.memoryToRead(h, gz), "store the scan with axial slices to read it slice by slice, or give Java more memory (-Xmx)");
			final Volume v = Nifti.read(file);
			return new MemorySlices(name, v, Images.isMm(v.unit()) ? v.voxelSize() : null, Collections.emptyList());
		}
		try {
			return new NiftiSlices(file, h, gz);
		}
		catch (final IOException e) {
			throw new IllegalArgumentException(name + ": cannot read: " + Nifti.describe(e), e);
		}
	}

	private static long size(final Path file, final String name) {
		try {
			return Files.size(file);
		}
		catch (final IOException e) {
			throw new IllegalArgumentException(name + ": cannot read: " + Nifti.describe(e), e);
		}
	}

	@Override
	public String name() {
		return name;
	}

	@Override
	public int width() {
		return layout.size[0];
	}

	@Override
	public int height() {
		return layout.size[1];
	}

	@Override
	public int depth() {
		return layout.size[2];
	}

	@Override
	public double[] voxelSizeMm() {
		return Images.isMm(header.unit) ? layout.voxelSize.clone() : null;
	}

	@Override
	public List<String> notes() {
		return Collections.emptyList();
	}

	/** File order, for both kinds: sequential reads of a plain file are the fastest too. */
	@Override
	public int[] readingOrder() {
		final int[] order = new int[depth()];
		for (int k = 0; k < order.length; k++)
			order[k] = layout.storedSlice(k);
		return order;
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * A compressed slice's bytes are gathered as they arrive and its values allocated only once all are there, so a
	 * hostile header cannot make the reader allocate more than the data hold; a slice too large for the memory Java
	 * has left is refused with a message rather than an OutOfMemoryError.
	 */
	@Override
	public float[] slice(final int z) {
		if (closed) throw new IllegalStateException(name + ": closed");
		if (z < 0 || z >= depth()) throw new IndexOutOfBoundsException(name + ": slice " + z + " is outside 0.." + (depth() - 1));
		final int k = layout.storedSlice(z);
		final String where = name + ": display slice " + z + " (stored slice " + k + " of " + depth() + ")";
		try {
			final byte[][] raw = gz ? readCompressed(k, where) : null;
			// a large slice only: the check may collect garbage, which small slices should not cost
			if (8L * sliceVoxels > Runtime.getRuntime().maxMemory() / 16)
				Images.requireMemory(where, "a slice of " + header.dim[0] + " x " + header.dim[1] + " voxels", 8L * sliceVoxels, "give Java more memory (-Xmx)");
			final float[] stored = new float[sliceVoxels];
			if (gz) {
				long done = 0;
				for (int c = 0; c < raw.length; c++) {
					convert(raw[c], raw[c].length, stored, done, k);
					done += raw[c].length;
					raw[c] = null;
				}
			}
			else readPlain(k, stored, where);
			final float[] out = new float[sliceVoxels];
			layout.copySlice(stored, (long) k * sliceVoxels, z, out, 0);
			return out;
		}
		catch (final EOFException | ZipException e) {
			closeStream();
			throw new IllegalArgumentException(where + ": corrupt gzip data: " + Nifti.describe(e), e);
		}
		catch (final IOException e) {
			closeStream();
			throw new IllegalArgumentException(where + ": cannot read: " + Nifti.describe(e), e);
		}
	}

	private void readPlain(final int k, final float[] stored, final String where) throws IOException {
		final long from = header.offset + k * sliceBytes;
		final byte[] b = new byte[(int) Math.min(CHUNK, sliceBytes)];
		final ByteBuffer buf = ByteBuffer.wrap(b);
		for (long done = 0; done < sliceBytes;) {
			final int len = (int) Math.min(b.length, sliceBytes - done);
			buf.clear().limit(len);
			while (buf.hasRemaining()) {
				final int r = channel.read(buf, from + done + buf.position());
				if (r < 0)
					throw new IllegalArgumentException(where + ": data truncated: the slice needs bytes " + from + " to " + (from + sliceBytes) + ", the file now holds "
						+ channel.size());
			}
			convert(b, len, stored, done, k);
			done += len;
		}
	}

	/** The bytes of stored slice {@code k}, in pieces (a whole number of voxels each), each allocated as its data arrive. */
	private byte[][] readCompressed(final int k, final String where) throws IOException {
		if (stream == null || k < next) {
			closeStream();
			final InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
			stream = new GZIPInputStream(raw, 1 << 16);
			Nifti.readFully(stream, new byte[Nifti.HEADER_SIZE], Nifti.HEADER_SIZE);
			final long skip = header.offset - Nifti.HEADER_SIZE;
			final byte[] gap = new byte[(int) Math.min(1 << 16, Math.max(1, skip))];
			for (long left = skip; left > 0;) {
				final int got = Nifti.readFully(stream, gap, (int) Math.min(left, gap.length));
				if (got <= 0) throw endsEarly(where, -1, 0);
				left -= got;
			}
			next = 0;
		}
		final byte[] skip = new byte[(int) Math.min(PIECE, sliceBytes)];
		for (; next < k; next++)
			for (long done = 0; done < sliceBytes;) {
				final int len = (int) Math.min(skip.length, sliceBytes - done);
				final int got = Nifti.readFully(stream, skip, len);
				if (got < len) throw endsEarly(where, next, done + got);
				done += len;
			}
		final byte[][] pieces = new byte[(int) ((sliceBytes + PIECE - 1) / PIECE)][];
		long done = 0;
		for (int c = 0; c < pieces.length; c++) {
			final int len = (int) Math.min(PIECE, sliceBytes - done);
			pieces[c] = new byte[len];
			final int got = Nifti.readFully(stream, pieces[c], len);
			if (got < len) throw endsEarly(where, k, done + got);
			done += len;
		}
		next = k + 1;
		if (next == depth()) {
			// read to the end, so that GZIPInputStream checks the trailer's CRC and length: corrupt data that happen
			// to decompress are refused at least with the last slice (Nifti.read reads to the end too)
			while (stream.read(skip) >= 0) {
				// data after the volume (none in a single volume) are not used
			}
		}
		return pieces;
	}

	private IllegalArgumentException endsEarly(final String where, final int slice, final long bytes) {
		closeStream();
		final String end = slice < 0 ? "before vox_offset" : "in stored slice " + slice + ", after " + bytes + " of its " + sliceBytes + " bytes";
		return new IllegalArgumentException(where + ": data truncated: the decompressed data end " + end + " (" + header.dimText() + " " + header.stored
			+ " voxels from vox_offset " + header.offset + ")");
	}

	/** Converts {@code len} bytes, which start {@code done} bytes into stored slice {@code k}, into {@code stored}. */
	private void convert(final byte[] b, final int len, final float[] stored, final long done, final int k) {
		final int at = (int) (done / header.stored.bytes);
		header.convert(b, len, stored, at, (long) k * sliceVoxels + at);
	}

	private void closeStream() {
		if (stream != null) try {
			stream.close();
		}
		catch (final IOException e) {
			// only read from: nothing is lost
		}
		stream = null;
	}

	@Override
	public long residentBytes() {
		return 0;
	}

	@Override
	public void close() {
		closed = true;
		closeStream();
		if (channel != null) try {
			channel.close();
		}
		catch (final IOException e) {
			// only read from: nothing is lost
		}
	}
}
