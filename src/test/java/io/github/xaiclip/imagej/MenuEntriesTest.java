package io.github.xaiclip.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

/**
 * The menus of both hosts: Fiji's SciJava commands and plain ImageJ's plugins.config entries name the same
 * commands under the same labels, each once, and every parameter name reads unambiguously in macro options.
 */
class MenuEntriesTest {

	/** plugins.config: menu label by menu path and label. */
	static Map<String, String> pluginsConfig() throws Exception {
		final Map<String, String> out = new LinkedHashMap<>();
		final Pattern entry = Pattern.compile("^([^#,][^,]*),\\s*\"([^\"]+)\",\\s*(\\S+)\\s*$");
		for (final String line : Files.readAllLines(Paths.get("plugins.config"), StandardCharsets.UTF_8)) {
			final Matcher m = entry.matcher(line);
			if (m.matches()) assertEquals(null, out.put(m.group(1).trim() + ">" + m.group(2), m.group(3)), "twice in plugins.config: " + line);
		}
		return out;
	}

	@Test
	void bothHostsShowTheSameCommandsOnce() throws Exception {
		final Map<String, String> ij1 = pluginsConfig();
		final List<String> fiji = new ArrayList<>();
		try (Context context = new Context(CommandService.class)) {
			for (final CommandInfo info : context.service(CommandService.class).getCommands())
				if (info.getClassName().startsWith("io.github.xaiclip.")) {
					final String path = info.getMenuPath().getMenuString();
					assertFalse(fiji.contains(path), "twice among the SciJava commands: " + path);
					fiji.add(path);
				}
		}
		assertEquals(List.of("Plugins > XAI-CLIP > Compare Explanations...", "Plugins > XAI-CLIP > Explain Segmentation...",
			"Plugins > XAI-CLIP > Localize Region from Text...", "Plugins > XAI-CLIP > Model Info..."), fiji.stream().sorted().collect(
				java.util.stream.Collectors.toList()));
		final List<String> ij1Paths = new ArrayList<>();
		for (final String p : ij1.keySet())
			ij1Paths.add(p.replace(">", " > "));
		assertEquals(fiji.stream().sorted().collect(java.util.stream.Collectors.toList()), ij1Paths.stream().sorted().collect(
			java.util.stream.Collectors.toList()), "plugins.config names the SciJava commands' menu entries");
		for (final String target : ij1.values())
			assertTrue(target.startsWith(XaiClipPlugin.class.getName() + "(\""), target);
	}

	@Test
	void noParameterNameEndsAnotherAfterAnUnderscore() {
		// ImageJ finds "key=" in macro options at any position not after a letter: "image" would match "gt_image=..."
		for (final Class<? extends XaiClipCommand> c : List.of(ExplainSegmentationCommand.class, CompareExplanationsCommand.class,
			LocalizeRegionCommand.class, ModelInfoCommand.class))
		{
			final List<String> names = new ArrayList<>();
			for (final Field f : Ij1Plugins.parameters(c))
				names.add(f.getName());
			for (final String a : names) {
				assertTrue(a.matches("[a-z]+(_[a-z]+)*"), c.getSimpleName() + "." + a + " is not snake_case");
				for (final String b : names)
					assertFalse(!a.equals(b) && b.endsWith("_" + a), c.getSimpleName() + ": '" + a + "=' would match inside '" + b + "='");
			}
		}
	}
}
