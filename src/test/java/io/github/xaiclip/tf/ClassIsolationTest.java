package io.github.xaiclip.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin in a Fiji whose class path already has TensorFlow classes of another version (libtensorflow 1.x
 * defines {@code org.tensorflow.SavedModelBundle} too): the runtime must load its own, in its own class loader.
 */
class ClassIsolationTest {

	private static URL location(final Class<?> c) {
		return c.getProtectionDomain().getCodeSource().getLocation();
	}

	/** A jar with an {@code org.tensorflow.SavedModelBundle} that is not TensorFlow Java's. */
	private static Path conflictingJar(final Path tmp) throws Exception {
		final Path src = Files.createDirectories(tmp.resolve("src/org/tensorflow")).resolve("SavedModelBundle.java");
		Files.write(src, ("package org.tensorflow;\n" + "public class SavedModelBundle {\n" + "  public static final String ORIGIN = \"libtensorflow 1.x\";\n"
			+ "  public static SavedModelBundle load(String dir, String... tags) { throw new UnsupportedOperationException(\"old TensorFlow\"); }\n" + "}\n")
				.getBytes(StandardCharsets.UTF_8));
		final Path classes = Files.createDirectories(tmp.resolve("classes"));
		final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
		assertEquals(0, javac.run(null, null, null, "-proc:none", "-d", classes.toString(), src.toString()));
		final Path jar = tmp.resolve("libtensorflow-1.15.0.jar");
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
			out.putNextEntry(new JarEntry("org/tensorflow/SavedModelBundle.class"));
			out.write(Files.readAllBytes(classes.resolve("org/tensorflow/SavedModelBundle.class")));
			out.closeEntry();
		}
		return jar;
	}

	@Test
	void theRuntimeRunsBesideAConflictingTensorFlowFirstOnTheClassPath(@TempDir final Path tmp) throws Exception {
		final Path model = ConvModel.export(tmp.resolve("conv"), false, null);
		TfRuntimeTest.write(model, TfRuntimeTest.DESCRIPTOR);

		// a flat class path as a Fiji has it: the old TensorFlow first, then the plugin and its dependencies
		final List<URL> urls = new ArrayList<>();
		urls.add(conflictingJar(tmp).toUri().toURL());
		for (final Class<?> c : new Class<?>[] { io.github.xaiclip.model.ModelRuntime.class, org.tensorflow.SavedModelBundle.class,
			org.tensorflow.proto.SavedModel.class, org.tensorflow.ndarray.NdArray.class, com.google.protobuf.Message.class,
			org.bytedeco.javacpp.Loader.class, net.imglib2.img.array.ArrayImgs.class, org.yaml.snakeyaml.Yaml.class })
			urls.add(location(c));
		final URL natives = getClass().getClassLoader().getResource("org/tensorflow/internal/c_api/linux-x86_64/");
		urls.add(((JarURLConnection) natives.openConnection()).getJarFileURL());

		try (URLClassLoader fiji = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
			assertEquals("libtensorflow 1.x", fiji.loadClass("org.tensorflow.SavedModelBundle").getField("ORIGIN").get(null), "the conflict is real");

			// straight from the flat class path, the runtime links against the wrong class and fails
			final Object flat = fiji.loadClass("io.github.xaiclip.tf.TfRuntime").getConstructor().newInstance();
			final Class<?> options = fiji.loadClass("io.github.xaiclip.model.RuntimeOptions");
			final Object defaults = options.getMethod("defaults").invoke(null);
			final Method segmentation = fiji.loadClass("io.github.xaiclip.model.ModelRuntime").getMethod("segmentation", Path.class, options);
			final InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> segmentation.invoke(flat, model, defaults));
			assertTrue(e.getCause() instanceof LinkageError, "expected a linkage error, got " + e.getCause());

			// through ModelRuntimes it gets its own TensorFlow and works
			final Object runtime = fiji.loadClass("io.github.xaiclip.model.ModelRuntimes").getMethod("get").invoke(null);
			assertNotSame(fiji, runtime.getClass().getClassLoader(), "the runtime lives in its own loader");
			final Object m = segmentation.invoke(runtime, model, defaults);
			final Class<?> segmentationModel = fiji.loadClass("io.github.xaiclip.model.SegmentationModel");
			assertTrue(segmentationModel.isInstance(m), "the model interface is shared with the plugin");
			final int w = 7, h = 6;
			final float[] in = new float[w * h], out = new float[w * h * 3];
			for (int i = 0; i < in.length; i++)
				in[i] = (float) Math.sin(i);
			segmentationModel.getMethod("predict", float[].class, int.class, int.class, int.class, float[].class).invoke(m, in, 1, h, w, out);
			assertArrayEquals(ConvModel.softmax(ConvModel.logits(in, 0, w, h)), out, 1e-5f);
			segmentationModel.getMethod("close").invoke(m);
		}
	}
}
