package io.github.xaiclip.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the runtime's jars are found: on the class path, else in the private folder a Fiji installation holds them in. */
class ModelRuntimesTest {

	private static final String[] JARS = { "tensorflow-core-api-1.1.0.jar", "tensorflow-core-native-1.1.0.jar",
		"tensorflow-core-native-1.1.0-linux-x86_64.jar", "ndarray-1.0.0.jar", "protobuf-java-3.21.9.jar", "javacpp-1.5.11.jar" };

	private static List<String> names(final List<URL> urls) {
		final List<String> out = new ArrayList<>();
		for (final URL u : urls)
			out.add(u.getPath().substring(u.getPath().lastIndexOf('/') + 1));
		return out;
	}

	private static void touch(final Path folder, final String... names) throws Exception {
		Files.createDirectories(folder);
		for (final String n : names)
			Files.write(folder.resolve(n), new byte[0]);
	}

	@Test
	void fijiKeepsTheRuntimeInLibXaiClipOffItsClassPath(@TempDir final Path tmp) throws Exception {
		final Path fiji = tmp.resolve("Fiji.app");
		touch(fiji.resolve("jars"), "XAI_CLIP-0.1.0.jar", "snakeyaml-2.3.jar", "libtensorflow-1.15.0.jar");
		touch(fiji.resolve("lib/xai-clip"), JARS);
		final URL own = fiji.resolve("jars/XAI_CLIP-0.1.0.jar").toUri().toURL();
		try (URLClassLoader plugin = new URLClassLoader(new URL[] { own, fiji.resolve("jars/libtensorflow-1.15.0.jar").toUri().toURL() }, null)) {
			final List<String> found = names(ModelRuntimes.runtimeClassPath(plugin, "", own, null));
			assertEquals("XAI_CLIP-0.1.0.jar", found.get(0), "the plugin's own code first");
			assertEquals(7, found.size(), found.toString());
			for (final String j : JARS)
				assertTrue(found.contains(j), j + " in " + found);
		}
	}

	@Test
	void plainImageJHasTheRuntimeOnItsPluginClassPath(@TempDir final Path tmp) throws Exception {
		final Path plugins = tmp.resolve("ImageJ/plugins");
		touch(plugins, "XAI_CLIP-0.1.0.jar");
		touch(plugins.resolve("jars"), JARS);
		final List<URL> path = new ArrayList<>();
		path.add(plugins.resolve("XAI_CLIP-0.1.0.jar").toUri().toURL());
		for (final String j : JARS)
			path.add(plugins.resolve("jars").resolve(j).toUri().toURL());
		try (URLClassLoader plugin = new URLClassLoader(path.toArray(new URL[0]), null)) {
			assertEquals(7, ModelRuntimes.runtimeClassPath(plugin, "", path.get(0), null).size());
		}
	}

	@Test
	void aFolderNamedByThePropertyIsUsedWhenTheClassPathLacksTheRuntime(@TempDir final Path tmp) throws Exception {
		touch(tmp.resolve("somewhere"), JARS);
		touch(tmp.resolve("app/jars"), "XAI_CLIP-0.1.0.jar");
		final URL own = tmp.resolve("app/jars/XAI_CLIP-0.1.0.jar").toUri().toURL();
		try (URLClassLoader plugin = new URLClassLoader(new URL[] { own }, null)) {
			assertEquals(7, ModelRuntimes.runtimeClassPath(plugin, "", own, tmp.resolve("somewhere").toString()).size());
		}
	}

	@Test
	void anIncompleteFolderCountsAsNoRuntime(@TempDir final Path tmp) throws Exception {
		touch(tmp.resolve("app/jars"), "XAI_CLIP-0.1.0.jar");
		touch(tmp.resolve("app/lib/xai-clip"), "tensorflow-core-api-1.1.0.jar", "ndarray-1.0.0.jar");
		final URL own = tmp.resolve("app/jars/XAI_CLIP-0.1.0.jar").toUri().toURL();
		try (URLClassLoader plugin = new URLClassLoader(new URL[] { own }, null)) {
			assertTrue(ModelRuntimes.runtimeClassPath(plugin, "", own, null).isEmpty());
		}
	}
}
