package io.github.xaiclip.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.ItemIO;
import org.scijava.command.CommandService;
import org.scijava.log.LogService;
import org.scijava.module.ModuleItem;
import org.scijava.plugin.Parameter;
import org.scijava.script.ScriptInfo;

/**
 * The files under macros/ speak the commands' language: every option they pass to an XAI-CLIP command is one of its
 * parameters, and the headless script's #@ header is what SciJava reads. (The macros run for real in
 * scripts/imagej-e2e.sh, in ImageJ under Xvfb; the Groovy script needs Fiji's Groovy, which the build does not have.)
 */
class MacroFilesTest {

	private static List<String> parameterNames(final Class<? extends XaiClipCommand> c) {
		final List<String> names = new ArrayList<>();
		for (final Field f : Ij1Plugins.parameters(c))
			names.add(f.getName());
		return names;
	}

	/** The keys of the options of each {@code run("<label>", "...")} in a macro, then those of its ground-truth options. */
	private static List<String> optionKeys(final String macro, final String label) {
		final List<String> keys = new ArrayList<>();
		final Matcher run = Pattern.compile("run\\(\"" + Pattern.quote(label) + "\",\\s*(\"[^;]*)\\);").matcher(macro);
		final Matcher truth = Pattern.compile("truth = (\" [^;]*);").matcher(macro);
		for (final Matcher m : new Matcher[] { run, truth })
			while (m.find()) {
				final Matcher key = Pattern.compile("[\" ]([a-z_]+)=").matcher(m.group(1));
				while (key.find())
					keys.add(key.group(1));
			}
		return keys;
	}

	@Test
	void theMacrosPassOnlyParametersOfTheCommands() throws Exception {
		final String folder = new String(Files.readAllBytes(Paths.get("macros/explain_folder.ijm")), StandardCharsets.UTF_8);
		final List<String> explain = optionKeys(folder, "Explain Segmentation...");
		assertEquals(List.of("seg_model", "target", "roi_source", "prompt", "clip_model", "method", "mode", "slices", "gt_labels", "gt_value"), explain);
		assertTrue(parameterNames(ExplainSegmentationCommand.class).containsAll(explain));
		final String compare = new String(Files.readAllBytes(Paths.get("macros/compare_methods.ijm")), StandardCharsets.UTF_8);
		final List<String> keys = optionKeys(compare, "Compare Explanations...");
		assertEquals(List.of("seg_model", "target", "roi_source", "clip_model", "prompt", "methods", "gt_labels", "gt_value"), keys);
		assertTrue(parameterNames(CompareExplanationsCommand.class).containsAll(keys));
	}

	@Test
	void theHeadlessScriptDeclaresItsParametersAndCallsTheCommandByItsNames() throws Exception {
		final Path script = Paths.get("macros/explain_headless.groovy");
		final Map<String, Class<?>> inputs = new LinkedHashMap<>();
		try (Context context = new Context()) {
			final ScriptInfo info = new ScriptInfo(context, script.toFile());
			for (final ModuleItem<?> item : info.inputs())
				inputs.put(item.getName(), item.getType());
		}
		assertEquals(File.class, inputs.get("image_file"));
		assertEquals(File.class, inputs.get("seg_model"));
		assertEquals(String.class, inputs.get("target"));
		assertEquals(CommandService.class, inputs.get("command"));
		assertEquals(LogService.class, inputs.get("log"));
		assertEquals(11, inputs.size(), inputs.toString());

		final String text = new String(Files.readAllBytes(script), StandardCharsets.UTF_8);
		final Matcher call = Pattern.compile("command\\.run\\(ExplainSegmentationCommand, true,([^)]*)\\)", Pattern.DOTALL).matcher(text);
		assertTrue(call.find());
		final Matcher pair = Pattern.compile("\"([a-z_]+)\",\\s*([^,]+)").matcher(call.group(1));
		final List<String> keys = new ArrayList<>();
		while (pair.find())
			keys.add(pair.group(1));
		assertEquals(List.of("image", "seg_model", "target", "roi_source", "clip_model", "prompt", "method", "mode", "slices"), keys);
		assertTrue(parameterNames(ExplainSegmentationCommand.class).containsAll(keys));
		for (final String output : new String[] { "saliency", "overlay" }) {
			assertTrue(text.contains("module.getOutput(\"" + output + "\")"));
			final Field f = ExplainSegmentationCommand.class.getDeclaredField(output);
			assertEquals(ItemIO.OUTPUT, f.getAnnotation(Parameter.class).type());
		}
		assertFalse(text.contains("\t "), "tabs, then no spaces, for indentation");
	}
}
