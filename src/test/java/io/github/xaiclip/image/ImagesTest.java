package io.github.xaiclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ColorProcessor;
import ij.process.ShortProcessor;
import io.github.xaiclip.testing.CtSlices;
import io.github.xaiclip.testing.DicomWriter;
import io.github.xaiclip.testing.FuzzSeeds;

/** The image readers on real data: the same scan from NIfTI, TIFF and DICOM gives the same array and calibration. */
class ImagesTest {

	@Test
	void aDicomSeriesInAnyFileOrderGivesTheNiftiArray(@TempDir final Path tmp) throws IOException {
		final Volume ct = CtSlices.ct();
		final List<String> names = new ArrayList<>();
		for (int z = 0; z < ct.depth(); z++)
			names.add(String.format("IM%04d.dcm", z));
		Collections.shuffle(names, new Random(7)); // file names say nothing of the order: positions do
		final Path series = Files.createDirectories(tmp.resolve("series"));
		DicomWriter.write(ct, series, names.toArray(new String[0]), -1024);
		final Images.Loaded dicom = Images.read(series);
		assertTrue(dicom.calibrated());
		assertArrayEquals(new double[] { 3, 3, 3 }, dicom.volume().voxelSize(), 1e-9);
		assertEquals(ct.width(), dicom.volume().width());
		assertEquals(ct.height(), dicom.volume().height());
		assertEquals(ct.depth(), dicom.volume().depth());
		assertArrayEquals(ct.values(), dicom.volume().values(), "Hounsfield units, slices ordered by position");

		final int z = 17; // one file alone: the slice written under names[z]
		final Images.Loaded one = Images.read(series.resolve(names.get(z)));
		assertEquals(1, one.volume().depth());
		for (int p = 0; p < ct.width() * ct.height(); p++)
			assertEquals(ct.values()[z * ct.width() * ct.height() + p], one.volume().values()[p]);
	}

	@Test
	void aTiffSliceKeepsValuesAndCalibration(@TempDir final Path tmp) {
		final Path tif = tmp.resolve("s.tif");
		CtSlices.write(12, tif, null);
		final Images.Loaded l = Images.read(tif);
		assertTrue(l.calibrated());
		assertArrayEquals(new double[] { 3, 3 }, l.pixelSizeMm(), 0, "exactly 3, not the 3.000003 TIFF's fraction gives");
		final Volume ct = CtSlices.ct();
		for (int p = 0; p < ct.width() * ct.height(); p++)
			assertEquals(ct.values()[11 * ct.width() * ct.height() + p], l.volume().values()[p]);
		assertTrue(l.notes().isEmpty());
	}

	@Test
	void rgbIsConvertedAndSaidSoUncalibratedHasNoPixelSize(@TempDir final Path tmp) {
		final ColorProcessor cp = new ColorProcessor(4, 3);
		cp.set(0, 0, 0x102030);
		final Path rgb = tmp.resolve("rgb.tif");
		IJ.saveAsTiff(new ImagePlus("rgb", cp), rgb.toString());
		final Images.Loaded l = Images.read(rgb);
		assertEquals(0x20, l.volume().values()[0], 1e-6, "mean of red, green and blue");
		assertEquals(1, l.notes().size());
		assertTrue(l.notes().get(0).contains("RGB image converted to grey"), l.notes().get(0));
		assertFalse(l.calibrated());
		assertNull(l.pixelSizeMm());

		final ImagePlus um = IJ.createImage("um", "16-bit black", 5, 5, 1);
		um.getCalibration().pixelWidth = um.getCalibration().pixelHeight = 250;
		um.getCalibration().setUnit("\u00b5m");
		final Path f = tmp.resolve("um.tif");
		IJ.saveAsTiff(um, f.toString());
		assertArrayEquals(new double[] { 0.25, 0.25 }, Images.read(f).pixelSizeMm(), 1e-9, "micrometres become mm");
	}

	@Test
	void brokenFilesAreRefusedNamingTheFile(@TempDir final Path tmp) throws IOException {
		final Path tif = tmp.resolve("s.tif");
		CtSlices.write(12, tif, null);
		final byte[] b = Files.readAllBytes(tif);
		final Path cut = tmp.resolve("cut.tif");
		Files.write(cut, java.util.Arrays.copyOf(b, b.length - 100));
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Images.read(cut));
		assertTrue(e.getMessage().startsWith(cut + ": cannot be read as a TIFF image (truncated"), e.getMessage());
		final Path dcm = tmp.resolve("x.dcm");
		Files.write(dcm, new byte[200]);
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Images.read(dcm)).getMessage().startsWith(dcm + ": cannot be read as a DICOM"));
		final Path emptyFolder = Files.createDirectories(tmp.resolve("empty"));
		assertEquals(emptyFolder + ": no DICOM files in the folder", assertThrows(IllegalArgumentException.class, () -> Images.read(emptyFolder)).getMessage());
	}

	/**
	 * Hostile TIFFs of a few hundred bytes, each of which would make ImageJ's own decoder loop, allocate gigabytes
	 * or misread the file, are refused before ImageJ sees them, saying why; a stack ImageJ wrote with its own
	 * metadata (slice labels, display ranges, an info property) is read as before.
	 */
	@Test
	void hostileTiffsAreRefusedBeforeImageJReadsThem(@TempDir final Path tmp) throws IOException {
		FuzzSeeds.hostileTiffs(tmp);
		final String[][] refusals = { { "hostile-directory-loop.tif", "corrupt: the chain of image directories loops back to byte 8" },
			{ "hostile-strip-2gb.tif", "corrupt: image directory 1 at byte 8: tag 279 (strip byte counts) adds up to 2147483647 bytes, more than the file's 128" },
			{ "hostile-compressed-30000x30000.tif", "truncated: 1 x 30000 x 30000 compressed pixels need more than the file's 128 bytes" },
			{ "hostile-imagej-metadata-2g-labels.tif",
				"corrupt: image directory 1 at byte 8: ImageJ's metadata (tag 50839) claims 2147483392 entries, its byte counts (tag 50838) list 1" },
			{ "hostile-bigtiff.tif", "it is a BigTIFF, which ImageJ 1.x does not read; save it as a classic TIFF or as NIfTI" } };
		for (final String[] r : refusals) {
			final Path f = tmp.resolve(r[0]);
			assertEquals(f + ": cannot be read as a TIFF image (" + r[1] + ")", assertThrows(IllegalArgumentException.class, () -> Images.read(f)).getMessage());
		}
		// found by fuzzing: two directories, one of 14 million samples per pixel, which ImageJ reads one by one past the end
		final Path samples = Path.of("src/test/resources/io/github/xaiclip/image/TiffFuzzTestInputs/read/finding-14m-samples-per-pixel-slow.tif");
		assertEquals(samples + ": cannot be read as a TIFF image (truncated: 14418176 samples per pixel of 8 x 6 need more than the file's 648 bytes)",
			assertThrows(IllegalArgumentException.class, () -> Images.read(samples)).getMessage());
		// found by fuzzing: images sharing dozens of LZW strips each, which ImageJ decodes for 3 s (16384-entry table each)
		final Path shared = Path.of("src/test/resources/io/github/xaiclip/image/TiffFuzzTestInputs/read/finding-shared-lzw-strips-3s.tif");
		assertEquals(shared + ": cannot be read as a TIFF image (corrupt: image 2 of 8 x 6 has 65 strips, more than its rows)",
			assertThrows(IllegalArgumentException.class, () -> Images.read(shared)).getMessage());
		// found by fuzzing: strips stored bottom-up, which ImageJ flips through a menu command that does nothing (or
		// fails the first time) where its menus are not loaded, so the image would depend on where it was opened
		final Path bottomUp = Path.of("src/test/resources/io/github/xaiclip/image/TiffFuzzTestInputs/read/finding-strips-bottom-up.tif");
		for (int i = 0; i < 2; i++)
			assertEquals(bottomUp + ": cannot be read as a TIFF image (its strips are stored bottom-up, which ImageJ reads the same way only where its menus"
				+ " are loaded; open it in Fiji and save it again)", assertThrows(IllegalArgumentException.class, () -> Images.read(bottomUp)).getMessage());
		final ImageStack stack = new ImageStack(4, 3);
		for (int z = 0; z < 3; z++) {
			final ShortProcessor ip = new ShortProcessor(4, 3);
			ip.set(z + 1, z, 100 * z + 7);
			stack.addSlice("slice " + z, ip);
		}
		final ImagePlus imp = new ImagePlus("labelled", stack);
		imp.setDisplayRange(0, 300);
		imp.setProperty("Info", "scanner: test");
		final Path labelled = tmp.resolve("labelled.tif");
		IJ.saveAsTiff(imp, labelled.toString());
		final Volume v = Images.read(labelled).volume();
		assertEquals(3, v.depth());
		for (int z = 0; z < 3; z++)
			assertEquals(100 * z + 7, v.get(z + 1, z, z), 0);
	}

	/**
	 * DICOM files whose values claim more than the file holds (ImageJ's reader would allocate 2 GB for one) or whose
	 * header claims a 30000 x 30000 x 1000 image over 96 bytes of pixels are refused before ImageJ reads them, naming
	 * the element or the pixel data; the same slice in the three transfer syntaxes ImageJ reads, with sequences of both
	 * kinds, is read to the same values.
	 */
	@Test
	void hostileDicomsAreRefusedAndRealOnesRead(@TempDir final Path tmp) throws IOException {
		FuzzSeeds.hostileDicoms(tmp);
		final String[][] refusals = {
			{ "hostile-skipped-value-past-the-end.dcm", "corrupt: element (7FE0,0011) at byte 624 claims 2147483632 bytes, past the end of the file at byte 732" },
			{ "hostile-string-value-2gb-oom.dcm", "corrupt: element (0008,0060) at byte 334 claims 2147418112 bytes, past the end of the file at byte 732" },
			{ "hostile-30000x30000x1000-over-96-bytes.dcm", "truncated: 30000 x 30000 x 1000 pixels from byte 638 need 1800000000000 bytes, the file has 734" } };
		for (final String[] r : refusals) {
			final Path f = tmp.resolve(r[0]);
			assertEquals(f + ": cannot be read as a DICOM image (" + r[1] + ")", assertThrows(IllegalArgumentException.class, () -> Images.read(f)).getMessage());
		}
		final Volume crop = FuzzSeeds.ctCrop(8, 6);
		for (final DicomWriter.Syntax syntax : DicomWriter.Syntax.values())
			for (final boolean sequences : new boolean[] { false, true }) {
				final Path f = tmp.resolve(syntax + "-" + sequences + ".dcm");
				Files.write(f, DicomWriter.slice(crop, 0, "1.2.3", "1.2.3.4", -1024, syntax, sequences));
				final Images.Loaded read = Images.read(f);
				assertArrayEquals(crop.values(), read.volume().values(), 0, f.toString());
				assertArrayEquals(new double[] { 0.8, 0.8 }, read.pixelSizeMm(), 1e-9, f.toString());
			}
	}

	@Test
	void namesAndStems() {
		assertEquals("scan", Images.stem(Path.of("a/scan.nii.gz")));
		assertEquals("scan.v2", Images.stem(Path.of("scan.v2.TIF")));
		assertTrue(Images.isImageName(Path.of("x.NII.GZ")));
		assertFalse(Images.isImageName(Path.of("x.png")));
	}
}
