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
 * <p>
 * The jars are looked for on the plugin's class path (the command line, plain ImageJ's {@code plugins/jars/}) and
 * then in a private folder that the host does not put on its class path: {@code lib/xai-clip/} beside the
 * {@code jars/} folder holding the plugin jar (Fiji, whose launcher adds every jar under {@code jars/} and
 * {@code plugins/} to the class path), or the folder named by the system property {@value #RUNTIME_DIR_PROPERTY}.
 */
public final class ModelRuntimes {

	/** File name prefixes of the jars the runtime needs in its own loader. */
	static final String[] RUNTIME_JARS = { "tensorflow-core-api-", "tensorflow-core-native-", "ndarray-", "protobuf-java-", "javacpp-" };

	/** A folder holding the runtime jars, looked in when they are not on the class path. */
	public static final String RUNTIME_DIR_PROPERTY = "xai-clip.runtime.dir";

	/** The private folder of the runtime jars, relative to the folder that holds {@code jars/} (Fiji.app). */
	public static final String PRIVATE_DIR = "lib/xai-clip";

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
	 * The plugin's own code location and the runtime jars visible to {@code plugin} or in the private folder, or an
	 * empty list when either cannot be found as a file.
	 */
	static List<URL> runtimeClassPath(final ClassLoader plugin) {
		final URL own = ModelRuntimes.class.getProtectionDomain().getCodeSource() == null ? null
			: ModelRuntimes.class.getProtectionDomain().getCodeSource().getLocation();
		return runtimeClassPath(plugin, System.getProperty("java.class.path", ""), own, System.getProperty(RUNTIME_DIR_PROPERTY));
	}

	/**
	 * @param classPath  the JVM's class path ({@code java.class.path})
	 * @param own        where the plugin's classes are (its jar), or null
	 * @param runtimeDir a folder with the runtime jars, or null
	 */
	static List<URL> runtimeClassPath(final ClassLoader plugin, final String classPath, final URL own, final String runtimeDir) {
		if (own == null) return new ArrayList<>();
		final Set<URL> candidates = new LinkedHashSet<>();
		for (ClassLoader l = plugin; l != null; l = l.getParent())
			if (l instanceof URLClassLoader) for (final URL u : ((URLClassLoader) l).getURLs())
				candidates.add(u);
		for (final String entry : classPath.split(File.pathSeparator))
			if (!entry.isEmpty()) try {
				candidates.add(Paths.get(entry).toUri().toURL());
			}
			catch (final MalformedURLException | RuntimeException e) {
				// not a usable path
			}
		List<URL> found = runtimeJars(candidates);
		if (found.isEmpty()) found = runtimeJars(jarsIn(privateFolders(own, runtimeDir)));
		if (found.isEmpty()) return found;
		final List<URL> out = new ArrayList<>();
		out.add(own);
		out.addAll(found);
		return out;
	}

	/** The runtime jars among {@code candidates}, or an empty list unless all that are needed are there. */
	private static List<URL> runtimeJars(final Iterable<URL> candidates) {
		final List<URL> out = new ArrayList<>();
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

	/** The property's folder, then {@value #PRIVATE_DIR} beside the {@code jars/} folder holding the plugin jar. */
	static List<Path> privateFolders(final URL own, final String runtimeDir) {
		final List<Path> out = new ArrayList<>();
		if (runtimeDir != null && !runtimeDir.trim().isEmpty()) out.add(Paths.get(runtimeDir.trim()));
		try {
			final Path jar = Paths.get(own.toURI());
			final Path dir = jar.getParent();
			if (dir != null && dir.getParent() != null) out.add(dir.getParent().resolve(PRIVATE_DIR));
		}
		catch (final URISyntaxException | RuntimeException e) {
			// not a file: no folder beside it
		}
		return out;
	}

	private static List<URL> jarsIn(final List<Path> folders) {
		final List<URL> out = new ArrayList<>();
		for (final Path f : folders) {
			final File[] files = f.toFile().listFiles((d, n) -> n.endsWith(".jar"));
			if (files == null) continue;
			java.util.Arrays.sort(files);
			for (final File j : files)
				try {
					out.add(j.toURI().toURL());
				}
				catch (final MalformedURLException e) {
					// not a usable path
				}
			if (!runtimeJars(out).isEmpty()) return out;
			out.clear();
		}
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
