package io.github.xaiclip.imagej;

import java.awt.GraphicsEnvironment;
import java.util.List;

import ij.measure.ResultsTable;
import io.github.xaiclip.pipeline.SliceResult;

/**
 * The table every command adds its rows to, named {@value #TITLE}, with the columns of {@link SliceResult#COLUMNS}.
 * With a display it is the table of the open window of that name (a new window when none is open); headless,
 * where ImageJ has no table windows, it is kept here for the session.
 */
public final class ResultsTables {

	/** The title of the table window, e.g. for {@code Table.save(path, "XAI-CLIP Results")} in macros. */
	public static final String TITLE = "XAI-CLIP Results";

	private static ResultsTable headless;

	private ResultsTables() {}

	/** The table as it is now (a new, empty one when none is open). */
	public static synchronized ResultsTable get() {
		if (GraphicsEnvironment.isHeadless()) {
			if (headless == null) headless = new ResultsTable();
			return headless;
		}
		final ResultsTable open = ResultsTable.getResultsTable(TITLE);
		return open != null ? open : new ResultsTable();
	}

	/** Adds one row per result and shows the table (with a display). */
	static synchronized ResultsTable append(final List<SliceResult> results) {
		final ResultsTable rt = get();
		rt.setPrecision(4);
		for (final SliceResult r : results) {
			rt.incrementCounter();
			final Object[] row = r.row();
			for (int c = 0; c < SliceResult.COLUMNS.length; c++) {
				final String name = SliceResult.COLUMNS[c];
				final Object v = row[c];
				if (name.equals("pointing_hit")) rt.addValue(name, "".equals(v) ? Double.NaN : Double.parseDouble((String) v));
				else if (v instanceof Number) rt.addValue(name, ((Number) v).doubleValue());
				else rt.addValue(name, String.valueOf(v));
			}
		}
		if (!GraphicsEnvironment.isHeadless()) rt.show(TITLE);
		return rt;
	}
}
