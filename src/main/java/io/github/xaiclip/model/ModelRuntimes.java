package io.github.xaiclip.model;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Finds the model runtime. Once per JVM, the runtime's code and the TensorFlow Java jars are loaded in a private
 * child-first class loader, so that other TensorFlow classes on the class path (Fiji's libtensorflow 1.x) do not
 * clash with them; only this package is shared. Where the jars cannot be found as files (an unusual class path),
 * the runtime is loaded from the plugin's own class loader.
 */
public final class ModelRuntimes {

	/** File name prefixes of the jars the runtime needs in its own loader. */
	static final String[] RUNTIME_JARS = { "tensorflow-core-api-", "tensorflow-core-native-", "ndarray-", "protobuf-java-", "javacpp-" };

	private ModelRuntimes() {}

	private static final class Holder {

		static final ModelRuntime RUNTIME = load(ModelRuntimes.class.getClassLoader());
	}

	/** The model runtime, created on first use. */
	public static ModelRuntime get() {
		return Holder.RUNTIME;
	}

	/** Loads the runtime through an isolating loader built from what {@code plugin} sees. */
	static ModelRuntime load(final ClassLoader plugin) {
		final List<URL> urls = runtimeClassPath(plugin);
		final ClassLoader loader = urls.isEmpty() ? plugin : new IsolatingClassLoader(urls.toArray(new URL[0]), plugin);
		final Iterator<ModelRuntime> it = ServiceLoader.load(ModelRuntime.class, loader).iterator();
		if (!it.hasNext()) throw new IllegalStateException("no model runtime found: the TensorFlow runtime of XAI-CLIP is missing from the class path");
		return it.next();
	}

	/**
	 * The plugin's own code location and the runtime jars visible to {@code plugin}, or an empty list when either
	 * cannot be found as a file.
	 */
	static List<URL> runtimeClassPath(final ClassLoader plugin) {
		final Set<URL> candidates = new LinkedHashSet<>();
		for (ClassLoader l = plugin; l != null; l = l.getParent())
			if (l instanceof URLClassLoader) for (final URL u : ((URLClassLoader) l).getURLs())
				candidates.add(u);
		for (final String entry : System.getProperty("java.class.path", "").split(File.pathSeparator))
			if (!entry.isEmpty()) try {
				candidates.add(Paths.get(entry).toUri().toURL());
			}
			catch (final MalformedURLException | RuntimeException e) {
				// not a usable path
			}
		final URL own = ModelRuntimes.class.getProtectionDomain().getCodeSource() == null ? null
			: ModelRuntimes.class.getProtectionDomain().getCodeSource().getLocation();
		if (own == null) return new ArrayList<>();
		final List<URL> out = new ArrayList<>();
		out.add(own);
		final boolean[] found = new boolean[RUNTIME_JARS.length];
		for (final URL u : candidates) {
			final String name = fileName(u);
			for (int i = 0; i < RUNTIME_JARS.length; i++)
				if (name.startsWith(RUNTIME_JARS[i]) && name.endsWith(".jar")) {
					out.add(u);
					found[i] = true;
				}
		}
		for (int i = 0; i < found.length; i++)
			if (!found[i] && !RUNTIME_JARS[i].equals("javacpp-")) return new ArrayList<>();
		return out;
	}

	private static String fileName(final URL u) {
		try {
			final Path p = Paths.get(u.toURI()).getFileName();
			return p == null ? "" : p.toString();
		}
		catch (final URISyntaxException | RuntimeException e) {
			return "";
		}
	}
}
