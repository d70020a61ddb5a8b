package io.github.xaiclip.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;
import io.github.xaiclip.testing.CtSlices;

/** explain and compare on real files: TIFF and NIfTI inputs, each region source, the written images and tables, and bad input. */
class ExplainCommandTest {

	private static final String UNET = CtSlices.UNET.toString(), CLIP = CtSlices.CLIP.toString();

	private static List<String> csv(final Path file) throws IOException {
		return Files.readAllLines(file, StandardCharsets.UTF_8);
	}

	private static float[] pixels(final Path tif, final int slice) {
		final ImagePlus imp = IJ.openImage(tif.toString());
		return (float[]) imp.getStack().getProcessor(slice).convertToFloat().getPixels();
	}

	@Test
	void aTiffSliceAndTheSameNiftiSliceGiveTheSameExplanation(@TempDir final Path tmp) throws IOException {
		final Path tif = tmp.resolve("ct.tif"), labels = tmp.resolve("ct_labels.tif");
		CtSlices.write(23, tif, labels);
		final Path a = tmp.resolve("a"), b = tmp.resolve("b");
		final CliRun ra = CliRun.of("explain", "--image", tif.toString(), "--seg-model", UNET, "--clip-model", CLIP, "--prompt", "liver", "--target", "liver",
			"--ground-truth", labels.toString(), "--gt-value", "5", "--out", a.toString());
		assertEquals(0, ra.status, ra.toString());
		final CliRun rb = CliRun.of("explain", "--image", CtSlices.CT.toString(), "--slice", "23", "--seg-model", UNET, "--clip-model", CLIP, "--prompt",
			"liver", "--target", "liver", "--ground-truth", CtSlices.LABELS.toString(), "--gt-value", "5", "--out", b.toString());
		assertEquals(0, rb.status, rb.toString());

		final List<String> rows = csv(a.resolve("results.csv"));
		assertEquals("image,slice,target,method,mode,evaluations,seconds,roi_fraction,dice,iou,deletion_auc,insertion_auc,pointing_hit", rows.get(0));
		assertEquals(2, rows.size());
		final String[] r = rows.get(1).split(",");
		assertEquals("ct.tif", r[0]);
		assertEquals("1", r[1]);
		assertEquals("liver,occlusion,roi", String.join(",", r[2], r[3], r[4]));
		assertTrue(Double.parseDouble(r[8]) > 0.85, "saliency Dice against the liver: " + rows.get(1));
		assertEquals("1", r[12], "the saliency maximum lies in the liver");
		final String[] rn = csv(b.resolve("results.csv")).get(1).split(",");
		assertEquals("23", rn[1]);
		assertEquals(r[5], rn[5], "same windows");
		assertEquals(r[8], rn[8], "same Dice");

		final Path sa = a.resolve("ct_liver_occlusion_roi_saliency.tif"), sb = b.resolve("example_ct_sm_liver_occlusion_roi_saliency.tif");
		assertArrayEquals(pixels(sb, 1), pixels(sa, 1), "identical maps from TIFF and NIfTI");
		final ImagePlus sal = IJ.openImage(sa.toString());
		assertEquals(32, sal.getBitDepth());
		assertEquals(3.0, sal.getCalibration().pixelWidth, 1e-5);
		assertEquals("mm", sal.getCalibration().getUnit());
		final ImagePlus roi = IJ.openImage(a.resolve("ct_roi.tif").toString()), sim = IJ.openImage(a.resolve("ct_similarity.tif").toString());
		assertEquals(sal.getWidth(), roi.getWidth());
		assertEquals(sal.getWidth(), sim.getWidth());
		final java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(a.resolve("ct_liver_occlusion_roi_overlay.png").toFile());
		assertEquals(sal.getWidth() * ImageJob.zoom(sal.getWidth(), sal.getHeight()), png.getWidth());
		assertTrue(ra.out.contains("ct.tif") && ra.out.contains("liver"), ra.out);
	}

	@Test
	void aLabelRegionIsWrittenAsItsMaskAndFullModeNeedsNoRegion(@TempDir final Path tmp) throws IOException {
		final Path tif = tmp.resolve("ct.tif"), labels = tmp.resolve("ct_labels.tif");
		CtSlices.write(23, tif, labels);
		final Path out = tmp.resolve("o");
		final CliRun run = CliRun.of("explain", "--image", tif.toString(), "--seg-model", UNET, "--roi-label", labels.toString(), "--roi-value", "1",
			"--target", "spleen", "--roi-margin", "0", "--window", "16", "--stride", "16", "--faithfulness-steps", "0", "--out", out.toString());
		assertEquals(0, run.status, run.toString());
		final float[] mask = pixels(out.resolve("ct_roi.tif"), 1), label = pixels(labels, 1);
		for (int p = 0; p < label.length; p++)
			assertEquals(label[p] == CtSlices.SPLEEN ? 255f : 0f, mask[p], "pixel " + p);
		final String[] row = csv(out.resolve("results.csv")).get(1).split(",", -1);
		assertEquals("", row[8], "no ground truth, no Dice");
		assertEquals("", row[10], "faithfulness skipped");

		final Path full = tmp.resolve("full");
		final CliRun f = CliRun.of("explain", "--image", tif.toString(), "--seg-model", UNET, "--target", "spleen", "--mode", "full", "--window", "16",
			"--stride", "16", "--faithfulness-steps", "0", "--out", full.toString());
		assertEquals(0, f.status, f.toString());
		// 122 x 101 image, window 16 at stride 16: 8 x 7 windows (the last ones shifted to the border), plus the reference pass
		assertEquals("57", csv(full.resolve("results.csv")).get(1).split(",")[5]);
		assertFalse(Files.exists(full.resolve("ct_roi.tif")));
	}

	@Test
	void allSlicesOfAVolumeGiveAStackAndOneRowPerSlice(@TempDir final Path tmp) throws IOException {
		final Path out = tmp.resolve("o");
		final CliRun run = CliRun.of("explain", "--image", CtSlices.CT.toString(), "--all-slices", "--seg-model", UNET, "--roi-from-prediction", "--target",
			"spleen", "--window", "24", "--stride", "24", "--faithfulness-steps", "0", "--out", out.toString());
		assertEquals(0, run.status, run.toString());
		final List<String> rows = csv(out.resolve("results.csv"));
		final ImagePlus sal = IJ.openImage(out.resolve("example_ct_sm_spleen_occlusion_roi_saliency.tif").toString());
		assertEquals(30, sal.getStackSize());
		assertEquals(3.0, sal.getCalibration().pixelDepth, 1e-5);
		final ImagePlus overlay = IJ.openImage(out.resolve("example_ct_sm_spleen_occlusion_roi_overlay.tif").toString());
		assertEquals(ImagePlus.COLOR_RGB, overlay.getType());
		assertEquals(30, overlay.getStackSize());
		// every slice the model finds the spleen on has its row; the others are said to be skipped
		final int skipped = run.err.split("skipped slice", -1).length - 1;
		assertEquals(30, rows.size() - 1 + skipped, run.err);
		assertTrue(rows.size() - 1 >= 20, "the spleen is on most slices: " + rows.size());
	}

	@Test
	void compareRunsBothModesOfEachMethodOnOneTable(@TempDir final Path tmp) throws IOException {
		final Path out = tmp.resolve("o");
		final CliRun run = CliRun.of("compare", "--image", CtSlices.CT.toString(), "--slice", "23", "--seg-model", UNET, "--clip-model", CLIP, "--prompt",
			"spleen", "--target", "spleen", "--method", "occlusion,rise", "--masks", "64", "--ground-truth", CtSlices.LABELS.toString(), "--gt-value", "1",
			"--faithfulness-steps", "0", "--out", out.toString());
		assertEquals(0, run.status, run.toString());
		final List<String> rows = csv(out.resolve("results.csv"));
		assertEquals(5, rows.size(), rows.toString());
		final String[] occFull = rows.get(1).split(","), occRoi = rows.get(2).split(","), riseFull = rows.get(3).split(",");
		assertEquals("occlusion,full", occFull[3] + "," + occFull[4]);
		assertEquals("occlusion,roi", occRoi[3] + "," + occRoi[4]);
		assertEquals("rise,full", riseFull[3] + "," + riseFull[4]);
		assertTrue(Long.parseLong(occRoi[5]) * 3 < Long.parseLong(occFull[5]), "roi mode evaluates far fewer windows");
		assertEquals("65", riseFull[5], "64 masks and the reference");
		assertTrue(run.out.contains("occlusion  ratio"), run.out);
		assertTrue(Files.exists(out.resolve("example_ct_sm_spleen_rise_full_saliency.tif")));
		assertEquals(2, CliRun.of("compare", "--image", CtSlices.CT.toString(), "--slice", "23", "--seg-model", UNET, "--roi-from-prediction", "--target",
			"spleen", "--mode", "roi", "--out", out.toString()).status, "compare runs both modes itself");
	}

	/** One line on standard error naming what is wrong, exit status 2, nothing written. */
	private static void refused(final Path out, final String expected, final String... args) throws IOException {
		final CliRun run = CliRun.of(args);
		assertEquals(2, run.status, run.toString());
		final String e = run.errors();
		assertEquals(1, e.split("\n").length, e);
		assertTrue(e.startsWith("xai-clip: ") && e.contains(expected), "expected '" + expected + "' in: " + e);
		if (Files.isDirectory(out)) try (Stream<Path> s = Files.list(out)) {
			assertEquals(0, s.count(), "nothing written");
		}
	}

	@Test
	void badInputIsOneLineWithExitStatusTwo(@TempDir final Path tmp) throws IOException {
		final Path tif = tmp.resolve("ct.tif"), out = tmp.resolve("out");
		CtSlices.write(23, tif, null);
		final String[] common = { "--seg-model", UNET, "--roi-from-prediction", "--target", "liver", "--out", out.toString() };
		refused(out, "nowhere.tif: no such file", concat(new String[] { "explain", "--image", tmp.resolve("nowhere.tif").toString() }, common));
		final Path junk = tmp.resolve("junk.tif");
		Files.write(junk, "not an image".getBytes(StandardCharsets.UTF_8));
		refused(out, "junk.tif: cannot be read as a TIFF", concat(new String[] { "explain", "--image", junk.toString() }, common));
		final Path txt = tmp.resolve("notes.txt");
		Files.write(txt, "x".getBytes(StandardCharsets.UTF_8));
		refused(out, "unknown image format", concat(new String[] { "explain", "--image", txt.toString() }, common));
		final Path fourD = tmp.resolve("4d.tif");
		final ImagePlus hyper = IJ.createImage("4d", "32-bit black", 32, 32, 4);
		hyper.setDimensions(2, 1, 2);
		IJ.saveAsTiff(hyper, fourD.toString());
		refused(out, "2 channel(s) and 2 time point(s)", concat(new String[] { "explain", "--image", fourD.toString() }, common));
		refused(out, "has 30 slices; give --slice N", concat(new String[] { "explain", "--image", CtSlices.CT.toString() }, common));
		refused(out, "--slice: 31 is outside", concat(new String[] { "explain", "--image", CtSlices.CT.toString(), "--slice", "31" }, common));
		refused(out, "target: 'pancreas' is not a class", "explain", "--image", tif.toString(), "--seg-model", UNET, "--roi-from-prediction", "--target",
			"pancreas", "--out", out.toString());
		refused(out, "seg_model: " + tmp.resolve("none") + " is not a folder", "explain", "--image", tif.toString(), "--seg-model",
			tmp.resolve("none").toString(), "--roi-from-prediction", "--target", "liver", "--out", out.toString());
		refused(out, "--clip-model: missing", "explain", "--image", tif.toString(), "--seg-model", UNET, "--prompt", "liver", "--target", "liver", "--out",
			out.toString());
		refused(out, "the ground truth is 122x101x30; expected the grid of", concat(new String[] { "explain", "--image", tif.toString(), "--ground-truth",
			CtSlices.LABELS.toString() }, common));
		refused(out, "method: expected occlusion, rise or lime, got 'gradcam'", concat(new String[] { "explain", "--image", tif.toString(), "--method",
			"gradcam" }, common));
		final Path file = tmp.resolve("a-file");
		Files.write(file, new byte[1]);
		refused(out, "--out: " + file + " is a file", "explain", "--image", tif.toString(), "--seg-model", UNET, "--roi-from-prediction", "--target", "liver",
			"--out", file.toString());
	}

	static String[] concat(final String[] a, final String[] b) {
		final String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, c, a.length, b.length);
		return c;
	}
}
