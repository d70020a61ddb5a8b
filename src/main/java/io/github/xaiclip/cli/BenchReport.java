package io.github.xaiclip.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bench report ({@code docs/benchmarks.md}) as named sections between markers, so that a run of some
 * comparisons replaces their sections and keeps the others, each saying which run wrote it.
 */
final class BenchReport {

	static final String TITLE = "# Benchmarks on the bundled CT";
	private static final Pattern SECTION = Pattern.compile("<!-- bench:([a-z]+) begin -->\\n(.*?)\\n<!-- bench:\\1 end -->", Pattern.DOTALL);

	private BenchReport() {}

	/**
	 * The report with {@code sections} (by name) in place of those of {@code existing} (null: none), in the order of
	 * {@link BenchCommand#SECTIONS}.
	 */
	static String merge(final String existing, final Map<String, String> sections) {
		final Map<String, String> all = new LinkedHashMap<>();
		if (existing != null) {
			final Matcher m = SECTION.matcher(existing);
			while (m.find())
				all.put(m.group(1), m.group(2));
		}
		all.putAll(sections);
		final StringBuilder b = new StringBuilder(TITLE).append("\n\nEach section says which run of `xai-clip bench` wrote it; `--cases NAME` "
			+ "reruns one section and keeps the others.\n");
		for (final String name : BenchCommand.SECTIONS)
			if (all.containsKey(name))
				b.append("\n<!-- bench:").append(name).append(" begin -->\n").append(all.get(name).trim()).append("\n<!-- bench:").append(name).append(" end -->\n");
		return b.toString();
	}
}
