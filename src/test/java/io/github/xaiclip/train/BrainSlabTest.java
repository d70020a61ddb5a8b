package io.github.xaiclip.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.xaiclip.image.Volume;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

/** The derivation of the demo MRI, and the derived files committed in test-data. */
class BrainSlabTest {

	@Test
	void theModeIsTheMostFrequentValueWithTiesToTheSmaller() {
		final int[] counts = new int[8];
		assertEquals(77f, BrainSlab.mode(new float[] { 0, 77, 77, 0, 77, 78, 77, 0 }, counts));
		assertEquals(0f, BrainSlab.mode(new float[] { 77, 77, 77, 77, 0, 0, 0, 0 }, counts));
		assertEquals(71f, BrainSlab.mode(new float[] { 78, 78, 71, 71, 0, 72, 73, 74 }, counts));
		assertEquals(5f, BrainSlab.mode(new float[] { 5, 5, 5, 5, 5, 5, 5, 5 }, counts));
	}

	@Test
	void blocksOfTwoBecomeOneVoxelMeanForTheScanMajorityForTheLabels() {
		final int w = 5, h = 4, d = BrainSlab.FIRST_SLICE + 2 * BrainSlab.SLICES + 1;
		final ArrayImg<FloatType, FloatArray> t1 = Volume.newImage(w, h, d), aal = Volume.newImage(w, h, d);
		final float[] s = t1.update(null).getCurrentStorageArray(), l = aal.update(null).getCurrentStorageArray();
		for (int z = 0; z < d; z++)
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					s[x + w * (y + h * z)] = x + 10 * y + (z % 2);
					// block (0, 0, 0) of the slab: seven voxels of 77, one of 5 (not kept)
					if (z >= BrainSlab.FIRST_SLICE && z < BrainSlab.FIRST_SLICE + 2 && x < 2 && y < 2) l[x + w * (y + h * z)] = x + y + z % 2 < 3 ? 77 : 5;
					// block (1, 0, 0): seven voxels of 5 (not kept, so background), one of 78
					if (z >= BrainSlab.FIRST_SLICE && z < BrainSlab.FIRST_SLICE + 2 && x >= 2 && x < 4 && y < 2) l[x + w * (y + h * z)] = x + y + z % 2 < 5 ? 5 : 78;
				}
		final double[][] affine = { { -1, 0, 0, 90 }, { 0, -1, 0, 91 }, { 0, 0, 1, -71 }, { 0, 0, 0, 1 } };
		final BrainSlab.Derived out = BrainSlab.derive(new Volume(t1, new double[] { 1, 1, 1 }, "mm", affine, null, Volume.DataType.UINT8),
			new Volume(aal, new double[] { 1, 1, 1 }, "mm", affine, null, Volume.DataType.UINT8), new int[] { 0, 77, 78 });
		assertEquals(2, out.scan.width(), "an odd last column is dropped");
		assertEquals(2, out.scan.height());
		assertEquals(BrainSlab.SLICES, out.scan.depth());
		assertArrayEquals(new double[] { 2, 2, 2 }, out.scan.voxelSize());
		assertEquals(Volume.DataType.UINT8, out.scan.dataType());
		// mean of x + 10 y + (z % 2) over a block: 2x + 0.5 + 10 (2y + 0.5) + 0.5, rounded half up
		assertEquals(Math.round(0.5 + 5 + 0.5), out.scan.get(0, 0, 0));
		assertEquals(Math.round(2.5 + 25 + 0.5), out.scan.get(1, 1, 4));
		assertEquals(77, out.labels.get(0, 0, 0));
		assertEquals(0, out.labels.get(1, 0, 0));
		assertEquals(0, out.labels.get(0, 0, 1));
		// the new voxel (0, 0, 0) sits at the centre of its block: voxel (0.5, 0.5, FIRST_SLICE + 0.5) of the source
		final double[][] a = out.scan.affine();
		assertArrayEquals(new double[] { -2, 0, 0, 89.5 }, a[0], 1e-12);
		assertArrayEquals(new double[] { 0, -2, 0, 90.5 }, a[1], 1e-12);
		assertArrayEquals(new double[] { 0, 0, 2, -71 + BrainSlab.FIRST_SLICE + 0.5 }, a[2], 1e-12);
	}

	@Test
	void theCommittedSlabHasTheKeptRegionsOnTheirSides() throws Exception {
		final Volume[] v = DemoDomain.MRI.read(Paths.get("test-data"));
		final Volume scan = v[0], labels = v[1];
		assertEquals("90 x 108 x " + BrainSlab.SLICES, scan.width() + " x " + scan.height() + " x " + scan.depth());
		assertArrayEquals(new double[] { 2, 2, 2 }, scan.voxelSize());
		assertArrayEquals(scan.affine(), labels.affine());
		// display convention: the patient's left is on the image's right, so each left structure lies right of its partner
		final int k = DemoDomain.MRI.classes.size();
		final double[] sumX = new double[k];
		final long[] count = new long[k];
		for (int z = 0; z < labels.depth(); z++)
			for (int y = 0; y < labels.height(); y++)
				for (int x = 0; x < labels.width(); x++) {
					final int c = DemoDomain.MRI.classOf(labels.get(x, y, z));
					final float value = labels.get(x, y, z);
					assertTrue(value == 0 || c > 0, "only the kept regions remain, found " + value);
					sumX[c] += x;
					count[c]++;
				}
		for (int c = 1; c < k; c += 2) {
			final String left = DemoDomain.MRI.classes.get(c), right = DemoDomain.MRI.classes.get(c + 1);
			assertTrue(left.endsWith("_left") && right.equals(left.replace("_left", "_right")), left + " / " + right);
			assertTrue(count[c] > 100 && count[c + 1] > 100, left + ": " + count[c] + " voxels, " + right + ": " + count[c + 1]);
			assertTrue(sumX[c] / count[c] > labels.width() / 2.0 && sumX[c + 1] / count[c + 1] < labels.width() / 2.0, left + " and " + right);
		}
		final Path tsv = Paths.get("test-data", DemoDomain.MRI.folder, "labels.tsv");
		final List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
		assertEquals(k - 1, lines.size());
		for (final String line : lines) {
			final String[] f = line.split("\t");
			final String name = DemoDomain.MRI.classes.get(DemoDomain.MRI.classOf(Integer.parseInt(f[0])));
			// AAL's Thalamus_L is the class thalamus_left
			assertEquals(name, f[1].toLowerCase(java.util.Locale.ROOT).replace("_l", "_left").replace("_r", "_right"), line);
		}
	}
}
