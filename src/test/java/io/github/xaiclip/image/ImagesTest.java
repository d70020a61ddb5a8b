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
import ij.process.ColorProcessor;
import io.github.xaiclip.testing.CtSlices;
import io.github.xaiclip.testing.DicomWriter;

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

	@Test
	void namesAndStems() {
		assertEquals("scan", Images.stem(Path.of("a/scan.nii.gz")));
		assertEquals("scan.v2", Images.stem(Path.of("scan.v2.TIF")));
		assertTrue(Images.isImageName(Path.of("x.NII.GZ")));
		assertFalse(Images.isImageName(Path.of("x.png")));
	}
}
