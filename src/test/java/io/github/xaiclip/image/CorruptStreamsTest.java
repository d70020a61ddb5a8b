package io.github.xaiclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.Deflater;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

/**
 * Truncated and corrupt data read slice by slice: a one-line message naming the file and the slice, never zeros in
 * place of missing data, never another exception.
 */
class CorruptStreamsTest {

	@TempDir
	Path dir;

	static String refused(final String prefix, final Executable e) {
		final IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
		assertTrue(x.getMessage().startsWith(prefix), "expected a message starting with '" + prefix + "', got '" + x.getMessage() + "'");
		assertFalse(x.getMessage().contains("\n"), "one line: " + x.getMessage());
		return x.getMessage();
	}

	/** 4 x 3 x 5 int16, stored inferior last (z flipped), values i + 10 j + 100 k + 1 (never 0). */
	static NiftiTest.Hdr header() {
		final NiftiTest.Hdr h = new NiftiTest.Hdr();
		h.dim = new int[] { 3, 4, 3, 5, 1, 1, 1, 1 };
		h.sform(new double[][] { { -1, 0, 0, 0 }, { 0, -2, 0, 0 }, { 0, 0, -3, 0 } });
		return h;
	}

	static byte[] data(final NiftiTest.Hdr h) {
		final double[] v = new double[h.voxels()];
		for (int p = 0; p < v.length; p++)
			v[p] = p % 4 + 10 * (p / 4 % 3) + 100 * (p / 12) + 1;
		return h.data(v);
	}

	Path put(final String name, final byte[] bytes) throws IOException {
		return Files.write(dir.resolve(name), bytes);
	}

	static void truncate(final Path p, final long size) throws IOException {
		try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
			ch.truncate(size);
		}
	}

	@Test
	void truncatedNii() throws IOException {
		final NiftiTest.Hdr h = header();
		final byte[] file = h.file(data(h));
		// 24 bytes a stored slice: cut in the middle of stored slice 2, which is display slice 2 of 5 (flipped)
		final Path cut = put("cut.nii", Arrays.copyOf(file, 352 + 24 * 2 + 10));
		assertEquals("cut.nii: data truncated: 4 x 3 x 5 int16 voxels need 120 bytes from vox_offset 352, the file holds 58; stored slice 2 (display slice 2) "
			+ "is the first incomplete one", refused("cut.nii: ", () -> Images.open(cut)));

		// cut after opening: the slices still there are read, the others refused
		final Path later = put("later.nii", file);
		try (SliceSource s = Images.open(later)) {
			truncate(later, 352 + 24 * 3);
			assertEquals(1, s.slice(4)[0], "stored slice 0, display slice 4: still there");
			assertEquals("later.nii: display slice 1 (stored slice 3 of 5): data truncated: the slice needs bytes 424 to 448, the file now holds 424",
				refused("later.nii: display slice 1 ", () -> s.slice(1)));
			refused("later.nii: display slice 0 (stored slice 4 of 5): data truncated", () -> s.slice(0));
			assertEquals(201, s.slice(2)[0]);
		}
	}

	@Test
	void truncatedAndCorruptNiiGz() throws IOException {
		final NiftiTest.Hdr h = header();
		final byte[] file = h.file(data(h));
		final Path cut = put("cut.nii.gz", NiftiTest.gzip(Arrays.copyOf(file, 352 + 24 * 2 + 10)));
		try (SliceSource s = Images.open(cut)) {
			assertEquals(1, s.slice(4)[0]);
			assertEquals(101, s.slice(3)[0]);
			assertEquals("cut.nii.gz: display slice 2 (stored slice 2 of 5): data truncated: the decompressed data end in stored slice 2, after 10 of its 24 bytes "
				+ "(4 x 3 x 5 int16 voxels from vox_offset 352)", refused("cut.nii.gz: display slice 2 ", () -> s.slice(2)));
			// a later slice from a fresh stream: the data end before it
			refused("cut.nii.gz: display slice 0 (stored slice 4 of 5): data truncated: the decompressed data end in stored slice 2, after 10", () -> s.slice(0));
			assertEquals(1, s.slice(4)[0], "and the slices there are still read");
		}

		// the compressed stream itself cut short
		final byte[] gz = NiftiTest.gzip(file);
		final Path short_ = put("short.nii.gz", Arrays.copyOf(gz, gz.length - 30));
		try (SliceSource s = Images.open(short_)) {
			boolean refusedOne = false;
			for (final int z : s.readingOrder())
				try {
					final float[] v = s.slice(z);
					assertEquals(4 - z, ((int) v[3] - 1) / 100, "a slice read is the right one, in full");
				}
				catch (final IllegalArgumentException e) {
					assertTrue(e.getMessage().startsWith("short.nii.gz: display slice " + z + " "), e.getMessage());
					assertFalse(e.getMessage().contains("\n"));
					refusedOne = true;
					break;
				}
			assertTrue(refusedOne, "the missing data are refused, not read as zeros");
		}

		// corrupt deflate data: refused where they are found, here in the header
		final byte[] bad = gz.clone();
		bad[gz.length / 2] ^= 0x55;
		bad[gz.length / 2 + 1] ^= 0x55;
		refused("bad.nii.gz: corrupt gzip data: ", () -> Images.open(put("bad.nii.gz", bad)));
		// data that decompress but whose CRC is wrong: refused with the last slice in file order
		final byte[] crc = gz.clone();
		crc[gz.length - 8] ^= 1;
		try (SliceSource s = Images.open(put("crc.nii.gz", crc))) {
			final int[] order = s.readingOrder();
			for (int i = 0; i < order.length - 1; i++)
				s.slice(order[i]);
			assertEquals("crc.nii.gz: display slice 0 (stored slice 4 of 5): corrupt gzip data: Corrupt GZIP trailer", refused("crc.nii.gz: ", () -> s.slice(order[4])));
		}
		// and read whole, the same
		assertEquals("crc.nii.gz: corrupt gzip data: Corrupt GZIP trailer", refused("crc.nii.gz: ", () -> Images.read(put("crc.nii.gz", crc))));
		// a stream that breaks off after the data (no end of the deflate stream, no trailer): refused both ways
		final ByteArrayOutputStream broken = new ByteArrayOutputStream();
		final byte[] out = new byte[4096];
		broken.write(new byte[] { 0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff }, 0, 10);
		final Deflater raw = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
		raw.setInput(Arrays.copyOf(file, file.length + 400)); // data beyond the volume, flushed, then no end
		broken.write(out, 0, raw.deflate(out, 0, out.length, Deflater.SYNC_FLUSH));
		raw.end();
		final Path off = put("off.nii.gz", broken.toByteArray());
		assertEquals("off.nii.gz: corrupt gzip data: Unexpected end of ZLIB input stream", refused("off.nii.gz: ", () -> Images.read(off)));
		try (SliceSource s = Images.open(off)) {
			final int[] order = s.readingOrder();
			for (int i = 0; i < order.length - 1; i++)
				s.slice(order[i]);
			assertEquals("off.nii.gz: display slice 0 (stored slice 4 of 5): corrupt gzip data: Unexpected end of ZLIB input stream",
				refused("off.nii.gz: ", () -> s.slice(order[4])));
		}
	}

	@Test
	void hostileHeadersAllocateNothingTheDataDoNotHold() throws IOException {
		final NiftiTest.Hdr h = header();
		h.dim = new int[] { 3, 32767, 32767, 3, 1, 1, 1, 1 };
		final byte[] file = h.file(new byte[100]);
		refused("huge.nii: data truncated: 32767 x 32767 x 3 int16 voxels need", () -> Images.open(put("huge.nii", file)));
		try (SliceSource s = Images.open(put("huge.nii.gz", NiftiTest.gzip(file)))) {
			assertEquals(32767, s.width());
			refused("huge.nii.gz: display slice 2 (stored slice 0 of 3): data truncated: the decompressed data end in stored slice 0, after 100 of its 2147352578 bytes",
				() -> s.slice(2));
		}
	}

	@Test
	void truncatedTiffStack() throws IOException {
		final Path tif = dir.resolve("s.tif");
		final int w = 6, h = 5, d = 4;
		try (TiffStackWriter tw = TiffStackWriter.create(tif, TiffStackWriter.Kind.FLOAT32, w, h, d, new double[] { 1, 1, 2 })) {
			for (int z = 0; z < d; z++) {
				final float[] v = new float[w * h];
				Arrays.fill(v, z + 1);
				tw.writeSlice(z, v);
			}
			tw.finish();
		}
		final byte[] b = Files.readAllBytes(tif);
		final long start = TiffSlices.info(tif)[0].getOffset();
		final Path cut = put("cut.tif", Arrays.copyOf(b, (int) (start + 2 * w * h * 4 + 7)));
		// the writer puts each image's directory after its pixels: the cut takes the second directory with it
		assertTrue(refused(cut + ": cannot be read as a TIFF image (truncated: image directory 2 at byte ", () -> Images.open(cut))
			.endsWith(" lies past the end of the file (" + (start + 2 * w * h * 4 + 7) + " bytes))"));
		refused(cut + ": cannot be read as a TIFF image (truncated: image directory 2", () -> Images.read(cut));

		try (SliceSource s = Images.open(tif)) {
			truncate(tif, start + w * h * 4 + 3);
			final float[] one = new float[w * h];
			Arrays.fill(one, 1);
			assertArrayEquals(one, s.slice(0));
			assertEquals(tif + ": slice z=1: data truncated: the slice needs bytes " + (start + w * h * 4) + " to " + (start + 2 * w * h * 4) + ", the file now holds "
				+ (start + w * h * 4 + 3), refused(tif + ": slice z=1: ", () -> s.slice(1)));
			refused(tif + ": slice z=3: data truncated", () -> s.slice(3));
		}
	}
}
