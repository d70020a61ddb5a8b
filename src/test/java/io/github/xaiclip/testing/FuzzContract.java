package io.github.xaiclip.testing;

import java.lang.management.ManagementFactory;

/**
 * What the fuzz tests check of every parser of untrusted bytes: it returns, or it refuses the input with the
 * project's user error, an {@link IllegalArgumentException} whose message is one line and names the file. Anything
 * else (another exception, an error, a message without the file or spread over lines) reaches the fuzzer as a
 * finding, since it would reach the user as a stack trace or a confusing message.
 */
public final class FuzzContract {

	private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

	private FuzzContract() {}

	/**
	 * Checks a refusal: a one-line message containing {@code file} (a name or a path as the parser prints it).
	 *
	 * @throws AssertionError with the refusal as its cause, when the message breaks the contract
	 */
	public static void userError(final IllegalArgumentException e, final String file) {
		final String m = e.getMessage();
		if (m == null || m.isEmpty()) throw new AssertionError("refusal without a message", e);
		if (m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0) throw new AssertionError("refusal message spans lines: " + m, e);
		if (!m.contains(file)) throw new AssertionError("refusal message does not name the file " + file + ": " + m, e);
	}

	/** Bytes the current thread has allocated on the heap so far (to bound what a parser allocates for an input). */
	public static long allocatedBytes() {
		return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
	}
}
