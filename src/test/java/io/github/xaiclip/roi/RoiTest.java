package io.github.xaiclip.roi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import net.imglib2.Cursor;
import net.imglib2.Interval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.basictypeaccess.array.IntArray;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

class RoiTest {

	/** A mask from rows of '#' (in) and '.' (out). */
	static boolean[] grid(final String... rows) {
		final int w = rows[0].length();
		final boolean[] m = new boolean[w * rows.length];
		for (int y = 0; y < rows.length; y++) {
			assertEquals(w, rows[y].length(), "row " + y);
			for (int x = 0; x < w; x++)
				m[y * w + x] = rows[y].charAt(x) == '#';
		}
		return m;
	}

	static Roi roi(final String... rows) {
		return Roi.ofMask(rows[0].length(), rows.length, grid(rows), "test");
	}

	/** Brute force: every pixel within {@code margin} (physical units) of a mask pixel, centre to centre. */
	static boolean[] bruteDilate(final boolean[] mask, final int w, final int h, final double margin, final double sx, final double sy) {
		final boolean[] out = new boolean[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				for (int v = 0; v < h && !out[y * w + x]; v++)
					for (int u = 0; u < w; u++)
						if (mask[v * w + u]) {
							final double dx = (x - u) * sx, dy = (y - v) * sy;
							if (dx * dx + dy * dy <= margin * margin + 1e-9) {
								out[y * w + x] = true;
								break;
							}
						}
		return out;
	}

	static boolean[] randomMask(final Random random, final int w, final int h, final double density) {
		final boolean[] m = new boolean[w * h];
		boolean any = false;
		for (int p = 0; p < m.length; p++)
			any |= m[p] = random.nextDouble() < density;
		if (!any) m[random.nextInt(m.length)] = true;
		return m;
	}

	@Test
	void dilateMatchesBruteForceEuclideanDilation() {
		final Random random = new Random(20240611L);
		final int[][] sizes = { { 17, 13 }, { 30, 20 }, { 1, 9 }, { 9, 1 }, { 12, 12 }, { 25, 7 } };
		final double[] densities = { 0.01, 0.05, 0.3 };
		final double[] margins = { 0, 1, 1.5, 2.9, 5 };
		final double[][] spacings = { { 1, 1 }, { 1, 2 }, { 2, 1 }, { 0.5, 1.3 } };
		int checked = 0;
		for (final int[] size : sizes)
			for (final double density : densities) {
				final int w = size[0], h = size[1];
				final boolean[] mask = randomMask(random, w, h, density);
				final Roi r = Roi.ofMask(w, h, mask, "random");
				for (final double margin : margins)
					for (final double[] s : spacings) {
						final boolean[] expected = bruteDilate(mask, w, h, margin, s[0], s[1]);
						final Roi d = r.dilate(margin, s[0], s[1]);
						assertArrayEquals(expected, d.mask(), w + "x" + h + " density " + density + " margin " + margin + " spacing " + s[0] + "x" + s[1]);
						assertEquals(w, d.width());
						assertEquals(h, d.height());
						checked++;
					}
				for (final double margin : margins)
					assertArrayEquals(bruteDilate(mask, w, h, margin, 1, 1), r.dilate(margin).mask(), "isotropic margin " + margin);
			}
		assertEquals(sizes.length * densities.length * margins.length * spacings.length, checked);
	}

	@Test
	void dilateOfOnePixelIsADiskWithDistanceExactlyAtTheMarginIncluded() {
		// one pixel at (5, 5) of 11x11, margin 5: (dx, dy) = (3, 4) and (5, 0) are at distance exactly 5 and join
		final boolean[] m = new boolean[11 * 11];
		m[5 * 11 + 5] = true;
		final Roi d = Roi.ofMask(11, 11, m, "dot").dilate(5);
		assertTrue(d.contains(8, 9));
		assertTrue(d.contains(10, 5));
		assertTrue(d.contains(5, 0));
		assertFalse(d.contains(9, 9)); // sqrt(32) > 5
		assertFalse(d.contains(10, 6)); // sqrt(26) > 5
		// lattice points of the disk of radius 5: 81
		assertEquals(81, d.area());

		// anisotropic: spacing 1 x 2, margin 3: dy of 1 costs 2, so |dx| <= sqrt(9 - 4 dy^2)
		final Roi a = Roi.ofMask(11, 11, m, "dot").dilate(3, 1.0, 2.0);
		assertArrayEquals(grid(
			"...........",
			"...........",
			"...........",
			"...........",
			"...#####...",
			"..#######..",
			"...#####...",
			"...........",
			"...........",
			"...........",
			"..........."), a.mask());
	}

	@Test
	void dilateByZeroKeepsTheRegionAndBadArgumentsAreRefused() {
		final Roi r = roi("..#", "...");
		assertSame(r, r.dilate(0));
		assertEquals(r, r.dilate(0.5)); // no other pixel centre is within 0.5
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.dilate(-1));
		assertTrue(e.getMessage().contains("roi_margin"), e.getMessage());
		assertThrows(IllegalArgumentException.class, () -> r.dilate(Double.NaN));
		assertThrows(IllegalArgumentException.class, () -> r.dilate(Double.POSITIVE_INFINITY));
		assertThrows(IllegalArgumentException.class, () -> r.dilate(1, 0, 1));
		assertThrows(IllegalArgumentException.class, () -> r.dilate(1, 1, -2));
		assertThrows(IllegalArgumentException.class, () -> r.dilate(1, Double.NaN, 1));
	}

	@Test
	void boundsAreaFractionAndContains() {
		// 8x6 with pixels (2, 1), (5, 3), (3, 4)
		final Roi r = roi(
			"........",
			"..#.....",
			"........",
			".....#..",
			"...#....",
			"........");
		assertEquals(8, r.width());
		assertEquals(6, r.height());
		assertEquals(3, r.area());
		assertEquals(3 / 48.0, r.areaFraction(), 1e-15);
		assertEquals(2, r.minX());
		assertEquals(1, r.minY());
		assertEquals(5, r.maxX());
		assertEquals(4, r.maxY());
		final Interval b = r.bounds();
		assertArrayEquals(new long[] { 2, 1 }, b.minAsLongArray());
		assertArrayEquals(new long[] { 5, 4 }, b.maxAsLongArray());
		assertTrue(r.contains(2, 1));
		assertTrue(r.contains(1 * 8 + 2));
		assertTrue(r.contains(5, 3));
		assertFalse(r.contains(3, 1));
		assertFalse(r.contains(-1, 1));
		assertFalse(r.contains(8, 1));
		assertFalse(r.contains(2, 6));
		assertEquals(1.0, Roi.all(7, 3).areaFraction(), 0);
		assertEquals(21, Roi.all(7, 3).area());
	}

	@Test
	void intersectsTestsEveryPixelOfTheRectangle() {
		final Roi r = roi(
			"........",
			"..#.....",
			"........",
			".....#..",
			"...#....",
			"........");
		assertFalse(r.intersects(0, 0, 2, 2)); // x 0..1, y 0..1
		assertTrue(r.intersects(2, 1, 1, 1));
		assertFalse(r.intersects(3, 1, 2, 2)); // inside the bounding box, but misses all three
		assertTrue(r.intersects(4, 3, 2, 2)); // holds (5, 3)
		assertFalse(r.intersects(4, 4, 4, 2)); // x 4..7, y 4..5: (3, 4) is just left of it
		assertTrue(r.intersects(3, 4, 1, 1));
		assertTrue(r.intersects(-3, -3, 6, 5)); // x -3..2, y -3..1: holds (2, 1), partly outside the image
		assertFalse(r.intersects(6, 0, 10, 10));
		assertTrue(r.intersects(5, 3, 100, 100));
		assertTrue(r.intersects(0, 0, 8, 6));
		assertFalse(r.intersects(0, 5, 8, 1));
	}

	/** Independent check of {@link Roi#intersects} on random regions against a pixel-by-pixel scan. */
	@Test
	void intersectsAgreesWithAScanOnRandomRectangles() {
		final Random random = new Random(7);
		final int w = 15, h = 11;
		for (int t = 0; t < 20; t++) {
			final boolean[] m = randomMask(random, w, h, 0.04);
			final Roi r = Roi.ofMask(w, h, m, "random");
			for (int q = 0; q < 50; q++) {
				final int x = random.nextInt(w + 6) - 3, y = random.nextInt(h + 6) - 3, rw = 1 + random.nextInt(6), rh = 1 + random.nextInt(6);
				boolean expected = false;
				for (int yy = y; yy < y + rh; yy++)
					for (int xx = x; xx < x + rw; xx++)
						if (xx >= 0 && yy >= 0 && xx < w && yy < h && m[yy * w + xx]) expected = true;
				assertEquals(expected, r.intersects(x, y, rw, rh), "rect " + x + "," + y + " " + rw + "x" + rh);
			}
		}
	}

	@Test
	void unionHoldsThePixelsOfEither() {
		final Roi a = Rois.rectangle(6, 5, 0, 0, 3, 2); // 6 px
		final Roi b = Rois.rectangle(6, 5, 2, 1, 3, 3); // 9 px, overlap (2, 1): 1 px
		final Roi u = a.union(b);
		assertEquals(6 + 9 - 1, u.area());
		assertArrayEquals(grid(
			"###...",
			"#####.",
			"..###.",
			"..###.",
			"......"), u.mask());
		assertEquals(u, b.union(a));
		assertEquals(a, a.union(a));
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.union(Roi.all(5, 6)));
		assertTrue(e.getMessage().contains("5x6") && e.getMessage().contains("6x5"), e.getMessage());
	}

	@Test
	void maskIsACopyAndEqualityFollowsThePixels() {
		final boolean[] m = grid("#..", ".#.");
		final Roi r = Roi.ofMask(3, 2, m, "m");
		m[2] = true; // the region copied the mask
		assertFalse(r.contains(2, 0));
		final boolean[] copy = r.mask();
		copy[2] = true;
		assertFalse(r.contains(2, 0));
		assertEquals(r, roi("#..", ".#."));
		assertEquals(r.hashCode(), roi("#..", ".#.").hashCode());
		assertNotEquals(r, roi("#..", "..#"));
		assertNotEquals(r, roi("#.", ".#", ".."));
	}

	@Test
	void ofMaskRefusesWrongSizesAndEmptyMasks() {
		assertThrows(IllegalArgumentException.class, () -> Roi.ofMask(3, 3, new boolean[8], "m"));
		assertThrows(IllegalArgumentException.class, () -> Roi.ofMask(0, 3, new boolean[0], "m"));
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Roi.ofMask(4, 2, new boolean[8], "liver.tif"));
		assertTrue(e.getMessage().contains("empty"), e.getMessage());
		assertTrue(e.getMessage().contains("liver.tif"), e.getMessage());
	}

	@Test
	void toImgIs255InsideAnd0Outside() {
		final Roi r = roi("#..#", ".##.", "....");
		final ArrayImg<UnsignedByteType, ByteArray> img = r.toImg();
		assertArrayEquals(new long[] { 4, 3 }, img.dimensionsAsLongArray());
		final Cursor<UnsignedByteType> c = img.localizingCursor();
		int n255 = 0;
		while (c.hasNext()) {
			final int v = c.next().get();
			final boolean in = r.contains(c.getIntPosition(0), c.getIntPosition(1));
			assertEquals(in ? 255 : 0, v, "at " + c.getIntPosition(0) + "," + c.getIntPosition(1));
			if (v == 255) n255++;
		}
		assertEquals(4, n255);
	}

	@Test
	void rectangleCoversPixelsAndClipsAtTheImageEdges() {
		assertArrayEquals(grid(
			"........",
			"..###...",
			"..###...",
			"........",
			"........",
			"........"), Rois.rectangle(8, 6, 2, 1, 3, 2).mask());
		// sticks out at the top left: x 0..1, y 0..1 remain
		assertArrayEquals(grid(
			"##......",
			"##......",
			"........",
			"........",
			"........",
			"........"), Rois.rectangle(8, 6, -2, -1, 4, 3).mask());
		// sticks out at the bottom right: x 6..7, y 4..5 remain
		assertArrayEquals(grid(
			"........",
			"........",
			"........",
			"........",
			"......##",
			"......##"), Rois.rectangle(8, 6, 6, 4, 5, 5).mask());
		assertEquals(Roi.all(8, 6), Rois.rectangle(8, 6, -10, -10, 100, 100));
	}

	@Test
	void rectangleFullyOutsideOrWithoutSizeIsRefused() {
		for (final int[] r : new int[][] { { 8, 0, 2, 2 }, { -5, 0, 5, 2 }, { 0, 6, 3, 3 }, { 0, -3, 3, 3 }, { 100, 100, 1, 1 } }) {
			final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rois.rectangle(8, 6, r[0], r[1], r[2], r[3]));
			assertTrue(e.getMessage().contains("outside"), e.getMessage());
		}
		assertThrows(IllegalArgumentException.class, () -> Rois.rectangle(8, 6, 1, 1, 0, 3));
		assertThrows(IllegalArgumentException.class, () -> Rois.rectangle(8, 6, 1, 1, 3, -1));
	}

	@Test
	void hugeRectanglesAreClippedNotOverflowed() {
		// [5, 5 + MAX) covers x 5..7 of an 8-wide image; x + w overflows an int
		assertArrayEquals(grid(
			"........",
			".....###",
			".....###",
			".....###",
			".....###",
			".....###"), Rois.rectangle(8, 6, 5, 1, Integer.MAX_VALUE, Integer.MAX_VALUE).mask());
	}

	@Test
	void hugeRectanglesIntersectWithoutOverflow() {
		// [2, 2 + MAX) x [1, 2) holds (3, 1); x + w - 1 overflows an int
		final Roi r = roi("....", "...#");
		assertTrue(r.intersects(2, 1, Integer.MAX_VALUE, 1));
		assertTrue(r.intersects(3, 0, 1, Integer.MAX_VALUE));
	}

	@Test
	void polygonFillsThePixelCentresInsideIt() {
		// triangle (0, 0), (6, 0), (0, 3): inside where x > 0, y > 0 and x + 2 y < 6.
		// pixel centre (x + .5, y + .5): x + .5 + 2 (y + .5) < 6 <=> x + 2 y < 4.5 (never equal: no centre on an edge)
		// y = 0: x <= 4; y = 1: x <= 2; y = 2: x = 0; y >= 3: none
		final Roi t = Rois.polygon(6, 6, new double[] { 0, 6, 0 }, new double[] { 0, 0, 3 });
		assertArrayEquals(grid(
			"#####.",
			"###...",
			"#.....",
			"......",
			"......",
			"......"), t.mask());
		assertEquals(9, t.area());
		// the same triangle given clockwise
		assertEquals(t, Rois.polygon(6, 6, new double[] { 0, 0, 6 }, new double[] { 0, 3, 0 }));

		// an axis-aligned square (1, 1)-(4, 3): centres x + .5 in (1, 4), y + .5 in (1, 3)
		assertEquals(Rois.rectangle(6, 6, 1, 1, 3, 2), Rois.polygon(6, 6, new double[] { 1, 4, 4, 1 }, new double[] { 1, 1, 3, 3 }));
	}

	@Test
	void polygonUsesTheEvenOddRule() {
		// a self-overlapping path (0,0) (4,0) (4,4) (2,4) (2,2) (6,2) (6,6) (0,6): the square 2..4 x 2..4 is wound twice,
		// so the even-odd rule leaves it out
		final Roi r = Rois.polygon(6, 6, new double[] { 0, 4, 4, 2, 2, 6, 6, 0 }, new double[] { 0, 0, 4, 4, 2, 2, 6, 6 });
		// by hand, for each centre (x + .5, y + .5), count the edges crossed by the ray to the right:
		// rows 0, 1 (cy in (0, 2)): edges x = 4 (y 0..4) and x = 0 (y 0..6) -> inside for x 0..3
		// rows 2, 3 (cy in (2, 4)): edges x = 0, x = 2 (y 2..4), x = 4, x = 6 (y 2..6) -> inside for x 0..1 and 4..5
		// rows 4, 5 (cy in (4, 6)): edges x = 0 and x = 6 -> inside everywhere
		assertArrayEquals(grid(
			"####..",
			"####..",
			"##..##",
			"##..##",
			"######",
			"######"), r.mask());
	}

	@Test
	void polygonRefusesTooFewVerticesAndPolygonsOffTheImage() {
		assertThrows(IllegalArgumentException.class, () -> Rois.polygon(6, 6, new double[] { 0, 6 }, new double[] { 0, 6 }));
		assertThrows(IllegalArgumentException.class, () -> Rois.polygon(6, 6, new double[] { 0, 6, 0 }, new double[] { 0, 6 }));
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> Rois.polygon(6, 6, new double[] { 10, 20, 10 }, new double[] { 10, 10, 20 }));
		assertTrue(e.getMessage().contains("roi polygon"), e.getMessage());
	}

	static ArrayImg<IntType, IntArray> labels() {
		return ArrayImgs.ints(new int[] {
			0, 0, 2, 2, 0,
			1, 0, 2, 0, 0,
			1, 1, 0, 0, 7,
			0, 0, 0, 2, 7 }, 5, 4);
	}

	@Test
	void fromMaskTakesNonZeroPixels() {
		final ArrayImg<UnsignedByteType, ByteArray> bytes = ArrayImgs.unsignedBytes(new byte[] {
			0, 1, 0,
			(byte) 255, 0, 0 }, 3, 2);
		assertArrayEquals(grid(".#.", "#.."), Rois.fromMask(bytes, "m").mask());
		final ArrayImg<FloatType, FloatArray> floats = ArrayImgs.floats(new float[] {
			-0.5f, 0, 0,
			0, 0, 1e-6f }, 3, 2);
		assertArrayEquals(grid("#..", "..#"), Rois.fromMask(floats, "m").mask());
		// an image whose interval does not start at 0
		assertArrayEquals(grid(".#.", "#.."), Rois.fromMask(Views.translate(bytes, 10, -4), "m").mask());
	}

	@Test
	void fromLabelTakesPixelsOfOneValue() {
		assertArrayEquals(grid(
			"..##.",
			"..#..",
			".....",
			"...#."), Rois.fromLabel(labels(), 2, "labels").mask());
		assertArrayEquals(grid(
			".....",
			"#....",
			"##...",
			"....."), Rois.fromLabel(labels(), 1, "labels").mask());
		assertEquals(4 * 5 - 4 - 3 - 2, Rois.fromLabel(labels(), 0, "labels").area());
		assertThrows(IllegalArgumentException.class, () -> Rois.fromLabel(labels(), Double.NaN, "labels"));
	}

	@Test
	void emptyRegionsAreRefusedNamingTheSource() {
		final IllegalArgumentException m = assertThrows(IllegalArgumentException.class,
			() -> Rois.fromMask(ArrayImgs.unsignedBytes(4, 3), "gt.tif"));
		assertTrue(m.getMessage().contains("empty"), m.getMessage());
		assertTrue(m.getMessage().contains("gt.tif"), m.getMessage());
		final IllegalArgumentException l = assertThrows(IllegalArgumentException.class, () -> Rois.fromLabel(labels(), 5, "labels.tif"));
		assertTrue(l.getMessage().contains("empty"), l.getMessage());
		assertTrue(l.getMessage().contains("labels.tif"), l.getMessage());
		assertTrue(l.getMessage().contains("label 5"), l.getMessage());
	}

	@Test
	void fromMaskRefusesImagesThatAreNot2D() {
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rois.fromMask(ArrayImgs.unsignedBytes(3, 3, 2), "stack"));
		assertTrue(e.getMessage().contains("stack"), e.getMessage());
	}

	@Test
	void sourcesGiveTheRegionForAnImageOfTheSameGrid() {
		final ArrayImg<FloatType, FloatArray> image = ArrayImgs.floats(5, 4);
		final RoiSource label = Rois.label(labels(), 7, "labels.tif");
		assertEquals(Rois.fromLabel(labels(), 7, "x"), label.regionFor(image));
		assertEquals("label 7 of labels.tif", label.describe());
		final ArrayImg<UnsignedByteType, ByteArray> maskImg = ArrayImgs.unsignedBytes(new byte[] {
			0, 0, 0, 0, 0,
			0, 1, 1, 0, 0,
			0, 0, 0, 0, 0,
			0, 0, 0, 0, 1 }, 5, 4);
		final RoiSource mask = Rois.mask(maskImg, "m.tif");
		assertEquals(3, mask.regionFor(image).area());
		assertTrue(mask.regionFor(image).contains(1, 1));
		assertTrue(mask.regionFor(image).contains(4, 3));
		assertEquals("mask m.tif", mask.describe());
		final Roi fixedRoi = Rois.rectangle(5, 4, 1, 1, 2, 2);
		final RoiSource fixed = Rois.fixed(fixedRoi, "selection");
		assertSame(fixedRoi, fixed.regionFor(image));
		assertEquals("selection", fixed.describe());
		// a 3-channel image (x, y, c) of the same grid is accepted
		assertEquals(fixedRoi, fixed.regionFor(ArrayImgs.floats(5, 4, 3)));
	}

	@Test
	void sourcesRefuseAGridThatDoesNotMatchTheImage() {
		final ArrayImg<FloatType, FloatArray> wider = ArrayImgs.floats(6, 4), taller = ArrayImgs.floats(5, 9);
		final RoiSource[] sources = {
			Rois.label(labels(), 7, "labels.tif"),
			Rois.mask(ArrayImgs.unsignedBytes(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 5, 4), "m.tif"),
			Rois.fixed(Rois.rectangle(5, 4, 1, 1, 2, 2), "selection") };
		final String[] names = { "labels.tif", "m.tif", "selection" };
		for (int i = 0; i < sources.length; i++) {
			final RoiSource s = sources[i];
			final IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> s.regionFor(wider));
			assertTrue(a.getMessage().contains(names[i]), a.getMessage());
			assertTrue(a.getMessage().contains("5x4"), a.getMessage());
			assertTrue(a.getMessage().contains("6x4"), a.getMessage());
			final IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> s.regionFor(taller));
			assertTrue(b.getMessage().contains(names[i]), b.getMessage());
			assertTrue(b.getMessage().contains("5x4"), b.getMessage());
			assertTrue(b.getMessage().contains("5x9"), b.getMessage());
		}
	}
}
