package io.github.xaiclip.image;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.github.xaiclip.testing.FuzzContract;

/**
 * Fuzzes {@link Nifti#read(Path)} with whole files. Seeds (and findings, kept as regression inputs) are in
 * {@code src/test/resources/io/github/xaiclip/image/NiftiFuzzTestInputs/read/}: crops of the bundled CT and its
 * label map with their real headers, plain and gzip-compressed, and small volumes written by {@link Nifti#write}.
 * <p>
 * Checked for every input: the reader returns or refuses with a one-line {@link IllegalArgumentException} naming
 * the file; it allocates no more than a small multiple of the data actually present (a hostile header must not
 * make it allocate for data that is not there); and a plain input, gzip-compressed, reads the same (same volume,
 * or a refusal again), which drives the streaming reader with every header the fuzzer makes; and {@link Images#open},
 * which reads the slices the explanations stream, gives the same slices or refuses it too ({@link StreamingAgreement}).
 */
@Tag("fuzz")
class NiftiFuzzTest {

	/**
	 * Allocation allowed besides the data: stream buffers, the inflater, the volume's objects, and what the
	 * fuzzer's own hooks allocate (about 1.3 MB a read of a gzip-compressed file while fuzzing).
	 */
	static final long OVERHEAD = 4 << 20;
	/**
	 * Bytes allocated per byte of data at most: the stored bytes (4 per value at most), float values (4 per value,
	 * at most 4 per byte for uint8) and their reoriented copy.
	 */
	static final long PER_BYTE = 10;

	@TempDir
	static Path dir;

	@FuzzTest(maxDuration = "30s")
	void read(final byte[] data) throws IOException {
		final boolean gz = data.length >= 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b;
		final Path file = Files.write(dir.resolve(gz ? "fuzz.nii.gz" : "fuzz.nii"), data);
		final Volume plain = read(file, gz ? inflatedLength(data) : data.length);
		StreamingAgreement.check(file, plain == null ? null : Images.read(file));
		if (gz) return;
		final ByteArrayOutputStream packed = new ByteArrayOutputStream();
		try (GZIPOutputStream out = new GZIPOutputStream(packed)) {
			out.write(data);
		}
		final Volume unpacked = read(Files.write(dir.resolve("fuzz-packed.nii.gz"), packed.toByteArray()), data.length);
		if ((plain == null) != (unpacked == null))
			throw new AssertionError("plain and gzip-compressed file differ: " + (plain == null ? "only the compressed one reads, as " + unpacked
				: "only the plain one reads, as " + plain));
		if (plain != null && !same(plain, unpacked)) throw new AssertionError("plain " + plain + " but gzip-compressed " + unpacked);
	}

	/**
	 * The volume, or null when refused as the contract says; {@code present}: the (decompressed) bytes of the file.
	 * Allocation over the bound is measured again before it counts: the first read of a new path through the code
	 * also loads (and instruments) classes, which allocates on the same thread.
	 */
	private static Volume read(final Path file, final long present) {
		final long before = FuzzContract.allocatedBytes();
		final Volume v = readOrRefuse(file);
		if (FuzzContract.allocatedBytes() - before > OVERHEAD + PER_BYTE * present) {
			final long again = FuzzContract.allocatedBytes();
			readOrRefuse(file);
			final long allocated = FuzzContract.allocatedBytes() - again;
			if (allocated > OVERHEAD + PER_BYTE * present)
				throw new AssertionError(file.getFileName() + ": " + present + " bytes of data made the reader allocate " + allocated + " bytes");
		}
		return v;
	}

	private static Volume readOrRefuse(final Path file) {
		try {
			return Nifti.read(file);
		}
		catch (final IllegalArgumentException e) {
			FuzzContract.userError(e, file.getFileName().toString());
			return null;
		}
	}

	/** The decompressed length of a gzip stream, or what of it inflates before it breaks off (at most 1 GiB). */
	private static long inflatedLength(final byte[] data) {
		long n = 0;
		try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
			final byte[] buf = new byte[1 << 16];
			for (int r; n < 1L << 30 && (r = in.read(buf)) >= 0;)
				n += r;
		}
		catch (final IOException e) {
			// corrupt: the reader will see as much as inflated here
		}
		return n;
	}

	private static boolean same(final Volume a, final Volume b) {
		return a.width() == b.width() && a.height() == b.height() && a.depth() == b.depth() && a.dataType() == b.dataType() && a.unit().equals(b.unit())
			&& Arrays.equals(a.voxelSize(), b.voxelSize()) && Arrays.deepEquals(a.affine(), b.affine()) && Arrays.equals(a.values(), b.values());
	}
}
