package io.github.xaiclip.imagej;

import java.awt.GraphicsEnvironment;
import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.scijava.Context;
import org.scijava.ItemIO;
import org.scijava.plugin.Parameter;
import org.scijava.service.Service;
import org.scijava.widget.FileWidget;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.Prefs;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.macro.Interpreter;
import ij.text.TextWindow;

/**
 * Runs a {@link XaiClipCommand} as an ImageJ 1.x plugin, for plain ImageJ where no SciJava context runs: its
 * annotated fields become a {@link GenericDialog} (labels are the snake_case parameter names, so recorded macros
 * read as in Fiji) or are read from the macro options by the same names; the image parameter is the active image
 * (or {@code image=title}); outputs are shown. Errors are one dialog with a display, one log line without.
 */
final class Ij1Plugins {

	/** The key under which values entered in a dialog are remembered in ImageJ's preferences. */
	private static final String PREFS = "xaiclip.";

	private Ij1Plugins() {}

	/** Runs {@code command} with the values of the dialog or macro options titled {@code title}. */
	static void run(final XaiClipCommand command, final String title) {
		final Thread thread = Thread.currentThread();
		final ClassLoader before = thread.getContextClassLoader();
		// ImageJ 1.x runs plugins with its own loader as the context; service lookups must see the plugin's jars
		thread.setContextClassLoader(Ij1Plugins.class.getClassLoader());
		try {
			final Ij1Host host = new Ij1Host(command);
			try {
				if (!fill(command, title)) return;
			}
			catch (final IllegalArgumentException e) {
				host.error(e.getMessage());
				return;
			}
			if (XaiClipCommand.perform(command, host)) show(command, title);
		}
		finally {
			thread.setContextClassLoader(before);
		}
	}

	/** The command's parameters in SciJava's order: inherited first, services and outputs left out. */
	static List<Field> parameters(final Class<?> type) {
		final List<Class<?>> chain = new ArrayList<>();
		for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass())
			chain.add(0, c);
		final List<Field> out = new ArrayList<>();
		for (final Class<?> c : chain)
			for (final Field f : c.getDeclaredFields()) {
				final Parameter p = f.getAnnotation(Parameter.class);
				if (p == null || Modifier.isStatic(f.getModifiers()) || p.type() == ItemIO.OUTPUT) continue;
				if (Service.class.isAssignableFrom(f.getType()) || Context.class.isAssignableFrom(f.getType())) continue;
				f.setAccessible(true);
				out.add(f);
			}
		return out;
	}

	/** The command's outputs. */
	static List<Field> outputs(final Class<?> type) {
		final List<Field> out = new ArrayList<>();
		for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass())
			for (final Field f : c.getDeclaredFields()) {
				final Parameter p = f.getAnnotation(Parameter.class);
				if (p != null && p.type() == ItemIO.OUTPUT) {
					f.setAccessible(true);
					out.add(f);
				}
			}
		return out;
	}

	/**
	 * Fills the command's fields from the macro options, or from a dialog when there are none and there is a
	 * display.
	 *
	 * @return false when the user canceled the dialog
	 */
	static boolean fill(final XaiClipCommand command, final String title) {
		final String options = Macro.getOptions();
		final boolean dialog = options == null && !GraphicsEnvironment.isHeadless() && IJ.getInstance() != null;
		try {
			return dialog ? fromDialog(command, title) : fromOptions(command, options == null ? "" : options);
		}
		catch (final IllegalAccessException e) {
			throw new IllegalStateException(e);
		}
	}

	private static boolean isMainImage(final Field f) {
		return f.getType() == ImagePlus.class && f.getName().equals("image");
	}

	private static boolean isDirectory(final Field f) {
		return f.getType() == File.class && FileWidget.DIRECTORY_STYLE.equals(f.getAnnotation(Parameter.class).style());
	}

	private static boolean fromOptions(final XaiClipCommand command, final String options) throws IllegalAccessException {
		for (final Field f : parameters(command.getClass())) {
			final String key = f.getName();
			final Class<?> t = f.getType();
			final String raw = Macro.getValue(options, key, null);
			if (t == ImagePlus.class) {
				if (isMainImage(f)) f.set(command, raw == null ? WindowManager.getCurrentImage() : image(key, raw));
				else f.set(command, raw == null || raw.equalsIgnoreCase("none") || raw.isEmpty() ? null : image(key, raw));
			}
			else if (t == boolean.class) f.set(command, (" " + options + " ").contains(" " + key + " ") || "true".equalsIgnoreCase(raw));
			else if (raw != null) set(command, f, raw);
		}
		return true;
	}

	private static ImagePlus image(final String key, final String title) {
		final ImagePlus imp = WindowManager.getImage(title);
		if (imp == null) throw new IllegalArgumentException(key + ": no open image is titled '" + title + "'; expected the title of an open image");
		return imp;
	}

	/** Sets a field of a plain type from its text, refusing what does not parse. */
	private static void set(final XaiClipCommand command, final Field f, final String raw) throws IllegalAccessException {
		final String key = f.getName();
		final Class<?> t = f.getType();
		final String v = raw.trim();
		try {
			if (t == String.class) {
				final String[] choices = f.getAnnotation(Parameter.class).choices();
				if (choices.length > 0 && Arrays.stream(choices).noneMatch(c -> c.equalsIgnoreCase(v)))
					throw new IllegalArgumentException(key + ": expected " + String.join(", ", choices) + ", got '" + v + "'");
				f.set(command, v);
			}
			else if (t == File.class) f.set(command, v.isEmpty() ? null : new File(v));
			else if (t == int.class) f.setInt(command, (int) whole(v));
			else if (t == long.class) f.setLong(command, whole(v));
			else if (t == double.class) f.setDouble(command, Double.parseDouble(v));
			else throw new IllegalStateException(key + ": parameter type " + t + " has no ImageJ 1.x form");
		}
		catch (final NumberFormatException e) {
			throw new IllegalArgumentException(key + ": expected a " + (t == double.class ? "number" : "whole number") + ", got '" + v + "'");
		}
	}

	private static long whole(final String v) {
		final double d = Double.parseDouble(v);
		if (d != Math.rint(d) || Math.abs(d) > Long.MAX_VALUE) throw new NumberFormatException(v);
		return (long) d;
	}

	private static boolean fromDialog(final XaiClipCommand command, final String title) throws IllegalAccessException {
		final List<Field> fields = parameters(command.getClass());
		final GenericDialog gd = new GenericDialog("XAI-CLIP: " + title);
		final String prefix = PREFS + command.getClass().getSimpleName() + ".";
		final String[] titles = openImages();
		ImagePlus main = null;
		for (final Field f : fields) {
			final String key = f.getName();
			final Class<?> t = f.getType();
			final Parameter p = f.getAnnotation(Parameter.class);
			final Object value = f.get(command);
			if (isMainImage(f)) {
				main = WindowManager.getCurrentImage();
				gd.addMessage("image: " + (main == null ? "(no image open)" : main.getTitle()));
			}
			else if (t == ImagePlus.class) gd.addChoice(key, titles, Prefs.get(prefix + key, "none"));
			else if (isDirectory(f)) gd.addDirectoryField(key, Prefs.get(prefix + key, value == null ? "" : value.toString()), 40);
			else if (t == File.class) gd.addFileField(key, Prefs.get(prefix + key, value == null ? "" : value.toString()), 40);
			else if (t == String.class && p.choices().length > 0) gd.addChoice(key, p.choices(), Prefs.get(prefix + key, String.valueOf(value)));
			else if (t == String.class) gd.addStringField(key, Prefs.get(prefix + key, String.valueOf(value)), 30);
			else if (t == boolean.class) gd.addCheckbox(key, Prefs.get(prefix + key, (Boolean) value));
			else {
				final double d = Prefs.get(prefix + key, ((Number) value).doubleValue());
				gd.addNumericField(key, d, t == double.class && d != Math.rint(d) ? 3 : 0);
			}
		}
		gd.showDialog();
		if (gd.wasCanceled()) return false;
		for (final Field f : fields) {
			final String key = f.getName();
			final Class<?> t = f.getType();
			final Parameter p = f.getAnnotation(Parameter.class);
			if (isMainImage(f)) f.set(command, main);
			else if (t == ImagePlus.class) {
				final String choice = gd.getNextChoice();
				Prefs.set(prefix + key, choice);
				f.set(command, choice.equals("none") ? null : image(key, choice));
			}
			else if (t == File.class || t == String.class && p.choices().length == 0) {
				final String s = gd.getNextString();
				Prefs.set(prefix + key, s);
				set(command, f, s);
			}
			else if (t == String.class) {
				final String s = gd.getNextChoice();
				Prefs.set(prefix + key, s);
				f.set(command, s);
			}
			else if (t == boolean.class) {
				final boolean b = gd.getNextBoolean();
				Prefs.set(prefix + key, b);
				f.setBoolean(command, b);
			}
			else {
				final double d = gd.getNextNumber();
				if (Double.isNaN(d)) throw new IllegalArgumentException(key + ": expected a number");
				Prefs.set(prefix + key, d);
				set(command, f, t == double.class ? Double.toString(d) : Long.toString(Math.round(d)));
			}
		}
		return true;
	}

	private static String[] openImages() {
		final List<String> titles = new ArrayList<>();
		titles.add("none");
		final int[] ids = WindowManager.getIDList();
		if (ids != null) for (final int id : ids) {
			final ImagePlus imp = WindowManager.getImage(id);
			if (imp != null) titles.add(imp.getTitle());
		}
		return titles.toArray(new String[0]);
	}

	/** Shows the outputs: images as windows (or batch-mode images), text in a window (or the log). */
	private static void show(final XaiClipCommand command, final String title) {
		final boolean windows = !GraphicsEnvironment.isHeadless() && IJ.getInstance() != null;
		for (final Field f : outputs(command.getClass())) {
			final Object v;
			try {
				v = f.get(command);
			}
			catch (final IllegalAccessException e) {
				throw new IllegalStateException(e);
			}
			if (v instanceof ImagePlus) {
				// without a display only a macro (in batch mode) can hold images
				if (!GraphicsEnvironment.isHeadless() || IJ.isMacro() || Interpreter.isBatchMode()) ((ImagePlus) v).show();
			}
			else if (v instanceof String) {
				if (windows) new TextWindow("XAI-CLIP " + title, (String) v, 640, 480);
				else IJ.log((String) v);
			}
		}
	}

	/** ImageJ 1.x: the status bar, Esc, the Log window and error dialogs; the log and a quiet macro abort without a display. */
	static final class Ij1Host implements Host {

		private final XaiClipCommand command;

		Ij1Host(final XaiClipCommand command) {
			this.command = command;
		}

		@Override
		public void status(final String message) {
			IJ.showStatus(message);
		}

		@Override
		public void progress(final double fraction) {
			IJ.showProgress(fraction);
		}

		@Override
		public boolean canceled() {
			return IJ.escapePressed() || Thread.currentThread().isInterrupted();
		}

		@Override
		public void note(final String message) {
			command.addNote(message);
			IJ.log(message);
		}

		@Override
		public void error(final String message) {
			IJ.showStatus("");
			IJ.showProgress(1.0);
			if (!headless() && IJ.getInstance() != null) {
				IJ.error("XAI-CLIP", message); // in a macro: the macro error dialog, and the macro stops
				return;
			}
			IJ.log("XAI-CLIP: " + message);
			abortMacro(message);
		}

		@Override
		public void stopped(final String message) {
			IJ.showStatus(message);
			IJ.showProgress(1.0);
			IJ.log(message);
			abortMacro(message); // as Esc stops a macro in ImageJ's window
		}

		@Override
		public boolean headless() {
			return GraphicsEnvironment.isHeadless();
		}
	}

	/** Stops the running macro, if any, without the error dialog that would wait forever for a user who is not there. */
	static void abortMacro(final String message) {
		final Interpreter macro = Interpreter.getInstance();
		if (macro == null) return;
		macro.setIgnoreErrors(true);
		macro.abort(message);
	}
}
