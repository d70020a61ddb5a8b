package io.github.xaiclip.model;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * A child-first class loader for the model runtime and its TensorFlow jars, so that they work beside other versions
 * of the same classes (Fiji ships libtensorflow 1.x). Its parent is the platform loader; only the shared interface
 * package ({@code io.github.xaiclip.model}) comes from the plugin's own loader, so both sides see the same
 * interface types. Resources are child-first too: JavaCPP finds the native libraries through them.
 */
final class IsolatingClassLoader extends URLClassLoader {

	private static final String SHARED = "io.github.xaiclip.model.";

	static {
		registerAsParallelCapable();
	}

	private final ClassLoader plugin;

	IsolatingClassLoader(final URL[] urls, final ClassLoader plugin) {
		super("xai-clip-runtime", urls, ClassLoader.getPlatformClassLoader());
		this.plugin = plugin;
	}

	private static boolean shared(final String name) {
		return name.startsWith(SHARED) && name.indexOf('.', SHARED.length()) < 0;
	}

	@Override
	protected Class<?> loadClass(final String name, final boolean resolve) throws ClassNotFoundException {
		if (shared(name)) return plugin.loadClass(name);
		synchronized (getClassLoadingLock(name)) {
			Class<?> c = findLoadedClass(name);
			if (c == null) {
				try {
					c = findClass(name);
				}
				catch (final ClassNotFoundException e) {
					c = getParent().loadClass(name);
				}
			}
			if (resolve) resolveClass(c);
			return c;
		}
	}

	@Override
	public URL getResource(final String name) {
		final URL u = findResource(name);
		return u != null ? u : getParent().getResource(name);
	}

	@Override
	public Enumeration<URL> getResources(final String name) throws IOException {
		final List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
		all.addAll(Collections.list(getParent().getResources(name)));
		return Collections.enumeration(all);
	}
}
