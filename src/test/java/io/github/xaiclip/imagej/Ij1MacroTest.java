package io.github.xaiclip.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.event.KeyEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Hashtable;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;
import ij.Menus;
import ij.WindowManager;
import ij.io.FileSaver;
import ij.measure.ResultsTable;
import ij.macro.Interpreter;

/**
 * Real macro strings through ImageJ 1.x's macro interpreter, headless: {@code run("Explain Segmentation...", ...)}
 * reaches the plugin that plugins.config names, with the options parsed by the same names as in Fiji.
 */
class Ij1MacroTest {

	static final String UNET = Paths.get("test-data/models/ct-unet").toAbsolutePath().toString();
	static final String CLIP = Paths.get("test-data/models/ct-clip").toAbsolutePath().toString();
	static final Path SLICES = CtSlices.FOLDER.toAbsolutePath();

	/**
	 * ImageJ builds its command table with its menu bar, which needs a display; headless, the table gets the entries
	 * of our plugins.config, read from the file that goes into the jar.
	 */
	@BeforeAll
	static void installPluginsConfig() throws Exception {
		final Field table = Menus.class.getDeclaredField("pluginsTable");
		table.setAccessible(true);
		@SuppressWarnings("unchecked")
		Hashtable<String, String> commands = (Hashtable<String, String>) table.get(null);
		if (commands == null) {
			commands = new Hashtable<>();
			table.set(null, commands);
		}
		final Pattern entry = Pattern.compile("^([^#,][^,]*),\\s*\"([^\"]+)\",\\s*(\\S+)\\s*$");
		for (final String line : Files.readAllLines(Paths.get("plugins.config"), StandardCharsets.UTF_8)) {
			final Matcher m = entry.matcher(line);
			if (m.matches()) commands.put(m.group(2), m.group(3));
		}
		assertEquals(4, commands.size(), commands.toString());
	}

	@AfterEach
	void closeImages() {
		IJ.resetEscape();
		// a macro run by IJ.runMacro leaves its batch-mode images behind for its caller
		for (final int id : Interpreter.getBatchModeImageIDs())
			Interpreter.removeBatchModeImage(WindowManager.getImage(id));
		Interpreter.batchMode = false;
	}

	/** Runs a macro, returning what it returns and what it printed (ImageJ's log goes to standard output headless). */
	static String[] macro(final String code) {
		final PrintStream out = System.out;
		final ByteArrayOutputStream printed = new ByteArrayOutputStream();
		System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
		final String returned;
		try {
			returned = IJ.runMacro(code);
		}
		finally {
			System.setOut(out);
		}
		final String log = printed.toString(StandardCharsets.UTF_8);
		out.print(log);
		return new String[] { returned, log };
	}

	@Test
	void explainRunsFromAMacroWithFijisParameterNames() {
		final int rowsBefore = ResultsTables.get().size();
		final String[] r = macro("setBatchMode(true);\n" //
			+ "open('" + SLICES.resolve("labels/ct_z17.tif") + "'); rename('truth');\n" //
			+ "open('" + SLICES.resolve("images/ct_z17.tif") + "');\n" //
			+ "run('Explain Segmentation...', 'seg_model=[" + UNET + "] target=liver roi_source=text prompt=liver clip_model=[" + CLIP + "] "
			+ "method=occlusion mode=roi gt_labels=truth gt_value=5 faithfulness_steps=5');\n" //
			+ "selectImage('ct_z17_occlusion_roi_saliency');\n" //
			+ "getPixelSize(unit, pw, ph); getStatistics(area, mean, min, max);\n" //
			+ "s = '' + bitDepth() + ' ' + getWidth() + 'x' + getHeight() + ' ' + unit + ' ' + d2s(pw, 1) + ' ' + (max > 0);\n" //
			+ "selectImage('ct_z17_occlusion_roi_overlay');\n" //
			+ "return s + ' ' + bitDepth() + ' ' + nImages;\n");
		assertEquals("32 122x101 mm 3.0 1 24 4", r[0]);
		assertTrue(r[1].contains("'ct_z17.tif': 16-bit values converted to 32-bit signed values (its calibration subtracts 32768) for the model"), r[1]);
		final ResultsTable rt = ResultsTables.get();
		assertEquals(rowsBefore + 1, rt.size());
		assertEquals("ct_z17.tif", rt.getStringValue("image", rt.size() - 1));
		assertTrue(rt.getValue("dice", rt.size() - 1) > 0.6);
		assertEquals(1, rt.getValue("pointing_hit", rt.size() - 1), 0);
	}

	@Test
	void localizeAndModelInfoRunFromMacrosToo() {
		final String[] r = macro("setBatchMode(true);\nopen('" + SLICES.resolve("images/ct_z22.tif") + "');\n" //
			+ "run('Localize Region from Text...', 'clip_model=[" + CLIP + "] prompt=liver slices=current');\n" //
			+ "s = getTitle() + ' ' + bitDepth() + ' ' + selectionType();\n" //
			+ "run('Model Info...', 'model=[" + UNET + "]');\n" //
			+ "return s;\n");
		assertEquals("ct_z22_similarity 32 4", r[0], "a 32-bit similarity map with the region as its (traced) selection");
		assertTrue(r[1].contains("descriptor: fits the SavedModel"), r[1]);
	}

	@Test
	void badInputIsOneLogLineAndStopsTheMacro() {
		final int rowsBefore = ResultsTables.get().size();
		String[] r = macro("setBatchMode(true);\nrun('Explain Segmentation...', 'seg_model=[" + UNET + "] target=liver roi_source=prediction');\n"
			+ "print('not reached');\n");
		assertLines(r[1], "XAI-CLIP: image: no image is open; open the image to explain first (File>Open...)");

		r = macro("setBatchMode(true);\nopen('" + SLICES.resolve("images/ct_z12.tif") + "');\n"
			+ "run('Explain Segmentation...', 'seg_model=[/no/such/model] target=liver roi_source=prediction');\nprint('not reached');\n");
		assertLines(r[1], "XAI-CLIP: seg_model: /no/such/model is not a folder; expected a model folder with xai-clip.yaml");

		r = macro("setBatchMode(true);\nopen('" + SLICES.resolve("images/ct_z12.tif") + "');\n"
			+ "run('Explain Segmentation...', 'seg_model=[" + UNET + "] target=liver roi_source=prediction window=eight');\nprint('not reached');\n");
		assertLines(r[1], "XAI-CLIP: window: expected a whole number, got 'eight'");

		r = macro("setBatchMode(true);\nnewImage('tiny', '32-bit black', 3, 3, 1);\nsetVoxelSize(3, 3, 1, 'mm');\n"
			+ "run('Explain Segmentation...', 'seg_model=[" + UNET + "] target=liver roi_source=none mode=full');\nprint('not reached');\n");
		assertTrue(r[1].contains("smaller than the model needs"), r[1]);
		assertFalse(r[1].contains("not reached"));
		assertEquals(rowsBefore, ResultsTables.get().size(), "no rows from refused runs");
	}

	private static void assertLines(final String log, final String... expected) {
		final List<String> lines = log.lines().filter(l -> !l.isBlank() && !l.startsWith("W0000") && !l.startsWith("I0000")).collect(
			java.util.stream.Collectors.toList());
		assertEquals(expected.length, lines.size(), log);
		for (int i = 0; i < expected.length; i++)
			assertTrue(lines.get(i).startsWith(expected[i]), "line " + i + ": " + lines.get(i));
	}

	@Test
	void rgbAndStacksAreConvertedAndSaySo() {
		final String[] r = macro("setBatchMode(true);\nnewImage('rgb', 'RGB ramp', 64, 48, 1);\nmakeOval(10, 10, 30, 20);\n"
			+ "run('Explain Segmentation...', 'seg_model=[" + UNET + "] target=liver roi_source=selection method=occlusion stride=8 mode=roi "
			+ "faithfulness_steps=0');\n" //
			+ "newImage('stack', '32-bit ramp', 64, 48, 3);\nsetSlice(2);\n"
			+ "run('Explain Segmentation...', 'seg_model=[" + UNET + "] target=liver roi_source=none method=occlusion stride=8 mode=full "
			+ "faithfulness_steps=0');\n" //
			+ "s = getTitle() + ' ' + nSlices; selectImage('rgb_occlusion_roi_saliency');\nreturn s + ' ' + bitDepth();\n");
		assertEquals("stack_occlusion_full_overlay 1 32", r[0]);
		assertTrue(r[1].contains("'rgb': RGB image converted to grey (the mean of red, green and blue) for the model"), r[1]);
		assertTrue(r[1].contains("'stack': the model takes 2D images; only slice 2 of 3 is explained (slices=all explains each)"), r[1]);
	}

	@Test
	void escInTheMiddleOfAStackStopsTheMacroAndAddsNothing(@TempDir final Path tmp) throws Exception {
		final ImagePlus stack = SciJavaCommandsTest.substack(CtSlices.ct(), 10, 11, 12, 13, 14, 15);
		final Path file = tmp.resolve("stack.tif");
		assertTrue(new FileSaver(stack).saveAsTiffStack(file.toString()));
		final String explain = "run('Explain Segmentation...', 'seg_model=[" + UNET + "] target=liver roi_source=none method=occlusion stride=8 mode=full "
			+ "faithfulness_steps=0";
		// how long one slice takes here, to press Esc while the stack is about its second slice
		final long t0 = System.nanoTime();
		macro("setBatchMode(true);\nopen('" + file + "');\n" + explain + "');\n");
		final long slice = (System.nanoTime() - t0) / 1_000_000;
		closeImages();
		final int rowsBefore = ResultsTables.get().size();
		final Thread esc = new Thread(() -> {
			try {
				Thread.sleep(Math.max(500, 3 * slice / 2));
				while (!Thread.currentThread().isInterrupted()) {
					IJ.setKeyDown(KeyEvent.VK_ESCAPE);
					Thread.sleep(50);
				}
			}
			catch (final InterruptedException e) {
				// done
			}
		});
		esc.start();
		final String[] r;
		try {
			r = macro("setBatchMode(true);\nopen('" + file + "');\n" + explain + " slices=all');\nprint('not reached');\n");
		}
		finally {
			esc.interrupt();
			esc.join();
		}
		assertTrue(Pattern.compile("XAI-CLIP: canceled after \\d+ of 6 slices; no images, rows or regions were added").matcher(r[1]).find(), r[1]);
		assertFalse(r[1].contains("not reached"), r[1]);
		assertEquals(rowsBefore, ResultsTables.get().size());
		assertEquals(null, WindowManager.getImage("stack_occlusion_full_saliency"));
	}
}
