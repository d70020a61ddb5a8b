package io.github.xaiclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;
import ij.measure.Calibration;
import io.github.xaiclip.testing.CtSlices;

/** The TIFF stack writer: what ImageJ itself reads back, in any slice order, and never a partial file. */
class TiffStackWriterTest {

	@TempDir
	Path dir;

	static List<Integer> shuffled(final int n, final long seed) {
		final List<Integer> order = new ArrayList<>();
		for (int z = 0; z < n; z++)
			order.add(z);
		Collections.shuffle(order, new Random(seed));
		return order;
	}

	static float[] slice(final Volume v, final int z) {
		final int plane = v.width() * v.height();
		final float[] s = new float[plane];
		System.arraycopy(v.values(), z * plane, s, 0, plane);
		return s;
	}

	List<String> files() throws IOException {
		try (Stream<Path> s = Files.list(dir)) {
			return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
		}
	}

	/** Every page of a TIFF as the JDK's own TIFF reader (javax.imageio) reads it: a reader independent of ImageJ. */
	static List<float[]> jdkPages(final Path tif, final int w, final int h) {
		final ImageReader reader = ImageIO.getImageReadersByFormatName("tiff").next();
		try (ImageInputStream in = ImageIO.createImageInputStream(tif.toFile())) {
			reader.setInput(in);
			final List<float[]> pages = new ArrayList<>();
			for (int i = 0; i < reader.getNumImages(true); i++)
				pages.add(reader.read(i).getRaster().getPixels(0, 0, w, h, (float[]) null));
			return pages;
		}
		catch (final IOException e) {
			throw new UncheckedIOException(e);
		}
		finally {
			reader.dispose();
		}
	}

	static void assertCalibration(final ImagePlus imp, final double[] mm) {
		final Calibration cal = imp.getCalibration();
		assertEquals("mm", cal.getUnit());
		assertEquals(mm[0], cal.pixelWidth, 1e-12 * mm[0], "pixelWidth");
		assertEquals(mm[1], cal.pixelHeight, 1e-12 * mm[1], "pixelHeight");
		if (imp.getStackSize() > 1) assertEquals(mm[2], cal.pixelDepth, 0, "pixelDepth, from spacing=");
	}

	@Test
	void aFloatStackWrittenInAnyOrderIsWhatImageJAndOurReadersRead() {
		final Volume ct = CtSlices.ct();
		final double[] mm = { 0.8, 0.7, 1.25 };
		final Path tif = dir.resolve("ct.tif");
		try (TiffStackWriter w = TiffStackWriter.create(tif, TiffStackWriter.Kind.FLOAT32, ct.width(), ct.height(), ct.depth(), mm)) {
			for (final int z : shuffled(ct.depth(), 3))
				w.writeSlice(z, slice(ct, z));
			assertFalse(Files.exists(tif), "nothing under the final name before finish()");
			w.finish();
		}
		final ImagePlus imp = IJ.openImage(tif.toString());
		assertEquals(ImagePlus.GRAY32, imp.getType());
		assertEquals(ct.width(), imp.getWidth());
		assertEquals(ct.height(), imp.getHeight());
		assertEquals(ct.depth(), imp.getStackSize());
		assertEquals(1, imp.getNChannels());
		assertEquals(1, imp.getNFrames());
		for (int z = 0; z < ct.depth(); z++)
			assertArrayEquals(slice(ct, z), (float[]) imp.getStack().getPixels(z + 1), "slice " + z);
		assertCalibration(imp, mm);

		assertEquals(ct.depth(), jdkPages(tif, ct.width(), ct.height()).size(), "every slice has its directory");
		for (int z = 0; z < ct.depth(); z += 7)
			assertArrayEquals(slice(ct, z), jdkPages(tif, ct.width(), ct.height()).get(z), "the JDK's TIFF reader reads slice " + z);

		final Images.Loaded l = Images.read(tif);
		assertArrayEquals(ct.values(), l.volume().values());
		assertArrayEquals(mm, l.volume().voxelSize(), 0, "exact: 5/4 pixels per mm is 0.8 mm");
		try (SliceSource s = Images.open(tif)) {
			assertEquals(0, s.residentBytes(), "an uncompressed stack is streamed");
			assertArrayEquals(mm, s.voxelSizeMm(), 0);
			for (int z = ct.depth() - 1; z >= 0; z--)
				assertArrayEquals(slice(ct, z), s.slice(z));
		}
	}

	@Test
	void oneSliceIsACalibratedImage() {
		final Volume ct = CtSlices.ct();
		final Path tif = dir.resolve("one.tif");
		try (TiffStackWriter w = TiffStackWriter.create(tif, TiffStackWriter.Kind.FLOAT32, ct.width(), ct.height(), 1, new double[] { 3, 3, 3 })) {
			w.writeSlice(0, slice(ct, 7));
			w.finish();
		}
		final ImagePlus imp = IJ.openImage(tif.toString());
		assertEquals(1, imp.getStackSize());
		assertArrayEquals(slice(ct, 7), (float[]) imp.getProcessor().getPixels());
		assertCalibration(imp, new double[] { 3, 3, 3 });
		final Images.Loaded l = Images.read(tif);
		assertArrayEquals(new double[] { 3, 3 }, l.pixelSizeMm(), 0);
		assertArrayEquals(slice(ct, 7), l.volume().values());
	}

	@Test
	void greyAndRgbStacks() {
		final int w = 5, h = 4, d = 3;
		final Random r = new Random(11);
		final byte[][] grey = new byte[d][w * h];
		final int[][] rgb = new int[d][w * h];
		for (int z = 0; z < d; z++) {
			r.nextBytes(grey[z]);
			for (int p = 0; p < w * h; p++)
				rgb[z][p] = r.nextInt(1 << 24);
		}
		final double[] mm = { 0.25, 0.5, 2 };
		final Path g = dir.resolve("grey.tif"), c = dir.resolve("rgb.tif");
		try (TiffStackWriter gw = TiffStackWriter.create(g, TiffStackWriter.Kind.GREY8, w, h, d, mm);
			TiffStackWriter cw = TiffStackWriter.create(c, TiffStackWriter.Kind.RGB, w, h, d, mm)) {
			for (final int z : shuffled(d, 5)) {
				gw.writeSlice(z, grey[z]);
				cw.writeSlice(z, rgb[z]);
			}
			gw.finish();
			cw.finish();
		}
		final ImagePlus gi = IJ.openImage(g.toString()), ci = IJ.openImage(c.toString());
		assertEquals(ImagePlus.GRAY8, gi.getType());
		assertEquals(ImagePlus.COLOR_RGB, ci.getType());
		for (int z = 0; z < d; z++) {
			assertArrayEquals(grey[z], (byte[]) gi.getStack().getPixels(z + 1));
			final int[] px = (int[]) ci.getStack().getPixels(z + 1);
			for (int p = 0; p < w * h; p++)
				assertEquals(rgb[z][p], px[p] & 0xffffff, "RGB of pixel " + p + " of slice " + z);
		}
		assertCalibration(gi, mm);
		assertCalibration(ci, mm);

		final List<float[]> pages = jdkPages(c, w, h); // three samples per pixel
		assertEquals(d, pages.size());
		for (int p = 0; p < w * h; p++)
			assertEquals(rgb[2][p], (int) pages.get(2)[3 * p] << 16 | (int) pages.get(2)[3 * p + 1] << 8 | (int) pages.get(2)[3 * p + 2]);

		final Images.Loaded gl = Images.read(g), cl = Images.read(c);
		assertEquals(Volume.DataType.UINT8, gl.volume().dataType());
		assertEquals((grey[2][7] & 0xff), gl.volume().get(2, 1, 2));
		final int c0 = rgb[1][3];
		assertEquals(((c0 >> 16 & 0xff) + (c0 >> 8 & 0xff) + (c0 & 0xff)) / 3f, cl.volume().get(3, 0, 1));
		assertEquals(1, cl.notes().size());
		try (SliceSource s = Images.open(c)) {
			assertEquals(cl.notes(), s.notes());
			assertArrayEquals(slice(cl.volume(), 1), s.slice(1));
		}
	}

	@Test
	void withoutCalibrationImageJSeesPixels() {
		final Path tif = dir.resolve("px.tif");
		try (TiffStackWriter w = TiffStackWriter.create(tif, TiffStackWriter.Kind.FLOAT32, 3, 2, 2, null)) {
			w.writeSlice(0, new float[6]);
			w.writeSlice(1, new float[] { 1, 2, 3, 4, 5, Float.NaN });
			w.finish();
		}
		final ImagePlus imp = IJ.openImage(tif.toString());
		assertFalse(imp.getCalibration().scaled());
		assertEquals(2, imp.getStackSize());
		final Images.Loaded l = Images.read(tif);
		assertFalse(l.calibrated());
		assertTrue(Float.isNaN(l.volume().get(2, 1, 1)));
		try (SliceSource s = Images.open(tif)) {
			assertNull(s.voxelSizeMm());
		}
	}

	@Test
	void noFileUnderItsNameUnlessComplete() throws IOException {
		final Path tif = dir.resolve("out.tif");
		Files.write(tif, new byte[] { 1, 2, 3 });
		try (TiffStackWriter w = TiffStackWriter.create(tif, TiffStackWriter.Kind.GREY8, 2, 2, 3, null)) {
			w.writeSlice(0, new byte[4]);
			w.writeSlice(2, new byte[4]);
			assertEquals(List.of(".out.tif.part", "out.tif"), files());
			final IllegalStateException e = assertThrows(IllegalStateException.class, w::finish);
			assertEquals("out.tif: 1 of 3 slices not written, the first is slice 1", e.getMessage());
		}
		assertEquals(List.of("out.tif"), files(), "closed without finish: the temporary file is gone");
		assertArrayEquals(new byte[] { 1, 2, 3 }, Files.readAllBytes(tif), "the older file stays");

		try (TiffStackWriter w = TiffStackWriter.create(tif, TiffStackWriter.Kind.GREY8, 2, 2, 1, null)) {
			w.writeSlice(0, new byte[] { 9, 8, 7, 6 });
			w.finish();
			w.finish(); // once is enough
		}
		assertEquals(List.of("out.tif"), files());
		assertArrayEquals(new float[] { 9, 8, 7, 6 }, Images.read(tif).volume().values(), "replaced by the complete one");
	}

	@Test
	void misuseIsRefusedNamingTheFile() throws IOException {
		final Path tif = dir.resolve("m.tif");
		try (TiffStackWriter w = TiffStackWriter.create(tif, TiffStackWriter.Kind.FLOAT32, 2, 2, 2, null)) {
			assertEquals("m.tif: a GREY8 slice given to a FLOAT32 stack", assertThrows(IllegalArgumentException.class, () -> w.writeSlice(0, new byte[4])).getMessage());
			assertEquals("m.tif: slice 2 is outside 0..1", assertThrows(IllegalArgumentException.class, () -> w.writeSlice(2, new float[4])).getMessage());
			assertEquals("m.tif: slice 0 has 3 pixels; expected 2 x 2", assertThrows(IllegalArgumentException.class, () -> w.writeSlice(0, new float[3])).getMessage());
			final IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
				() -> TiffStackWriter.create(tif, TiffStackWriter.Kind.FLOAT32, 2, 2, 2, null));
			assertEquals("m.tif: cannot write: .m.tif.part is being written by another writer", twice.getMessage());
		}
		assertEquals(List.of(), files());
		assertTrue(assertThrows(IllegalArgumentException.class, () -> TiffStackWriter.create(dir.resolve("no/x.tif"), TiffStackWriter.Kind.RGB, 1, 1, 1, null))
			.getMessage().startsWith("x.tif: cannot write: no such folder"));
		assertEquals("v.tif: voxel size: expected positive finite values in mm, got [1.0, 0.0, 1.0]", assertThrows(IllegalArgumentException.class,
			() -> TiffStackWriter.create(dir.resolve("v.tif"), TiffStackWriter.Kind.RGB, 1, 1, 1, new double[] { 1, 0, 1 })).getMessage());
		assertEquals("s.tif: size 0 x 1 x 1: expected at least 1 pixel along each axis",
			assertThrows(IllegalArgumentException.class, () -> TiffStackWriter.create(dir.resolve("s.tif"), TiffStackWriter.Kind.RGB, 0, 1, 1, null)).getMessage());
	}
}
