package io.github.xaiclip.imagej;

/**
 * What a command needs from the program it runs in (Fiji through SciJava, or plain ImageJ 1.x): the status bar,
 * whether the user asked to stop, a place for notes, and a way to report an error to the user.
 */
interface Host {

	/** A message in the status bar. */
	void status(String message);

	/** Progress in the status bar, {@code 0..1}. */
	void progress(double fraction);

	/** Whether the user asked to stop (Esc, or the command was canceled). */
	boolean canceled();

	/** One line for the user about what was done to the input (a conversion, a stack read plane by plane). */
	void note(String message);

	/** Reports an error that the user can fix: one dialog with a display, one log line without. */
	void error(String message);

	/** Tells the user that the command stopped on their request, and that nothing was added. */
	void stopped(String message);

	/** Whether there is no display (no windows, no ROI Manager). */
	boolean headless();
}
