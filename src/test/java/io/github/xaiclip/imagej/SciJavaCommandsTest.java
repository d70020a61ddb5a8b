package io.github.xaiclip.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.event.KeyEvent;
import java.io.File;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.app.event.StatusEvent;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.event.EventHandler;
import org.scijava.event.EventService;
import org.scijava.prefs.PrefService;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.OvalRoi;
import ij.measure.ResultsTable;
import ij.plugin.SubstackMaker;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.LUT;
import io.github.xaiclip.pipeline.SliceResult;
import io.github.xaiclip.roi.Roi;

/**
 * The Fiji commands run as Fiji runs them — through a SciJava context, headless — on the bundled CT with the demo
 * models: the output images, table rows and regions, and the messages for what goes wrong.
 */
class SciJavaCommandsTest {

	static final File UNET = Paths.get("test-data/models/ct-unet").toFile(), CLIP = Paths.get("test-data/models/ct-clip").toFile();

	private static Context context;
	private static CommandService commands;
	private static ImagePlus ct, labels;

	@BeforeAll
	static void start() {
		context = new Context();
		commands = context.service(CommandService.class);
		ct = CtSlices.ct();
		labels = CtSlices.labels();
	}

	@AfterAll
	static void stop() {
		context.dispose();
	}

	@BeforeEach
	void forgetLastValues() {
		// SciJava remembers the inputs of each run; every test states its own
		final PrefService prefs = context.service(PrefService.class);
		for (final Class<?> c : new Class<?>[] { ExplainSegmentationCommand.class, CompareExplanationsCommand.class, LocalizeRegionCommand.class,
			ModelInfoCommand.class })
			prefs.clear(c);
	}

	@AfterEach
	void releaseEsc() {
		IJ.resetEscape();
	}

	static CommandModule run(final Class<? extends XaiClipCommand> command, final Object... keyValues) throws Exception {
		final Map<String, Object> inputs = new LinkedHashMap<>();
		for (int i = 0; i < keyValues.length; i += 2)
			inputs.put((String) keyValues[i], keyValues[i + 1]);
		return commands.run(command, true, inputs).get();
	}

	/** Slices {@code z} (0-based) of {@code imp} as a stack. */
	static ImagePlus substack(final ImagePlus imp, final int... z) {
		final StringBuilder list = new StringBuilder();
		for (final int s : z)
			list.append(list.length() == 0 ? "" : ",").append(s + 1);
		final ImagePlus sub = new SubstackMaker().makeSubstack(imp, list.toString());
		sub.setTitle(imp.getTitle() + "_sub");
		sub.setCalibration(imp.getCalibration().copy());
		return sub;
	}

	/** The liver on slice {@code z} of the label map. */
	static Roi liver(final int z) {
		final ImageProcessor ip = labels.getStack().getProcessor(z + 1);
		final boolean[] m = new boolean[ip.getPixelCount()];
		for (int p = 0; p < m.length; p++)
			m[p] = ip.get(p) == CtSlices.LIVER;
		return Roi.ofMask(ip.getWidth(), ip.getHeight(), m, "liver");
	}

	private static int area(final ij.gui.Roi r, final Roi within) {
		int n = 0, inside = 0;
		for (final java.awt.Point p : r.getContainedPoints()) {
			n++;
			if (within.contains(p.x, p.y)) inside++;
		}
		return n == 0 ? 0 : (int) Math.round(100.0 * inside / n);
	}

	@Test
	void explainsASignedSixteenBitSliceFromATextPrompt() throws Exception {
		final ImagePlus image = CtSlices.ctSlice(ct, 17), gt = CtSlices.labelSlice(labels, 17);
		final int rowsBefore = ResultsTables.get().size();
		final CommandModule m = run(ExplainSegmentationCommand.class, "image", image, "seg_model", UNET, "target", "liver", "roi_source", "text",
			"prompt", "liver", "clip_model", CLIP, "method", "occlusion", "mode", "roi", "gt_labels", gt, "gt_value", 5.0, "faithfulness_steps", 5);
		assertFalse(m.isCanceled(), m.getCancelReason());
		final ExplainSegmentationCommand c = (ExplainSegmentationCommand) m.getDelegateObject();
		assertTrue(c.notes().get(0).contains("16-bit values converted to 32-bit signed values"), c.notes().toString());

		// the saliency image: 32-bit, heat colour table, the input's calibration, zero where nothing was perturbed
		final ImagePlus saliency = (ImagePlus) m.getOutput("saliency");
		assertEquals("ct_z17_occlusion_roi_saliency", saliency.getTitle());
		assertEquals(ImagePlus.GRAY32, saliency.getType());
		assertEquals(image.getCalibration().pixelWidth, saliency.getCalibration().pixelWidth, 0);
		assertEquals("mm", saliency.getCalibration().getUnit());
		final LUT lut = saliency.getProcessor().getLut();
		assertEquals(0xffffff, lut.getRGB(255) & 0xffffff, "white at the top");
		assertEquals(0x000000, lut.getRGB(0) & 0xffffff, "black at zero");
		assertEquals(0xff0000, lut.getRGB(85) & 0xffffff, "red a third of the way");
		final SliceResult result = c.results().get(0);
		final float[] values = (float[]) saliency.getProcessor().getPixels();
		assertArrayEquals(result.explanation().saliencyValues(), values, 0);
		// windows that touch the region reach at most a window's width beyond it
		final Roi perturbed = result.explanation().roi().dilate(8 * Math.sqrt(2));
		double max = 0;
		int maxAt = -1;
		for (int p = 0; p < values.length; p++) {
			if (!perturbed.contains(p)) assertEquals(0, values[p], 0, "saliency far from the region");
			if (values[p] > max) {
				max = values[p];
				maxAt = p;
			}
		}
		assertEquals(max, saliency.getDisplayRangeMax(), 1e-6);
		assertTrue(liver(17).contains(maxAt), "the saliency maximum lies in the liver");

		// the overlay: RGB, the region outlined in cyan, the ground truth in green
		final ImagePlus overlay = (ImagePlus) m.getOutput("overlay");
		assertEquals("ct_z17_occlusion_roi_overlay", overlay.getTitle());
		assertTrue(overlay.getProcessor() instanceof ColorProcessor);
		assertEquals(image.getWidth(), overlay.getWidth());
		int cyan = 0, green = 0;
		for (final int rgb : (int[]) overlay.getProcessor().getPixels()) {
			if ((rgb & 0xffffff) == 0x00e6ff) cyan++;
			if ((rgb & 0xffffff) == 0x3cdc3c) green++;
		}
		assertTrue(cyan > 50 && green > 50, "outlines: " + cyan + " cyan, " + green + " green pixels");

		// one row in the results table, as the pipeline computed it
		final ResultsTable rt = ResultsTables.get();
		assertEquals(rowsBefore + 1, rt.size());
		final int row = rt.size() - 1;
		assertEquals("ct_z17.tif", rt.getStringValue("image", row));
		assertEquals("liver", rt.getStringValue("target", row));
		assertEquals("occlusion", rt.getStringValue("method", row));
		assertEquals("roi", rt.getStringValue("mode", row));
		assertEquals(1, rt.getValue("slice", row), 0);
		assertEquals(result.explanation().evaluations(), rt.getValue("evaluations", row), 0);
		assertEquals(result.overlap().dice, rt.getValue("dice", row), 1e-9);
		assertTrue(rt.getValue("dice", row) > 0.6, "saliency Dice " + rt.getValue("dice", row));
		assertEquals(1, rt.getValue("pointing_hit", row), 0);
		assertTrue(rt.getValue("roi_fraction", row) < 0.5);
		assertTrue(rt.getValue("deletion_auc", row) < rt.getValue("insertion_auc", row));

		// the region found from the text: on the liver
		assertEquals(1, c.regions().size());
		assertTrue(c.regions().get(0).getName().contains("text 'liver'"), c.regions().get(0).getName());
		assertTrue(area(c.regions().get(0), liver(17)) > 60, "the text region lies mostly on the liver");
	}

	@Test
	void explainsEverySliceOfAStackFromALabelImage() throws Exception {
		final ImagePlus stack = substack(ct, 12, 17, 22), lab = substack(labels, 12, 17, 22);
		final Object[] stackBefore = new Object[3], labBefore = new Object[3];
		for (int i = 0; i < 3; i++) {
			stackBefore[i] = stack.getStack().getProcessor(i + 1).getPixelsCopy();
			labBefore[i] = lab.getStack().getProcessor(i + 1).getPixelsCopy();
		}
		final int rowsBefore = ResultsTables.get().size();
		final CommandModule m = run(ExplainSegmentationCommand.class, "image", stack, "seg_model", UNET, "target", "liver", "roi_source", "label",
			"roi_labels", lab, "roi_value", 5.0, "method", "rise", "masks", 40, "mode", "roi", "slices", "all", "faithfulness_steps", 0, "gt_labels", lab,
			"gt_value", 5.0);
		assertFalse(m.isCanceled(), m.getCancelReason());
		for (int i = 0; i < 3; i++) {
			assertTrue(java.util.Objects.deepEquals(stackBefore[i], stack.getStack().getPixels(i + 1)), "the image is not modified, slice " + (i + 1));
			assertTrue(java.util.Objects.deepEquals(labBefore[i], lab.getStack().getPixels(i + 1)), "the label image is not modified, slice " + (i + 1));
		}
		assertEquals("example_ct_sm_sub", stack.getTitle());
		assertNull(stack.getRoi(), "no selection is left on the image");
		final ExplainSegmentationCommand c = (ExplainSegmentationCommand) m.getDelegateObject();
		assertTrue(c.notes().contains("'example_ct_sm_sub': the model takes 2D images; each of the 3 slices is explained on its own"), c.notes().toString());
		final ImagePlus saliency = (ImagePlus) m.getOutput("saliency"), overlay = (ImagePlus) m.getOutput("overlay");
		assertEquals("example_ct_sm_sub_rise_roi_saliency", saliency.getTitle());
		assertEquals(3, saliency.getStackSize());
		assertEquals(3, overlay.getStackSize());
		assertEquals("slice 2", saliency.getStack().getSliceLabel(2));
		final ResultsTable rt = ResultsTables.get();
		assertEquals(rowsBefore + 3, rt.size());
		for (int i = 0; i < 3; i++) {
			assertEquals(i + 1, rt.getValue("slice", rowsBefore + i), 0);
			assertEquals("rise", rt.getStringValue("method", rowsBefore + i));
			assertEquals(1, rt.getValue("pointing_hit", rowsBefore + i), 0, "slice " + (i + 1));
		}
		assertEquals(3, c.regions().size());
		for (int i = 0; i < 3; i++) {
			assertEquals(i + 1, c.regions().get(i).getPosition());
			assertTrue(area(c.regions().get(i), liver(new int[] { 12, 17, 22 }[i])) == 100, "the label region is the liver");
		}
	}

	@Test
	void comparesFullAndRoiModeOfEachMethodInOneTable() throws Exception {
		final ImagePlus image = CtSlices.ctSlice(ct, 22);
		final int rowsBefore = ResultsTables.get().size();
		final CommandModule m = run(CompareExplanationsCommand.class, "image", image, "seg_model", UNET, "target", "liver", "roi_source", "prediction",
			"methods", "occlusion, lime", "stride", 8, "superpixels", 30, "samples", 40, "faithfulness_steps", 0);
		assertFalse(m.isCanceled(), m.getCancelReason());
		final ResultsTable rt = ResultsTables.get();
		assertEquals(rowsBefore + 4, rt.size());
		final String[] expected = { "occlusion full", "occlusion roi", "lime full", "lime roi" };
		for (int i = 0; i < 4; i++)
			assertEquals(expected[i], rt.getStringValue("method", rowsBefore + i) + " " + rt.getStringValue("mode", rowsBefore + i));
		assertTrue(rt.getValue("evaluations", rowsBefore + 1) < rt.getValue("evaluations", rowsBefore), "roi mode evaluates fewer occlusion windows");
		assertTrue(rt.getValue("roi_fraction", rowsBefore + 1) < 1 && rt.getValue("roi_fraction", rowsBefore) == 1);
		final List<SliceResult> results = ((CompareExplanationsCommand) m.getDelegateObject()).results();
		assertEquals(4, results.size());
	}

	@Test
	void localizesATextPromptAsASimilarityMapAndARegion() throws Exception {
		final ImagePlus image = CtSlices.ctSlice(ct, 17);
		final CommandModule m = run(LocalizeRegionCommand.class, "image", image, "clip_model", CLIP, "prompt", "liver", "slices", "current");
		assertFalse(m.isCanceled(), m.getCancelReason());
		final ImagePlus similarity = (ImagePlus) m.getOutput("similarity");
		assertEquals("ct_z17_similarity", similarity.getTitle());
		assertEquals(ImagePlus.GRAY32, similarity.getType());
		assertEquals(3.0, similarity.getCalibration().pixelWidth, 1e-3);
		final ij.gui.Roi region = similarity.getRoi();
		assertTrue(region != null && region.getName().contains("'liver'"));
		assertTrue(area(region, liver(17)) > 60, "the region lies mostly on the liver");
		final FloatProcessor fp = (FloatProcessor) similarity.getProcessor();
		int maxAt = 0;
		for (int p = 1; p < fp.getPixelCount(); p++)
			if (fp.getf(p) > fp.getf(maxAt)) maxAt = p;
		assertTrue(liver(17).contains(maxAt), "the similarity maximum lies in the liver");
	}

	@Test
	void modelInfoSaysWhetherTheDescriptorFits() throws Exception {
		final CommandModule m = run(ModelInfoCommand.class, "model", UNET);
		assertFalse(m.isCanceled(), m.getCancelReason());
		final String info = (String) m.getOutput("info");
		assertTrue(info.contains("serving_default") && info.contains("probabilities"), info);
		assertTrue(((ModelInfoCommand) m.getDelegateObject()).fits());

		final CommandModule missing = run(ModelInfoCommand.class, "model", new File("no/such/model"));
		assertTrue(missing.isCanceled());
		assertEquals("model: no/such/model is not a folder; expected a model folder with saved_model.pb and xai-clip.yaml", missing.getCancelReason());
		assertNull(missing.getOutput("info"));
	}

	@Test
	void badInputIsOneMessageThatSaysWhatToFixAndLeavesNoOutputs() throws Exception {
		final ImagePlus image = CtSlices.ctSlice(ct, 17);
		final Object[] ok = { "seg_model", UNET, "target", "liver", "roi_source", "prediction", "mode", "full", "faithfulness_steps", 0 };
		final int rowsBefore = ResultsTables.get().size();

		assertEquals("image: no image is open; open the image to explain first (File>Open...)", reason(ExplainSegmentationCommand.class, ok));
		assertEquals("seg_model: no/such/model is not a folder; expected a model folder with xai-clip.yaml",
			reason(ExplainSegmentationCommand.class, "image", image, "seg_model", new File("no/such/model"), "target", "liver"));
		assertEquals("target: missing; expected one of [background, liver, spleen, kidney_right, kidney_left, stomach]",
			reason(ExplainSegmentationCommand.class, "image", image, "seg_model", UNET, "target", ""));
		final ImagePlus tiny = new ImagePlus("tiny.tif", new FloatProcessor(3, 3));
		tiny.setCalibration(image.getCalibration().copy());
		assertEquals("image: 'tiny.tif' is 3x3 pixels, smaller than the model needs; " + UNET.toPath() + " takes images of at least 4x4 pixels",
			reason(ExplainSegmentationCommand.class, with(ok, "image", tiny)));
		final ImagePlus channels = IJ.createHyperStack("two channels", 122, 101, 2, 1, 1, 32);
		assertEquals("image: 'two channels' has 2 channels; expected one (split them with Image>Color>Split Channels and choose one)",
			reason(ExplainSegmentationCommand.class, with(ok, "image", channels)));
		assertEquals("roi_source: selection, but 'ct_z17.tif' has no area selection; draw one or choose another roi_source",
			reason(ExplainSegmentationCommand.class, with(ok, "image", image, "roi_source", "selection", "mode", "roi")));
		assertEquals("roi_labels: none chosen; roi_source=label needs the label image",
			reason(ExplainSegmentationCommand.class, with(ok, "image", image, "roi_source", "label", "roi_value", 5.0)));
		assertEquals("clip_model: missing; a text region needs a vision-language model folder",
			reason(ExplainSegmentationCommand.class, with(ok, "image", image, "roi_source", "text", "prompt", "liver")));
		assertEquals("window: 8 px is larger than the 6x6 image",
			reason(ExplainSegmentationCommand.class, with(ok, "image", new ImagePlus("six", new FloatProcessor(6, 6)), "roi_source", "none")));
		assertEquals(rowsBefore, ResultsTables.get().size(), "no rows from failed runs");
	}

	private static Object[] with(final Object[] base, final Object... more) {
		final Map<Object, Object> m = new LinkedHashMap<>();
		for (int i = 0; i < base.length; i += 2)
			m.put(base[i], base[i + 1]);
		for (int i = 0; i < more.length; i += 2)
			m.put(more[i], more[i + 1]);
		final Object[] out = new Object[2 * m.size()];
		int i = 0;
		for (final Map.Entry<Object, Object> e : m.entrySet()) {
			out[i++] = e.getKey();
			out[i++] = e.getValue();
		}
		return out;
	}

	private static String reason(final Class<? extends XaiClipCommand> command, final Object... keyValues) throws Exception {
		final CommandModule m = run(command, keyValues);
		assertTrue(m.isCanceled(), "expected the command to refuse its input");
		if (m.getDelegateObject() instanceof ExplainSegmentationCommand) {
			assertNull(m.getOutput("saliency"));
			assertNull(m.getOutput("overlay"));
		}
		return m.getCancelReason();
	}

	@Test
	void rgbInputIsConvertedToGreyAndSaysSo() throws Exception {
		final ImagePlus grey = CtSlices.ctSlice(ct, 17);
		grey.setDisplayRange(32768 - 160, 32768 + 240);
		final ImagePlus rgb = new ImagePlus("ct_rgb.png", grey.getProcessor().convertToRGB());
		rgb.setCalibration(grey.getCalibration().copy());
		rgb.getCalibration().disableDensityCalibration();
		final CommandModule m = run(ExplainSegmentationCommand.class, "image", rgb, "seg_model", UNET, "target", "liver", "roi_source", "selection",
			"method", "occlusion", "stride", 8, "mode", "roi", "faithfulness_steps", 0);
		assertTrue(m.isCanceled(), "no selection yet");
		rgb.setRoi(new OvalRoi(20, 20, 40, 40));
		final CommandModule ok = run(ExplainSegmentationCommand.class, "image", rgb, "seg_model", UNET, "target", "liver", "roi_source", "selection",
			"method", "occlusion", "stride", 8, "mode", "roi", "faithfulness_steps", 0);
		assertFalse(ok.isCanceled(), ok.getCancelReason());
		final ExplainSegmentationCommand c = (ExplainSegmentationCommand) ok.getDelegateObject();
		assertEquals(List.of("'ct_rgb.png': RGB image converted to grey (the mean of red, green and blue) for the model"), c.notes());
		assertEquals(ImagePlus.GRAY32, c.saliency().getType());
		assertTrue(c.regions().get(0).getName().contains("(selection)"));
	}

	/** Presses Esc once the second slice begins. */
	public static final class EscOnSecondSlice {

		volatile boolean pressed;

		@EventHandler
		public void onStatus(final StatusEvent e) {
			if (!pressed && e.getStatusMessage() != null && e.getStatusMessage().contains("(2/3)")) {
				pressed = true;
				IJ.setKeyDown(KeyEvent.VK_ESCAPE);
			}
		}
	}

	@Test
	void escInTheMiddleOfAStackStopsItAndAddsNothing() throws Exception {
		final ImagePlus stack = substack(ct, 12, 17, 22);
		final int rowsBefore = ResultsTables.get().size();
		final EscOnSecondSlice esc = new EscOnSecondSlice();
		context.service(EventService.class).subscribe(esc);
		final CommandModule m = run(ExplainSegmentationCommand.class, "image", stack, "seg_model", UNET, "target", "liver", "roi_source", "prediction",
			"method", "occlusion", "stride", 8, "mode", "roi", "slices", "all", "faithfulness_steps", 0);
		assertTrue(esc.pressed);
		assertTrue(m.isCanceled());
		assertEquals("XAI-CLIP: canceled after 1 of 3 slices; no images, rows or regions were added", m.getCancelReason());
		assertNull(m.getOutput("saliency"));
		assertNull(m.getOutput("overlay"));
		assertEquals(rowsBefore, ResultsTables.get().size());
		assertTrue(((ExplainSegmentationCommand) m.getDelegateObject()).regions().isEmpty());
	}
}
