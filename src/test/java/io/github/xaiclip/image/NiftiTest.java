package io.github.xaiclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

import io.github.xaiclip.image.Volume.DataType;
import net.imglib2.img.array.ArrayImgs;

class NiftiTest {

	@TempDir
	Path dir;

	// ------------------------------------------------------------------------------------------ the shared scans

	/** CI has ../shared beside the checkout; Maven runs the tests in the project root. */
	static Path shared(final String folder, final String file) {
		final Path p = Paths.get("..", "shared", "data", folder, file);
		assumeTrue(Files.isRegularFile(p), "shared test data not found at " + p.toAbsolutePath() + "; skipping the tests on real scans");
		return p;
	}

	/*
	 * Reference values below come from Debian's nibabel 5.0.0 (apt-get install python3-nibabel), reoriented to the
	 * display convention (LPS array axes) by nibabel itself, not by the code under test:
	 *
	 * /usr/bin/python3 -c "import nibabel as nib, numpy as np; from nibabel.orientations import *; i = nib.load(F);
	 *   t = ornt_transform(io_orientation(i.affine), axcodes2ornt('LPS')); d = apply_orientation(np.asanyarray(i.dataobj), t);
	 *   print(d.shape, i.header.get_zooms(), i.affine.dot(inv_ornt_aff(t, i.shape)), d[x, y, z])"
	 *
	 * (labels: np.unique(d), np.argwhere(d == L).mean(0); sums: d.astype(np.float64).sum()).
	 */

	/** {x, y, z, value} in the display convention, from nibabel (see above). */
	static final int[][] CT_SPOTS = { { 0, 0, 0, -989 }, { 121, 0, 0, -1001 }, { 0, 100, 0, -1023 }, { 0, 0, 29, -997 }, { 61, 50, 15, -17 },
		{ 40, 50, 15, 60 }, { 81, 50, 10, -108 }, { 92, 57, 18, -70 }, { 89, 54, 19, 55 }, { 84, 33, 6, 17 }, { 45, 37, 21, 49 }, { 90, 20, 14, -961 },
		{ 83, 27, 20, -1013 } };

	static final int[][] CH2_SPOTS = { { 0, 0, 0, 0 }, { 90, 108, 90, 33 }, { 60, 108, 90, 109 }, { 120, 108, 60, 66 }, { 48, 103, 124, 112 },
		{ 68, 87, 66, 102 }, { 113, 76, 142, 58 }, { 84, 105, 90, 53 }, { 98, 114, 91, 46 }, { 143, 147, 121, 50 } };

	static final int[][] AAL_SPOTS = { { 90, 108, 90, 0 }, { 60, 108, 90, 30 }, { 120, 108, 60, 37 }, { 90, 40, 80, 31 } };

	static void assertSpots(final Volume v, final int[][] spots) {
		for (final int[] s : spots)
			assertEquals(s[3], v.get(s[0], s[1], s[2]), "voxel (" + s[0] + ", " + s[1] + ", " + s[2] + ")");
	}

	static void assertAffine(final double[][] expected, final double[][] actual, final double tolerance) {
		for (int r = 0; r < expected.length; r++)
			assertArrayEquals(expected[r], actual[r], tolerance, "affine row " + r);
	}

	static double sum(final Volume v) {
		double s = 0;
		for (final float f : v.values())
			s += f;
		return s;
	}

	@Test
	void abdominalCtHasNibabelsSizeSpacingAffineAndValues() {
		final Volume ct = Nifti.read(shared("totalseg-abdomen-ct", "example_ct_sm.nii.gz"));
		assertEquals(122, ct.width());
		assertEquals(101, ct.height());
		assertEquals(30, ct.depth());
		assertArrayEquals(new double[] { 3, 3, 3 }, ct.voxelSize(), 1e-6);
		assertEquals("mm", ct.unit(), "xyzt_units 0 means unknown: mm assumed");
		assertEquals(DataType.INT16, ct.dataType());
		assertSpots(ct, CT_SPOTS);
		assertEquals(-130894872.0, sum(ct), 0.5);
		// nibabel: i.affine (the sform) and i.affine.dot(inv_ornt_aff(t, shape)) for the display array
		assertAffine(new double[][] { { 3, 0, 0, -177.95632935 }, { 0, 3, 0, 11.31900024 }, { 0, 0, 3, 94.30175781 }, { 0, 0, 0, 1 } }, ct.sourceAffine(),
			1e-5);
		assertAffine(new double[][] { { -3, 0, 0, 185.04367065 }, { 0, -3, 0, 311.31900024 }, { 0, 0, 3, 94.30175781 }, { 0, 0, 0, 1 } }, ct.affine(), 1e-4);
	}

	@Test
	void abdominalLabelsAreExactAndLieWhereAnatomySaysInTheDisplayConvention() {
		final Volume seg = Nifti.read(shared("totalseg-abdomen-ct", "example_seg.nii.gz"));
		final Volume ct = Nifti.read(shared("totalseg-abdomen-ct", "example_ct_sm.nii.gz"));
		assertEquals(DataType.UINT8, seg.dataType());
		assertEquals(ct.width(), seg.width());
		assertEquals(ct.height(), seg.height());
		assertEquals(ct.depth(), seg.depth());
		assertAffine(ct.affine(), seg.affine(), 0);
		assertEquals(5, seg.get(40, 50, 15), "liver, per nibabel");

		// nibabel: np.unique(d) of the label map
		final int[] nibabelLabels = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 18, 19, 20, 30, 31, 32, 33, 52, 63, 64, 79, 86, 87, 88, 89, 98, 99, 100,
			101, 102, 103, 110, 111, 112, 113, 114, 115, 117 };
		final TreeSet<Integer> labels = new TreeSet<>();
		for (final float f : seg.values()) {
			assertEquals(Math.rint(f), f, 0, "labels stay integers");
			labels.add((int) f);
		}
		assertArrayEquals(nibabelLabels, labels.stream().mapToInt(Integer::intValue).toArray());

		// label: {voxels, centroid x, y, z} from nibabel (np.argwhere(d == L): len and mean(0))
		final double[][] nibabelCentroids = { { 1, 9452, 99.27, 62.92, 18.15 }, { 2, 3947, 40.2, 62.01, 7.97 }, { 3, 3676, 87.07, 63.02, 9.32 },
			{ 5, 38634, 40.23, 42.1, 18.61 }, { 6, 4675, 75.27, 33.92, 16.45 }, { 7, 644, 69.95, 41.22, 10.81 }, { 30, 1868, 63.38, 61.26, 3.94 },
			{ 31, 2139, 63.53, 66.39, 14.13 }, { 32, 1783, 62.97, 69.32, 24.61 }, { 33, 70, 62.01, 80.06, 28.37 } };
		for (final double[] c : nibabelCentroids) {
			final double[] mine = centroid(seg, (int) c[0], (int) c[0]);
			assertEquals(c[1], mine[3], "voxels of label " + (int) c[0]);
			for (int a = 0; a < 3; a++)
				assertEquals(c[2 + a], mine[a], 0.006, "centroid axis " + a + " of label " + (int) c[0]);
		}

		// anatomy, independent of any reference numbers (labels.tsv: 5 liver, 1 spleen, 2/3 kidney right/left,
		// 6 stomach, 25..50 sacrum and vertebrae, 30 L2, 31 L1, 32 T12, 33 T11)
		final double midX = (seg.width() - 1) / 2.0, midY = (seg.height() - 1) / 2.0;
		final double[] liver = centroid(seg, 5, 5), spleen = centroid(seg, 1, 1), kidneyR = centroid(seg, 2, 2), kidneyL = centroid(seg, 3, 3);
		final double[] stomach = centroid(seg, 6, 6), vertebrae = centroid(seg, 25, 50);
		// (the liver's left lobe crosses the midline: nibabel counts 86% of it on the image's left half)
		assertTrue(fractionLeftOf(seg, 5, midX) > 0.75, "the liver (patient's right) lies mostly on the image's left half");
		assertTrue(fractionLeftOf(seg, 1, midX) < 0.05, "the spleen (patient's left) lies on the image's right half");
		assertTrue(fractionLeftOf(seg, 2, midX) > 0.95 && fractionLeftOf(seg, 3, midX) < 0.05, "kidneys on their sides");
		assertTrue(kidneyR[0] < midX && kidneyL[0] > midX, "right kidney on the image's left, left kidney on its right");
		assertTrue(liver[0] < spleen[0]);
		assertTrue(vertebrae[1] > midY && vertebrae[1] > stomach[1] + 20,
			"vertebrae lie posterior (bottom of the slice), well behind the stomach: " + vertebrae[1] + " vs " + stomach[1]);
		assertTrue(Math.abs(vertebrae[0] - midX) < 10, "the spine is near the midline");
		final double l2 = centroid(seg, 30, 30)[2], l1 = centroid(seg, 31, 31)[2], t12 = centroid(seg, 32, 32)[2], t11 = centroid(seg, 33, 33)[2];
		assertTrue(l2 < l1 && l1 < t12 && t12 < t11, "slices run inferior to superior: L2 " + l2 + " < L1 " + l1 + " < T12 " + t12 + " < T11 " + t11);
		assertTrue(kidneyR[2] < liver[2], "the right kidney sits below the liver's centre");
		// and the affine agrees: z grows with world z (superior), x with world -x (the patient's left)
		final double[][] a = seg.affine();
		assertTrue(a[2][2] > 0 && a[0][0] < 0 && a[1][1] < 0);
	}

	/** {x, y, z, count} of the voxels with labels in [lo, hi]. */
	static double[] centroid(final Volume v, final int lo, final int hi) {
		double sx = 0, sy = 0, sz = 0;
		int n = 0;
		for (int z = 0; z < v.depth(); z++)
			for (int y = 0; y < v.height(); y++)
				for (int x = 0; x < v.width(); x++) {
					final float f = v.get(x, y, z);
					if (f >= lo && f <= hi) {
						sx += x;
						sy += y;
						sz += z;
						n++;
					}
				}
		assertTrue(n > 0, "labels " + lo + ".." + hi + " are present");
		return new double[] { sx / n, sy / n, sz / n, n };
	}

	static double fractionLeftOf(final Volume v, final int label, final double x0) {
		int in = 0, n = 0;
		for (int z = 0; z < v.depth(); z++)
			for (int y = 0; y < v.height(); y++)
				for (int x = 0; x < v.width(); x++)
					if (v.get(x, y, z) == label) {
						n++;
						if (x < x0) in++;
					}
		return in / (double) n;
	}

	@Test
	void brainMriUsesTheSformAndHasNibabelsValues() {
		final Volume ch2 = Nifti.read(shared("mricron-ch2-aal", "ch2.nii.gz"));
		assertEquals(181, ch2.width());
		assertEquals(217, ch2.height());
		assertEquals(181, ch2.depth());
		assertArrayEquals(new double[] { 1, 1, 1 }, ch2.voxelSize(), 0);
		assertEquals(DataType.UINT8, ch2.dataType());
		assertSpots(ch2, CH2_SPOTS);
		assertEquals(317151210.0, sum(ch2), 0.5);
		// sform_code 4 (MNI): the sform wins over the header's (unused, code 0) qform quaternion b = 1
		assertAffine(new double[][] { { -1, 0, 0, 90 }, { 0, -1, 0, 91 }, { 0, 0, 1, -71 }, { 0, 0, 0, 1 } }, ch2.affine(), 1e-6);
	}

	@Test
	void brainAtlasPutsLeftHemisphereRegionsOnTheImagesRightHalf() {
		final Volume aal = Nifti.read(shared("mricron-ch2-aal", "aal.nii.gz"));
		final Volume ch2 = Nifti.read(shared("mricron-ch2-aal", "ch2.nii.gz"));
		assertAffine(ch2.affine(), aal.affine(), 0);
		assertSpots(aal, AAL_SPOTS);
		// aal.nii.txt: 37 Hippocampus_L, 38 Hippocampus_R, 71 Caudate_L, 77 Thalamus_L, 29 Insula_L, 30 Insula_R
		final double mid = (aal.width() - 1) / 2.0;
		for (final int left : new int[] { 37, 71, 77, 29 })
			assertTrue(fractionLeftOf(aal, left, mid) < 0.01, "region " + left + " (_L) lies on the image's right half");
		for (final int right : new int[] { 38, 72, 78, 30 })
			assertTrue(fractionLeftOf(aal, right, mid) > 0.99, "region " + right + " (_R) lies on the image's left half");
		final double[] hippocampus = centroid(aal, 37, 37), caudate = centroid(aal, 71, 71), thalamus = centroid(aal, 77, 77);
		assertTrue(caudate[1] < hippocampus[1] - 10, "the caudate lies anterior to (above) the hippocampus");
		assertTrue(thalamus[2] > hippocampus[2] + 5, "the thalamus lies superior to the hippocampus");
		// 3 Frontal_Sup_L vs 49 Occipital_Sup_L; 91..108 cerebellum vs 1..2 precentral
		assertTrue(centroid(aal, 3, 3)[1] < centroid(aal, 49, 49)[1] - 50, "frontal lobe at the top of the axial slice");
		assertTrue(centroid(aal, 91, 108)[2] < centroid(aal, 1, 2)[2] - 30, "cerebellum in low slices");
		// nibabel: np.argwhere(d == 37).mean(0) = [116.03 111.74 60.87]; len = 7469
		assertArrayEquals(new double[] { 116.03, 111.74, 60.87, 7469 }, hippocampus, 0.006);
		final TreeSet<Integer> labels = new TreeSet<>();
		for (final float f : aal.values())
			labels.add((int) f);
		assertEquals(117, labels.size(), "0 and the 116 regions (nibabel: len(np.unique(d)))");
	}

	// ------------------------------------------------------------------------------------ hand-made headers

	/** A NIfTI-1 file built field by field, independently of the writer under test. */
	static final class Hdr {
		ByteOrder order = ByteOrder.LITTLE_ENDIAN;
		int sizeofHdr = 348;
		String magic = "n+1";
		int[] dim = { 3, 4, 3, 2, 1, 1, 1, 1 };
		int datatype = 4;
		float[] pixdim = { 1, 1, 2, 3, 0, 0, 0, 0 };
		float voxOffset = 352, slope = 0, inter = 0;
		int units = 2;
		int qformCode = 0, sformCode = 0;
		float qb, qc, qd, qx, qy, qz;
		float[][] srow = { { 0, 0, 0, 0 }, { 0, 0, 0, 0 }, { 0, 0, 0, 0 } };

		Hdr sform(final double[][] a) {
			sformCode = 1;
			for (int r = 0; r < 3; r++)
				for (int c = 0; c < 4; c++)
					srow[r][c] = (float) a[r][c];
			return this;
		}

		byte[] header() {
			final ByteBuffer b = ByteBuffer.allocate(348).order(order);
			b.putInt(0, sizeofHdr);
			for (int i = 0; i < 8; i++)
				b.putShort(40 + 2 * i, (short) dim[i]);
			b.putShort(70, (short) datatype);
			for (int i = 0; i < 8; i++)
				b.putFloat(76 + 4 * i, pixdim[i]);
			b.putFloat(108, voxOffset);
			b.putFloat(112, slope);
			b.putFloat(116, inter);
			b.put(123, (byte) units);
			b.putShort(252, (short) qformCode);
			b.putShort(254, (short) sformCode);
			b.putFloat(256, qb).putFloat(260, qc).putFloat(264, qd).putFloat(268, qx).putFloat(272, qy).putFloat(276, qz);
			for (int r = 0; r < 3; r++)
				for (int c = 0; c < 4; c++)
					b.putFloat(280 + 16 * r + 4 * c, srow[r][c]);
			final byte[] m = magic.getBytes(StandardCharsets.ISO_8859_1);
			for (int i = 0; i < m.length && i < 4; i++)
				b.put(344 + i, m[i]);
			return b.array();
		}

		/** Header, then 0xAB filler up to vox_offset (or 352), then the data. */
		byte[] file(final byte[] data) {
			final ByteArrayOutputStream out = new ByteArrayOutputStream();
			out.writeBytes(header());
			final int start = Math.max(352, (int) voxOffset);
			for (int i = 348; i < start; i++)
				out.write(i < 352 ? 0 : 0xAB);
			out.writeBytes(data);
			return out.toByteArray();
		}

		/** The values in file order, in this header's datatype and byte order. */
		byte[] data(final double... values) {
			final int size = datatype == 2 || datatype == 256 ? 1 : datatype == 4 || datatype == 512 ? 2 : datatype == 64 ? 8 : 4;
			final ByteBuffer b = ByteBuffer.allocate(values.length * size).order(order);
			for (final double v : values)
				switch (datatype) {
					case 2: case 256: b.put((byte) (long) v); break;
					case 4: case 512: b.putShort((short) (long) v); break;
					case 8: case 768: b.putInt((int) (long) v); break;
					case 16: b.putFloat((float) v); break;
					case 64: b.putDouble(v); break;
					default: b.putInt((int) v);
				}
			return b.array();
		}

		int voxels() {
			int n = 1;
			for (int i = 1; i <= dim[0]; i++)
				n *= dim[i];
			return n;
		}

		/** Values {@code i + 10 j + 100 k} in file order, so that every voxel tells where it came from. */
		byte[] indexData() {
			final double[] v = new double[voxels()];
			final int ni = dim[1], nj = dim[2];
			for (int p = 0; p < v.length; p++)
				v[p] = p % ni + 10 * (p / ni % nj) + 100 * (p / ni / nj);
			return data(v);
		}
	}

	Path put(final String name, final byte[] bytes, final boolean gzip) {
		try {
			final Path p = dir.resolve(name);
			Files.write(p, gzip ? gzip(bytes) : bytes);
			return p;
		}
		catch (final IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	static byte[] gzip(final byte[] bytes) throws IOException {
		final ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
			gz.write(bytes);
		}
		return out.toByteArray();
	}

	/**
	 * Every voxel holds {@code i + 10 j + 100 k} of the file voxel it came from: its world position under the
	 * file's affine (written here by hand) must move to the patient's left along x, posterior along y and superior
	 * along z, and the volume's affine must put it at the same world position.
	 */
	static void assertDisplayConvention(final Volume v, final double[][] fileAffine) {
		for (int z = 0; z < v.depth(); z++)
			for (int y = 0; y < v.height(); y++)
				for (int x = 0; x < v.width(); x++) {
					final double[] w = world(fileAffine, v.get(x, y, z));
					final double[][] a = v.affine();
					for (int r = 0; r < 3; r++)
						assertEquals(w[r], a[r][0] * x + a[r][1] * y + a[r][2] * z + a[r][3], 1e-4, "world " + r + " of voxel " + x + "," + y + "," + z);
					if (x + 1 < v.width()) assertDominant(w, world(fileAffine, v.get(x + 1, y, z)), 0, -1);
					if (y + 1 < v.height()) assertDominant(w, world(fileAffine, v.get(x, y + 1, z)), 1, -1);
					if (z + 1 < v.depth()) assertDominant(w, world(fileAffine, v.get(x, y, z + 1)), 2, 1);
				}
	}

	static double[] world(final double[][] a, final float code) {
		final int c = (int) code, i = c % 10, j = c / 10 % 10, k = c / 100;
		final double[] w = new double[3];
		for (int r = 0; r < 3; r++)
			w[r] = a[r][0] * i + a[r][1] * j + a[r][2] * k + a[r][3];
		return w;
	}

	static void assertDominant(final double[] from, final double[] to, final int axis, final int sign) {
		final double[] d = { to[0] - from[0], to[1] - from[1], to[2] - from[2] };
		for (int r = 0; r < 3; r++)
			if (r != axis) assertTrue(Math.abs(d[axis]) > Math.abs(d[r]), "step along display axis " + axis + " moves mostly along world " + axis);
		assertEquals(sign, Math.signum(d[axis]), "direction along display axis " + axis);
	}

	static final double[][] RAS_123 = { { 1, 0, 0, 0 }, { 0, 2, 0, 0 }, { 0, 0, 3, 0 } };

	@Test
	void bigEndianRasFileIsFlippedInXAndY() {
		final Hdr h = new Hdr().sform(RAS_123);
		h.order = ByteOrder.BIG_ENDIAN;
		final Volume v = Nifti.read(put("be.nii", h.file(h.indexData()), false));
		assertEquals(4, v.width());
		assertEquals(3, v.height());
		assertEquals(2, v.depth());
		assertArrayEquals(new double[] { 1, 2, 3 }, v.voxelSize(), 0);
		assertEquals(DataType.INT16, v.dataType());
		// RAS file: i grows to the patient's right, so display x = 3 - i; j anterior, so y = 2 - j; k superior
		assertEquals(3 + 10 * 2, v.get(0, 0, 0));
		assertEquals(0 + 10 * 0 + 100, v.get(3, 2, 1));
		assertEquals(1 + 10 * 1 + 100, v.get(2, 1, 1));
		assertDisplayConvention(v, RAS_123);
	}

	@Test
	void gzipIsRecognisedByItsMagicBytesWhateverTheName() {
		final Hdr h = new Hdr().sform(RAS_123);
		final Volume plain = Nifti.read(put("a.nii", h.file(h.indexData()), false));
		final Volume gz = Nifti.read(put("a.dat", h.file(h.indexData()), true));
		final Volume gzNamedPlain = Nifti.read(put("b.nii", h.file(h.indexData()), true));
		assertArrayEquals(plain.values(), gz.values());
		assertArrayEquals(plain.values(), gzNamedPlain.values());
		final Volume plainNamedGz = Nifti.read(put("c.nii.gz", h.file(h.indexData()), false));
		assertArrayEquals(plain.values(), plainNamedGz.values());
	}

	@Test
	void qformRotationPermutesTheAxes() {
		// quaternion (a, b, c, d) = (cos 45, 0, 0, sin 45): 90 degrees about z, R = [[0, -1, 0], [1, 0, 0], [0, 0, 1]]:
		// i points anterior (+y), j to the patient's left (-x), k superior
		final Hdr h = new Hdr();
		h.qformCode = 1;
		h.qd = (float) Math.sqrt(0.5);
		h.qx = 10;
		h.qy = 20;
		h.qz = 30;
		final double[][] affine = { { 0, -2, 0, 10 }, { 1, 0, 0, 20 }, { 0, 0, 3, 30 } };
		final Volume v = Nifti.read(put("q.nii", h.file(h.indexData()), false));
		// display x (left) = j; display y (posterior) = flipped i; z = k
		assertEquals(3, v.width());
		assertEquals(4, v.height());
		assertEquals(2, v.depth());
		assertArrayEquals(new double[] { 2, 1, 3 }, v.voxelSize(), 0, "pixdim permuted with the axes");
		assertEquals(3 + 10 * 0, v.get(0, 0, 0));
		assertEquals(0 + 10 * 2 + 100, v.get(2, 3, 1));
		assertDisplayConvention(v, affine);
		assertAffine(new double[][] { affine[0], affine[1], affine[2], { 0, 0, 0, 1 } }, v.sourceAffine(), 1e-6);
	}

	@Test
	void qfacMinusOneFlipsTheSliceAxis() {
		final Hdr h = new Hdr();
		h.qformCode = 1;
		h.pixdim[0] = -1;
		final Volume v = Nifti.read(put("qfac.nii", h.file(h.indexData()), false));
		// identity rotation with qfac -1: i right, j anterior, k inferior
		assertDisplayConvention(v, new double[][] { { 1, 0, 0, 0 }, { 0, 2, 0, 0 }, { 0, 0, -3, 0 } });
		assertEquals(3 + 10 * 2 + 100, v.get(0, 0, 0), "slice 0 is the file's last (most inferior = k 1)");
	}

	@Test
	void sformWinsOverQformAndNoOrientationMeansRas() {
		final Hdr both = new Hdr();
		both.qformCode = 1;
		both.qd = (float) Math.sqrt(0.5);
		final double[][] las = { { -1, 0, 0, 5 }, { 0, 2, 0, 6 }, { 0, 0, 3, 7 } };
		both.sform(las);
		final Volume v = Nifti.read(put("both.nii", both.file(both.indexData()), false));
		assertDisplayConvention(v, las);
		assertEquals(0 + 10 * 2, v.get(0, 0, 0), "LAS: x keeps i, y flips j");

		final Hdr none = new Hdr();
		final Volume n = Nifti.read(put("none.nii", none.file(none.indexData()), false));
		assertDisplayConvention(n, RAS_123);
		assertAffine(new double[][] { { 1, 0, 0, 0 }, { 0, 2, 0, 0 }, { 0, 0, 3, 0 }, { 0, 0, 0, 1 } }, n.sourceAffine(), 0);
	}

	@Test
	void obliqueSformIsPermutedNotResampled() {
		// 30 degrees about z, then the j axis pointing mostly inferior: axes stay oblique, the array is only permuted
		final double c = Math.cos(Math.toRadians(30)), s = Math.sin(Math.toRadians(30));
		final double[][] oblique = { { c, 0, -3 * s, 1 }, { s, 0, 3 * c, 2 }, { 0, -2, 0, 3 } };
		final Hdr h = new Hdr().sform(oblique);
		final Volume v = Nifti.read(put("oblique.nii", h.file(h.indexData()), false));
		assertEquals(4 * 3 * 2, v.values().length);
		assertArrayEquals(new double[] { 1, 3, 2 }, v.voxelSize(), 0);
		assertDisplayConvention(v, oblique);
	}

	@Test
	void scalingIsAppliedOnlyWhenMeaningful() {
		final Hdr h = new Hdr();
		h.dim = new int[] { 3, 3, 1, 1, 1, 1, 1, 1 };
		h.slope = 2;
		h.inter = -1024;
		Volume v = Nifti.read(put("s.nii", h.file(h.data(0, 1, 500)), false));
		assertEquals(DataType.FLOAT32, v.dataType());
		// no orientation: RAS, so x = 2 - i
		assertArrayEquals(new float[] { -24, -1022, -1024 }, v.values());
		h.slope = 0.5f;
		h.inter = 0;
		v = Nifti.read(put("s.nii", h.file(h.data(0, 1, 3)), false));
		assertArrayEquals(new float[] { 1.5f, 0.5f, 0 }, v.values());
		for (final float[] none : new float[][] { { 0, 7 }, { Float.NaN, 0 }, { 1, 0 }, { Float.NaN, Float.NaN } }) {
			h.slope = none[0];
			h.inter = none[1];
			v = Nifti.read(put("s.nii", h.file(h.data(0, 1, 3)), false));
			assertArrayEquals(new float[] { 3, 1, 0 }, v.values(), "slope " + none[0] + ", inter " + none[1]);
			assertEquals(DataType.INT16, v.dataType());
		}
	}

	@Test
	void everyScalarTypeIsReadExactlyInBothByteOrders() {
		final Object[][] cases = { { 2, DataType.UINT8, new double[] { 0, 7, 255 } }, { 256, DataType.INT8, new double[] { -128, 5, 127 } },
			{ 4, DataType.INT16, new double[] { -32768, -1024, 32767 } }, { 512, DataType.UINT16, new double[] { 0, 40000, 65535 } },
			{ 8, DataType.INT32, new double[] { -16777216, 70000, 16777216 } }, { 768, DataType.UINT32, new double[] { 0, 16777216, 4294967040.0 } },
			{ 16, DataType.FLOAT32, new double[] { -1.5, 3.25e-7, 1e30 } }, { 64, DataType.FLOAT32, new double[] { -2.5, 0.125, 1e10 } } };
		for (final ByteOrder order : new ByteOrder[] { ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN })
			for (final Object[] c : cases) {
				final Hdr h = new Hdr();
				h.order = order;
				h.datatype = (Integer) c[0];
				h.dim = new int[] { 3, 3, 1, 1, 1, 1, 1, 1 };
				h.sform(new double[][] { { -1, 0, 0, 0 }, { 0, -1, 0, 0 }, { 0, 0, 1, 0 } }); // already LPS: no flips
				final double[] values = (double[]) c[2];
				final Volume v = Nifti.read(put("t.nii", h.file(h.data(values)), order == ByteOrder.BIG_ENDIAN));
				assertEquals(c[1], v.dataType(), "datatype " + c[0]);
				for (int i = 0; i < 3; i++)
					assertEquals((float) values[i], v.get(i, 0, 0), "datatype " + c[0] + " " + order + " value " + i);
			}
	}

	@Test
	void int32WithoutAnExactFloatIsRefused() {
		final Hdr h = new Hdr();
		h.datatype = 8;
		h.dim = new int[] { 3, 2, 1, 1, 1, 1, 1, 1 };
		final Path p = put("big.nii", h.file(h.data(1, 16777217)), false);
		assertMessage("big.nii: datatype 8 (int32): value 16777217 of voxel 1 (file order) has no exact 32-bit float", () -> Nifti.read(p));
	}

	@Test
	void voxOffsetIsHonouredAndZeroMeans352() {
		final Hdr h = new Hdr().sform(RAS_123);
		h.voxOffset = 400; // 48 bytes of 0xAB extension filler before the data
		final Volume far = Nifti.read(put("far.nii", h.file(h.indexData()), false));
		h.voxOffset = 0;
		final Volume zero = Nifti.read(put("zero.nii.gz", h.file(h.indexData()), true));
		h.voxOffset = 352;
		final Volume normal = Nifti.read(put("n.nii", h.file(h.indexData()), false));
		assertArrayEquals(normal.values(), far.values());
		assertArrayEquals(normal.values(), zero.values());
		assertDisplayConvention(far, RAS_123);
	}

	@Test
	void twoAndFourDimensionalHeadersWithOneVolume() {
		final Hdr two = new Hdr().sform(RAS_123);
		two.dim = new int[] { 2, 4, 3, 0, 0, 0, 0, 0 };
		two.pixdim = new float[] { 1, 1, 2, 0, 0, 0, 0, 0 };
		two.srow[2][2] = 0; // a single slice: no third axis in the sform
		final Volume v2 = Nifti.read(put("two.nii", two.file(two.indexData()), false));
		assertEquals(1, v2.depth());
		assertArrayEquals(new double[] { 1, 2, 1 }, v2.voxelSize(), 0, "an unused pixdim[3] of 0 is taken as 1");
		assertEquals(3 + 10 * 2, v2.get(0, 0, 0));

		final Hdr four = new Hdr().sform(RAS_123);
		four.dim = new int[] { 4, 4, 3, 2, 1, 1, 1, 1 };
		final Volume v4 = Nifti.read(put("four.nii", four.file(four.indexData()), false));
		assertDisplayConvention(v4, RAS_123);
	}

	@Test
	void unitsComeFromXyztUnits() {
		final Hdr h = new Hdr();
		h.units = 3 | 8; // micron, seconds
		assertEquals("\u00b5m", Nifti.read(put("u.nii", h.file(h.indexData()), false)).unit());
		h.units = 1;
		assertEquals("m", Nifti.read(put("u.nii", h.file(h.indexData()), false)).unit());
		h.units = 0;
		assertEquals("mm", Nifti.read(put("u.nii", h.file(h.indexData()), false)).unit());
	}

	// ------------------------------------------------------------------------------------------------- errors

	static void assertMessage(final String prefix, final Executable e) {
		final IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
		assertTrue(x.getMessage().startsWith(prefix), "expected a message starting with '" + prefix + "', got '" + x.getMessage() + "'");
		assertFalse(x.getMessage().contains("\n"), "one line: " + x.getMessage());
	}

	Hdr valid() {
		return new Hdr().sform(RAS_123);
	}

	@Test
	void missingEmptyTruncatedAndFolderAreRefused() throws IOException {
		assertMessage("nope.nii: no such file (", () -> Nifti.read(dir.resolve("nope.nii")));
		assertMessage("empty.nii: header truncated: 0 of 348 bytes", () -> Nifti.read(put("empty.nii", new byte[0], false)));
		final byte[] file = valid().file(valid().indexData());
		assertMessage("short.nii.gz: header truncated: 100 of 348 bytes after decompression",
			() -> Nifti.read(put("short.nii.gz", Arrays.copyOf(file, 100), true)));
		assertMessage("t.nii: data truncated: 4 x 3 x 2 int16 voxels need 48 bytes from vox_offset 352, the file holds 10",
			() -> Nifti.read(put("t.nii", Arrays.copyOf(file, 362), false)));
		assertMessage("t.nii.gz: data truncated: 4 x 3 x 2 int16 voxels need 48 bytes from vox_offset 352, the decompressed file holds 10",
			() -> Nifti.read(put("t.nii.gz", Arrays.copyOf(file, 362), true)));
		// a gzip stream cut short (not only its content)
		final byte[] gz = gzip(file);
		assertMessage("cut.nii.gz: ", () -> Nifti.read(put("cut.nii.gz", Arrays.copyOf(gz, gz.length - 20), false)));
		final byte[] corrupt = gz.clone();
		corrupt[10] = (byte) 0xff; // the first deflate block: final, type 3 (reserved, invalid)
		assertMessage("bad.nii.gz: corrupt gzip data: ", () -> Nifti.read(put("bad.nii.gz", corrupt, false)));
		Files.createDirectory(dir.resolve("folder.nii"));
		assertMessage("folder.nii: is a folder, not a NIfTI file", () -> Nifti.read(dir.resolve("folder.nii")));
	}

	@Test
	void badMagicAndSizeofHdrAreRefused() {
		final Hdr pair = valid();
		pair.magic = "ni1";
		assertMessage("pair.nii: magic 'ni1' marks the header of a .hdr/.img pair; only single-file NIfTI-1 ('n+1') is supported",
			() -> Nifti.read(put("pair.nii", pair.file(pair.indexData()), false)));
		final Hdr analyze = valid();
		analyze.magic = "";
		assertMessage("analyze.nii: magic '' is not 'n+1'", () -> Nifti.read(put("analyze.nii", analyze.file(analyze.indexData()), false)));
		final Hdr nifti2 = valid();
		nifti2.sizeofHdr = 540;
		assertMessage("n2.nii: sizeof_hdr 540 (NIfTI-2) is not supported; expected 348 (NIfTI-1)",
			() -> Nifti.read(put("n2.nii", nifti2.file(nifti2.indexData()), false)));
		final Hdr junk = valid();
		junk.sizeofHdr = 1234;
		assertMessage("junk.nii: sizeof_hdr 1234 is not 348", () -> Nifti.read(put("junk.nii", junk.file(junk.indexData()), false)));
		assertMessage("text.nii: sizeof_hdr ", () -> Nifti.read(put("text.nii", new String(new char[400]).replace('\0', 'x').getBytes(StandardCharsets.US_ASCII), false)));
	}

	@Test
	void unsupportedDatatypesAreRefusedByName() {
		final Object[][] cases = { { 128, "RGB24" }, { 32, "COMPLEX64" }, { 1024, "INT64" }, { 2304, "RGBA32" }, { 1, "BINARY" }, { 77, "not a NIfTI type" } };
		for (final Object[] c : cases) {
			final Hdr h = valid();
			h.datatype = (Integer) c[0];
			assertMessage("scan.nii.gz: datatype " + c[0] + " (" + c[1] + ") is not supported; expected an integer or float scalar type",
				() -> Nifti.read(put("scan.nii.gz", h.file(new byte[100]), true)));
		}
	}

	@Test
	void badDimensionsAreRefusedBeforeAnyLargeAllocation() {
		final Hdr fourD = valid();
		fourD.dim = new int[] { 4, 4, 3, 2, 5, 1, 1, 1 };
		assertMessage("4d.nii: dim[4] 5: only a single volume is supported", () -> Nifti.read(put("4d.nii", fourD.file(fourD.indexData()), false)));
		for (final int rank : new int[] { 1, 5, 0, -3 }) {
			final Hdr h = valid();
			h.dim[0] = rank;
			assertMessage("r.nii: dim[0] " + rank + " is not supported; expected 2, 3 or 4 dimensions", () -> Nifti.read(put("r.nii", h.file(new byte[48]), false)));
		}
		final Hdr negative = valid();
		negative.dim[2] = -3;
		assertMessage("neg.nii: dim[2] -3 is not a size; expected at least 1", () -> Nifti.read(put("neg.nii", negative.file(new byte[48]), false)));
		final Hdr zero = valid();
		zero.dim[3] = 0;
		assertMessage("zero.nii: dim[3] 0 is not a size", () -> Nifti.read(put("zero.nii", zero.file(new byte[48]), false)));
		final Hdr huge = valid();
		huge.dim = new int[] { 3, 32767, 32767, 32767, 1, 1, 1, 1 };
		assertMessage("huge.nii.gz: dim 32767 x 32767 x 32767 = 35181150961663 voxels exceeds the limit of 2147483639 voxels",
			() -> Nifti.read(put("huge.nii.gz", huge.file(new byte[48]), true)));
		// under the voxel limit but far beyond the data: refused from the file's size, or (gzip, whose size is only
		// known once read) from the memory it would need or when the data run out, never by allocating 1.8e9 floats
		final Hdr big = valid();
		big.dim = new int[] { 3, 30000, 30000, 2, 1, 1, 1, 1 };
		assertMessage("big.nii: data truncated: 30000 x 30000 x 2 int16 voxels need 3600000000 bytes from vox_offset 352, the file holds 48",
			() -> Nifti.read(put("big.nii", big.file(new byte[48]), false)));
		final IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> Nifti.read(put("big.nii.gz", big.file(new byte[48]), true)));
		assertTrue(x.getMessage().startsWith("big.nii.gz: data truncated: 30000 x 30000 x 2 int16 voxels need 3600000000 bytes")
			|| x.getMessage().startsWith("big.nii.gz: dim 30000 x 30000 x 2 needs about "), x.getMessage());
	}

	@Test
	void badOffsetsVoxelSizesAndAffinesAreRefused() {
		for (final float off : new float[] { -1, Float.NaN, 352.5f, Float.POSITIVE_INFINITY, 1e30f }) {
			final Hdr h = valid();
			h.voxOffset = off;
			assertMessage("o.nii: vox_offset " + off + " is not a byte offset", () -> Nifti.read(put("o.nii", h.header(), false)));
		}
		final Hdr pix = valid();
		pix.pixdim[2] = 0;
		assertMessage("p.nii: pixdim[2] 0.0 is not a voxel size", () -> Nifti.read(put("p.nii", pix.file(pix.indexData()), false)));
		final Hdr nan = valid();
		nan.pixdim[1] = Float.NaN;
		assertMessage("p.nii: pixdim[1] NaN is not a voxel size", () -> Nifti.read(put("p.nii", nan.file(nan.indexData()), false)));
		final Hdr singular = new Hdr().sform(new double[][] { { 1, 0, 0, 0 }, { 2, 0, 0, 0 }, { 0, 0, 3, 0 } });
		assertMessage("s.nii: srow_x/srow_y/srow_z (sform_code 1): the voxel-to-world affine is singular",
			() -> Nifti.read(put("s.nii", singular.file(singular.indexData()), false)));
		final Hdr inf = valid();
		inf.srow[1][3] = Float.POSITIVE_INFINITY;
		assertMessage("s.nii: srow_x/srow_y/srow_z (sform_code 1): the voxel-to-world affine is not finite",
			() -> Nifti.read(put("s.nii", inf.file(inf.indexData()), false)));
		final Hdr q = new Hdr();
		q.qformCode = 1;
		q.qb = Float.NaN;
		assertMessage("q.nii: quatern_b/c/d, qoffset_x/y/z (qform_code 1): the voxel-to-world affine is not finite",
			() -> Nifti.read(put("q.nii", q.file(q.indexData()), false)));
	}

	// ------------------------------------------------------------------------------------------- round trips

	static Volume randomVolume(final DataType type, final long seed, final double[][] affine, final double[] size) {
		final int w = 7, h = 5, d = 3;
		final float[] v = new float[w * h * d];
		final Random r = new Random(seed);
		for (int p = 0; p < v.length; p++)
			switch (type) {
				case UINT8: v[p] = r.nextInt(256); break;
				case INT8: v[p] = r.nextInt(256) - 128; break;
				case INT16: v[p] = r.nextInt(65536) - 32768; break;
				case UINT16: v[p] = r.nextInt(65536); break;
				case INT32: v[p] = r.nextInt(1 << 25) - (1 << 24); break;
				case UINT32: v[p] = r.nextInt(1 << 25); break;
				default: v[p] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(20) - 10));
			}
		if (type == DataType.FLOAT32) v[3] = Float.NaN;
		if (type == DataType.UINT32) v[4] = 4294967040.0f; // the largest float below 2^32
		if (type == DataType.INT32) v[4] = Integer.MIN_VALUE;
		return new Volume(ArrayImgs.floats(v, w, h, d), size, "mm", affine, null, type);
	}

	static final double[][] DISPLAY = { { -0.5, 0, 0, 12.5 }, { 0, -0.75, 0, -40 }, { 0, 0, 2.5, 7.25 }, { 0, 0, 0, 1 } };

	static void assertSameVolume(final Volume expected, final Volume actual) {
		assertEquals(expected.width(), actual.width());
		assertEquals(expected.height(), actual.height());
		assertEquals(expected.depth(), actual.depth());
		assertArrayEquals(expected.values(), actual.values(), "exact values");
		assertArrayEquals(expected.voxelSize(), actual.voxelSize(), 1e-6);
		assertEquals(expected.unit(), actual.unit());
		assertEquals(expected.dataType(), actual.dataType());
		assertAffine(expected.affine(), actual.affine(), 1e-4);
	}

	@Test
	void everyTypeRoundTripsExactlyThroughNiiAndNiiGz() {
		for (final DataType type : DataType.values())
			for (final String name : new String[] { "out.nii", "out.nii.gz" }) {
				final Volume v = randomVolume(type, type.ordinal(), DISPLAY, new double[] { 0.5, 0.75, 2.5 });
				final Path p = dir.resolve(name);
				Nifti.write(v, p);
				assertSameVolume(v, Nifti.read(p));
				final byte[] head = readBytes(p, 2);
				assertEquals(name.endsWith(".gz"), (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b, "gzip only for .gz");
			}
		assertEquals(List.of("out.nii", "out.nii.gz"), listing(), "no temporary files left");
	}

	@Test
	void writtenFilesCarryTheOrientationInBothSformAndQform() throws IOException {
		final Volume v = randomVolume(DataType.INT16, 1, DISPLAY, new double[] { 0.5, 0.75, 2.5 });
		final Path p = dir.resolve("o.nii");
		Nifti.write(v, p);
		final byte[] bytes = Files.readAllBytes(p);
		final ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
		assertEquals(348, b.getInt(0));
		assertEquals(352 + 2 * 7 * 5 * 3, bytes.length);
		assertEquals(352f, b.getFloat(108));
		assertEquals(4, b.getShort(70));
		assertEquals(16, b.getShort(72));
		assertEquals("n+1", new String(bytes, 344, 3, StandardCharsets.US_ASCII));
		assertTrue(b.getShort(252) > 0 && b.getShort(254) > 0, "qform_code and sform_code set");
		// reading the same file with the sform removed must give the same geometry from the qform alone
		b.putShort(254, (short) 0);
		final Path q = dir.resolve("q.nii");
		Files.write(q, bytes);
		assertSameVolume(v, Nifti.read(q));
	}

	@Test
	void obliqueVolumesRoundTrip() {
		final double c = Math.cos(Math.toRadians(20)), s = Math.sin(Math.toRadians(20));
		// columns: x mostly to the patient's left, y posterior, z superior, rotated 20 degrees about world z
		final double[][] a = { { -c * 1.5, s * 2, 0, 3 }, { -s * 1.5, -c * 2, 0, 4 }, { 0, 0, 4, 5 }, { 0, 0, 0, 1 } };
		final Volume v = randomVolume(DataType.FLOAT32, 9, a, new double[] { 1.5, 2, 4 });
		Nifti.write(v, dir.resolve("ob.nii.gz"));
		assertSameVolume(v, Nifti.read(dir.resolve("ob.nii.gz")));
	}

	@Test
	void realScansRoundTrip() {
		for (final String file : new String[] { "example_ct_sm.nii.gz", "example_seg.nii.gz" }) {
			final Volume v = Nifti.read(shared("totalseg-abdomen-ct", file));
			final Path p = dir.resolve("copy-" + file);
			Nifti.write(v, p);
			final Volume back = Nifti.read(p);
			assertSameVolume(v, back);
			assertSpots(back, file.contains("ct") ? CT_SPOTS : new int[][] { { 40, 50, 15, 5 } });
		}
	}

	@Test
	void bigEndianFileWrittenByHandReadsLikeTheLittleEndianOneTheWriterMakes() {
		final Volume v = randomVolume(DataType.UINT16, 3, DISPLAY, new double[] { 0.5, 0.75, 2.5 });
		final Path le = dir.resolve("le.nii");
		Nifti.write(v, le);
		// byte-swap every header field and every voxel of the written file
		final byte[] bytes = readBytes(le, Integer.MAX_VALUE);
		final ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), out = ByteBuffer.wrap(bytes.clone()).order(ByteOrder.BIG_ENDIAN);
		out.putInt(0, in.getInt(0)).putInt(32, in.getInt(32));
		for (int off = 40; off < 56; off += 2)
			out.putShort(off, in.getShort(off));
		for (int off = 56; off < 68; off += 4)
			out.putFloat(off, in.getFloat(off));
		for (int off = 68; off < 76; off += 2)
			out.putShort(off, in.getShort(off));
		for (int off = 76; off < 120; off += 4)
			out.putFloat(off, in.getFloat(off));
		out.putShort(120, in.getShort(120));
		for (final int off : new int[] { 124, 128, 132, 136, 140, 144 })
			out.putInt(off, in.getInt(off));
		out.putShort(252, in.getShort(252)).putShort(254, in.getShort(254));
		for (int off = 256; off < 328; off += 4)
			out.putFloat(off, in.getFloat(off));
		for (int off = 352; off < bytes.length; off += 2)
			out.putShort(off, in.getShort(off));
		final Path be = dir.resolve("be.nii");
		try {
			Files.write(be, out.array());
		}
		catch (final IOException e) {
			throw new UncheckedIOException(e);
		}
		assertSameVolume(v, Nifti.read(be));
	}

	// ------------------------------------------------------------------------------------------ failed writes

	@Test
	void aVolumeThatDoesNotFitItsTypeLeavesNoFileAndKeepsTheOldOne() throws IOException {
		final Volume good = randomVolume(DataType.UINT8, 5, DISPLAY, new double[] { 1, 1, 1 });
		final float[] bad = good.values().clone();
		bad[bad.length - 1] = 3.5f; // the last voxel: the temporary file is mostly written when it fails
		final Volume v = good.withValues(ArrayImgs.floats(bad, 7, 5, 3), DataType.UINT8);
		assertMessage("w.nii.gz: voxel (6, 4, 2) holds 3.5, which is not a uint8 value", () -> Nifti.write(v, dir.resolve("w.nii.gz")));
		assertEquals(List.of(), listing(), "nothing left behind");

		final Path old = dir.resolve("old.nii");
		Nifti.write(good, old);
		final byte[] before = Files.readAllBytes(old);
		assertMessage("old.nii: voxel (6, 4, 2) holds 3.5, which is not a uint8 value", () -> Nifti.write(v, old));
		assertArrayEquals(before, Files.readAllBytes(old), "the older file is intact");
		assertEquals(List.of("old.nii"), listing());

		bad[bad.length - 1] = 256;
		assertMessage("x.nii: voxel (6, 4, 2) holds 256.0, which is not a uint8 value", () -> Nifti.write(v, dir.resolve("x.nii")));
		bad[bad.length - 1] = Float.NaN;
		assertMessage("x.nii: voxel (6, 4, 2) holds NaN, which is not a uint8 value", () -> Nifti.write(v, dir.resolve("x.nii")));
		assertEquals(List.of("old.nii"), listing());
	}

	@Test
	void unwritableTargetsAreRefusedWithTheirName() throws IOException {
		final Volume v = randomVolume(DataType.FLOAT32, 5, DISPLAY, new double[] { 1, 1, 1 });
		assertMessage("a.nii: cannot write: no such folder (", () -> Nifti.write(v, dir.resolve("missing").resolve("a.nii")));
		Files.createDirectory(dir.resolve("d.nii"));
		assertMessage("d.nii: cannot write: is a folder (", () -> Nifti.write(v, dir.resolve("d.nii")));
		final Volume pixels = new Volume(v.image(), v.voxelSize(), "pixel", v.affine(), null, DataType.FLOAT32);
		assertMessage("p.nii: unit 'pixel' has no NIfTI code; expected mm, m or \u00b5m", () -> Nifti.write(pixels, dir.resolve("p.nii")));
		assertEquals(List.of("d.nii"), listing());
	}

	@Test
	void writingIntoAReadOnlyFolderFailsCleanly() throws IOException {
		final Path ro = Files.createDirectory(dir.resolve("ro"));
		try {
			Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
		}
		catch (final UnsupportedOperationException e) {
			assumeTrue(false, "no POSIX permissions here");
		}
		try {
			assumeFalse(Files.isWritable(ro), "this user (root?) can write into read-only folders");
			final Volume v = randomVolume(DataType.FLOAT32, 5, DISPLAY, new double[] { 1, 1, 1 });
			assertMessage("a.nii: cannot write: permission denied: ", () -> Nifti.write(v, ro.resolve("a.nii")));
			try (Stream<Path> s = Files.list(ro)) {
				assertEquals(0, s.count());
			}
		}
		finally {
			Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
		}
	}

	@Test
	void volumesRefuseAffinesOutsideTheDisplayConvention() {
		final double[][] ras = { { 1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 1, 0 }, { 0, 0, 0, 1 } };
		final IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
			() -> new Volume(ArrayImgs.floats(2, 2, 2), new double[] { 1, 1, 1 }, "mm", ras, null, DataType.FLOAT32));
		assertTrue(x.getMessage().startsWith("affine: the axes point to RAS; expected x towards the patient's left"), x.getMessage());
		final Volume v = Volume.of(ArrayImgs.floats(2, 2, 2), new double[] { 2, 3, 4 }, "mm", DataType.FLOAT32);
		assertAffine(new double[][] { { -2, 0, 0, 0 }, { 0, -3, 0, 0 }, { 0, 0, 4, 0 }, { 0, 0, 0, 1 } }, v.affine(), 0);
		assertSame(v.values(), v.values(), "values are not copied");
	}

	// ---------------------------------------------------------------------------------------------- helpers

	List<String> listing() {
		try (Stream<Path> s = Files.list(dir)) {
			return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toCollection(ArrayList::new));
		}
		catch (final IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	static byte[] readBytes(final Path p, final int max) {
		try {
			final byte[] all = Files.readAllBytes(p);
			return all.length <= max ? all : Arrays.copyOf(all, max);
		}
		catch (final IOException e) {
			throw new UncheckedIOException(e);
		}
	}
}
