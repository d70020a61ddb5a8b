package io.github.xaiclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: help, inspect, and one-line errors. */
class XaiClipTest {

	private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
	private PrintStream stdout, stderr;

	@BeforeEach
	void capture() {
		stdout = System.out;
		stderr = System.err;
		System.setOut(new PrintStream(out, true));
		System.setErr(new PrintStream(err, true));
	}

	@AfterEach
	void restore() {
		System.setOut(stdout);
		System.setErr(stderr);
	}

	private String out() {
		return new String(out.toByteArray(), StandardCharsets.UTF_8);
	}

	private String err() {
		return new String(err.toByteArray(), StandardCharsets.UTF_8);
	}

	@Test
	void helpListsTheCommands() {
		assertEquals(0, XaiClip.run("--help"));
		for (final String c : new String[] { "inspect", "train-demo" })
			assertTrue(out().contains(c), out());
	}

	@Test
	void inspectPrintsTheModelAndWhetherItsDescriptorFits() {
		final Path unet = Path.of("test-data", "models", "ct-unet");
		org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(unet), "the demo models are in test-data/models");
		assertEquals(0, XaiClip.run("inspect", unet.toString()), err());
		assertTrue(out().contains("serving_default"), out());
		assertTrue(out().contains("fits the SavedModel"), out());
		assertTrue(out().contains("receptive field: radius 26 px, stride 4 (declared)"), out());
		assertEquals(0, XaiClip.run("inspect", "--probe", "126", unet.toString()), err());
		// 126 is rounded up to 128, a size the U-Net takes; there the crops cannot be smaller than the image
		assertTrue(out().contains("receptive field, probed: radius ") && out().contains("(probed on 128x128 with "), out());
	}

	@Test
	void aMissingModelFolderIsOneLineWithoutAStackTrace(@TempDir final Path tmp) {
		assertEquals(2, XaiClip.run("inspect", tmp.resolve("nowhere").toString()));
		final String e = err().trim();
		assertTrue(e.startsWith("xai-clip: ") && e.contains("nowhere"), e);
		assertEquals(1, e.split("\n").length, e);
		assertEquals("", out());
	}

	@Test
	void aDataFolderWithoutTheScanIsOneLineNamingTheMissingFile(@TempDir final Path tmp) {
		for (final String command : new String[] { "demo", "bench" }) {
			err.reset();
			assertEquals(2, XaiClip.run(command, "--data", tmp.toString()));
			assertEquals("xai-clip: --data: " + tmp.resolve("totalseg-abdomen-ct").resolve("example_ct_sm.nii.gz")
				+ " not found (expected the totalseg-abdomen-ct scan)", err().trim(), command);
		}
	}

	@Test
	void aDescriptorThatDoesNotFitExitsWithOne(@TempDir final Path tmp) throws Exception {
		final Path unet = Path.of("test-data", "models", "ct-unet");
		org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(unet), "the demo models are in test-data/models");
		final Path copy = Files.createDirectories(tmp.resolve("m"));
		Files.copy(unet.resolve("saved_model.pb"), copy.resolve("saved_model.pb"));
		Files.write(copy.resolve("xai-clip.yaml"), new String(Files.readAllBytes(unet.resolve("xai-clip.yaml")), StandardCharsets.UTF_8)
			.replace("name: probabilities", "name: scores").getBytes(StandardCharsets.UTF_8));
		assertEquals(1, XaiClip.run("inspect", copy.toString()));
		assertTrue(out().contains("output.name: signature 'serving_default' has no output 'scores'"), out());
	}

	@Test
	void theDemoExplainsTheBundledCtAndRoiModeCostsLess(@TempDir final Path tmp) throws Exception {
		final Path out = tmp.resolve("demo");
		assertEquals(0, XaiClip.run("demo", "--out", out.toString()), err());
		final java.util.List<String> rows = Files.readAllLines(out.resolve("results.csv"), StandardCharsets.UTF_8);
		assertEquals("image,slice,target,method,mode,evaluations,seconds,roi_fraction,dice,iou,deletion_auc,insertion_auc,pointing_hit", rows.get(0));
		assertEquals(5, rows.size(), "liver and spleen, full and roi");
		for (int r = 1; r < 5; r += 2) {
			final String[] full = rows.get(r).split(","), roi = rows.get(r + 1).split(",");
			assertEquals("full", full[4]);
			assertEquals("roi", roi[4]);
			assertTrue(Long.parseLong(roi[5]) * 2 < Long.parseLong(full[5]), "roi mode needs far fewer evaluations: " + rows.get(r) + " / " + rows.get(r + 1));
			assertTrue(Double.parseDouble(roi[8]) >= Double.parseDouble(full[8]) - 0.02, "and finds the organ as well: " + rows.get(r + 1));
			assertTrue(Double.parseDouble(full[8]) > 0.7, "occlusion saliency matches the organ: " + rows.get(r));
		}
		for (final String organ : new String[] { "liver", "spleen" }) {
			final ij.ImagePlus tif = ij.IJ.openImage(out.resolve(organ + "_occlusion_roi_saliency.tif").toString());
			assertEquals(32, tif.getBitDepth());
			assertEquals(3.0, tif.getCalibration().pixelWidth, 1e-5, "TIFF stores the resolution as a rational");
			assertEquals("mm", tif.getCalibration().getUnit());
			final java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(out.resolve(organ + "_occlusion_full_overlay.png").toFile());
			assertEquals(tif.getWidth() * 4, png.getWidth());
		}
		try (java.util.stream.Stream<Path> files = Files.list(out)) {
			assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "no partial files");
		}
		assertTrue(out().contains("liver        occlusion roi"), out());
	}

	@Test
	void benchComparesTheModesAndWritesItsReport(@TempDir final Path tmp) throws Exception {
		final Path report = tmp.resolve("docs").resolve("benchmarks.md");
		assertEquals(0, XaiClip.run("bench", "--cases", "paper", "--limit", "2", "--repeats", "1", "--masks", "48", "--samples", "48", "--write",
			report.toString()), err());
		final String md = new String(Files.readAllBytes(report), StandardCharsets.UTF_8);
		assertTrue(md.contains("2 cases") && md.contains("| occlusion | roi |") && md.contains("| lime | full |"), md);
		// roi mode of occlusion evaluates only the windows near the region: far fewer than full mode
		final java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\| occlusion \\| (full|roi) \\| (\\d+) \\|").matcher(md);
		final java.util.Map<String, Integer> evaluations = new java.util.HashMap<>();
		while (m.find())
			evaluations.put(m.group(1), Integer.parseInt(m.group(2)));
		assertTrue(evaluations.get("roi") * 2 < evaluations.get("full"), evaluations.toString());
		assertTrue(md.contains("Batched against single-image passes"), md);

		// the cost comparisons, on small large slices, replace only their own sections
		assertEquals(0, XaiClip.run("bench", "--cases", "crop,refine", "--limit", "1", "--repeats", "1", "--large", "64", "--fine", "8/4", "--coarse",
			"16/8", "--write", report.toString()), err());
		final String both = new String(Files.readAllBytes(report), StandardCharsets.UTF_8);
		assertTrue(both.contains(md.substring(md.indexOf("<!-- bench:paper begin -->"), md.indexOf("<!-- bench:paper end -->"))), "paper kept:\n" + both);
		assertTrue(both.indexOf("<!-- bench:paper end -->") < both.indexOf("<!-- bench:crop begin -->")
			&& both.indexOf("<!-- bench:crop end -->") < both.indexOf("<!-- bench:refine begin -->"), both);
		assertTrue(both.contains("| native 122x101 | 1 | 8/4 | cropped |") && both.contains("| 64x64 | 1 | 8/4 | whole image |"), both);
		assertTrue(both.contains("| fraction | evaluations | ratio | Dice | change | IoU | change |") && both.contains("**Total reduction"), both);
		assertEquals(2, XaiClip.run("bench", "--cases", "crops"));
		assertTrue(err().contains("--cases: expected names among paper, crop, refine, got 'crops'"), err());
	}
}
