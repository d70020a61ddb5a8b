package io.github.xaiclip.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;

/** The CT slices committed for the macro tests are what {@link CtSlices} derives from the bundled scan. */
class CtSlicesTest {

	@Test
	void theCommittedSlicesAreTheDerivedOnes(@TempDir final Path tmp) throws Exception {
		CtSlices.write(tmp);
		for (final String folder : new String[] { "images", "labels" }) {
			try (Stream<Path> files = Files.list(CtSlices.FOLDER.resolve(folder))) {
				assertEquals(CtSlices.SLICES.length, files.filter(f -> f.toString().endsWith(".tif")).collect(Collectors.toList()).size());
			}
			for (final int z : CtSlices.SLICES) {
				final ImagePlus committed = IJ.openImage(CtSlices.FOLDER.resolve(folder).resolve(CtSlices.name(z)).toString());
				final ImagePlus derived = IJ.openImage(tmp.resolve(folder).resolve(CtSlices.name(z)).toString());
				assertEquals(derived.getBitDepth(), committed.getBitDepth());
				assertEquals(derived.getCalibration().toString(), committed.getCalibration().toString(), CtSlices.name(z));
				assertArrayEquals(derived.getProcessor().getFloatArray(), committed.getProcessor().getFloatArray(), folder + "/" + CtSlices.name(z));
			}
		}
		final ImagePlus ct = IJ.openImage(CtSlices.FOLDER.resolve("images").resolve(CtSlices.name(17)).toString());
		assertTrue(ct.getCalibration().isSigned16Bit());
		assertEquals(3.0, ct.getCalibration().pixelWidth, 1e-4);
		assertEquals("mm", ct.getCalibration().getUnit());
		assertEquals(-1024, ct.getCalibration().getCValue(ct.getProcessor().get(0, 0)), 30, "air in Hounsfield units");
	}
}
