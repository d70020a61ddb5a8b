package io.github.xaiclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The point of reading slice by slice: a JVM whose heap is a fraction of the volume streams it from NIfTI into a
 * TIFF stack, with every slice right and the heap it uses small.
 */
class LargerThanHeapTest {

	static final int W = 512, H = 512, D = 400, HEAP_MB = 96;

	@TempDir
	Path dir;

	/** The value at file voxel (i, j, k): different along every axis, so that a flip or a shift shows. */
	static short stored(final int i, final int j, final int k) {
		return (short) ((i * 3 + j * 5 + k * 7 + (i * j >> 4) + (j * k >> 3)) % 4000 - 1000);
	}

	/**
	 * The display slice {@code z}: the file is stored with i towards the patient's left (as display x), j anterior
	 * (display y flipped) and k inferior (display z flipped).
	 */
	static float[] display(final int z) {
		final float[] v = new float[W * H];
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++)
				v[x + W * y] = stored(x, H - 1 - y, D - 1 - z);
		return v;
	}

	/** Writes the volume one slice at a time: the test's own streaming NIfTI writer (Nifti.write needs it whole). */
	static void writeNifti(final Path file) throws IOException {
		final NiftiTest.Hdr h = new NiftiTest.Hdr();
		h.dim = new int[] { 3, W, H, D, 1, 1, 1, 1 };
		h.pixdim = new float[] { 1, 0.8f, 0.8f, 1.25f, 0, 0, 0, 0 };
		h.sform(new double[][] { { -0.8, 0, 0, 100 }, { 0, 0.8, 0, -90 }, { 0, 0, -1.25, 300 } });
		try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
			out.write(h.header());
			out.write(new byte[4]);
			final ByteBuffer b = ByteBuffer.allocate(2 * W * H).order(ByteOrder.LITTLE_ENDIAN);
			for (int k = 0; k < D; k++) {
				b.clear();
				for (int j = 0; j < H; j++)
					for (int i = 0; i < W; i++)
						b.putShort(stored(i, j, k));
				out.write(b.array());
			}
		}
	}

	@Test
	void aVolumeFourTimesTheHeapIsStreamedIntoATiffStack() throws Exception {
		final Path nii = dir.resolve("big.nii"), tif = dir.resolve("big.tif");
		final Path sagittal = dir.resolve("sag.nii.gz"), hostile = dir.resolve("hostile.nii.gz");
		try {
			writeNifti(nii);
			assertEquals(352 + 2L * W * H * D, Files.size(nii));
			final NiftiTest.Hdr sag = new NiftiTest.Hdr();
			sag.dim = new int[] { 3, W, H, D, 1, 1, 1, 1 };
			sag.sform(new double[][] { { 0, 0, 1, 0 }, { 1, 0, 0, 0 }, { 0, 1, 0, 0 } });
			Files.write(sagittal, NiftiTest.gzip(sag.file(new byte[1000])));
			final NiftiTest.Hdr claims = new NiftiTest.Hdr();
			claims.dim = new int[] { 3, 32767, 32767, 2, 1, 1, 1, 1 };
			claims.sform(new double[][] { { 1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 1, 0 } });
			Files.write(hostile, NiftiTest.gzip(claims.file(new byte[1000])));

			final String java = ProcessHandle.current().info().command().orElse(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
			final ProcessBuilder pb = new ProcessBuilder(java, "-Xmx" + HEAP_MB + "m", "-XX:+UseSerialGC", "-Djava.awt.headless=true", "-cp",
				System.getProperty("java.class.path"), StreamingChild.class.getName(), nii.toString(), tif.toString(), sagittal.toString(), hostile.toString());
			pb.redirectErrorStream(true);
			final long t0 = System.nanoTime();
			final Process p = pb.start();
			final List<String> lines = new ArrayList<>();
			try (InputStream in = p.getInputStream()) {
				for (final String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
					lines.add(line);
			}
			assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child ends");
			final double seconds = (System.nanoTime() - t0) / 1e9;
			assertEquals(0, p.exitValue(), "the child succeeds: " + tail(lines));

			assertEquals("read refused: big.nii: dim 512 x 512 x 400 needs about 0.8 GiB of memory to read, more than the 0.1 GiB Java may use (-Xmx)",
				lines.get(0), "reading it whole is refused up front, not an OutOfMemoryError");
			assertEquals("resident 0", lines.get(1));
			for (int n = 0; n < D; n++) {
				final int z = D - 1 - n; // file order: the file is stored inferior last
				assertEquals("slice " + z + " " + StreamingChild.checksum(display(z)), lines.get(2 + n), "slice " + z);
			}
			final String open = lines.get(2 + D), slice = lines.get(3 + D), heap = lines.get(4 + D);
			assertTrue(open.startsWith("open refused: sag.nii.gz: dim 512 x 512 x 400 int16, stored in slices that are not axial (ASR), is read whole and needs about"),
				open);
			assertTrue(slice.startsWith("slice refused: hostile.nii.gz: display slice 0 (stored slice 0 of 2): data truncated"), slice);

			final String[] f = heap.split(" ");
			final long max = Long.parseLong(f[2]), live = Long.parseLong(f[4]), peaks = Long.parseLong(f[6]);
			System.out.printf(Locale.ROOT, "streamed %d x %d x %d int16 (%.0f MiB on disk, %.0f MiB as floats) with -Xmx%dm (max %.0f MiB): "
				+ "peak live heap %.1f MiB, heap pools' peaks %.1f MiB, %s collections, streaming %s ms, child %.1f s%n", W, H, D, Files.size(nii) / 1048576.0,
				4.0 * W * H * D / 1048576, HEAP_MB, max / 1048576.0, live / 1048576.0, peaks / 1048576.0, f[8], f[10], seconds);
			assertTrue(live > 0, "collections happened and were seen: " + heap);
			assertTrue(live < max / 4, "the live heap stays well under the heap: " + heap);
			Files.delete(nii);

			try (SliceSource s = Images.open(tif)) {
				assertEquals(0, s.residentBytes(), "the TIFF is streamed back");
				assertEquals(D, s.depth());
				assertArrayEquals(new double[] { 0.8, 0.8, 1.25 }, s.voxelSizeMm(), 1e-6);
				for (int z = 0; z < D; z += 1)
					assertEquals(StreamingChild.checksum(display(z)), StreamingChild.checksum(s.slice(z)), "TIFF slice " + z);
				assertArrayEquals(display(123), s.slice(123));
			}
		}
		finally {
			for (final Path big : new Path[] { nii, tif })
				Files.deleteIfExists(big);
		}
	}

	private static String tail(final List<String> lines) {
		return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
	}
}
