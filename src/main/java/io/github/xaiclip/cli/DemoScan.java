package io.github.xaiclip.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import io.github.xaiclip.image.Nifti;
import io.github.xaiclip.image.Volume;

/** The bundled abdominal CT ({@code DATA/totalseg-abdomen-ct}) with its labels, as the demo, bench and train-demo commands read it. */
final class DemoScan {

	static final String CT_FILE = "example_ct_sm.nii.gz";

	final Volume ct, labels;
	/** TotalSegmentator label value by structure name, from labels.tsv. */
	final Map<String, Integer> labelValues;

	private DemoScan(final Volume ct, final Volume labels, final Map<String, Integer> labelValues) {
		this.ct = ct;
		this.labels = labels;
		this.labelValues = labelValues;
	}

	/** Reads the scan under {@code data}, refusing a folder without it in one line that names the missing file. */
	static DemoScan read(final Path data) throws IOException {
		final Path folder = data.resolve("totalseg-abdomen-ct");
		final Path ct = folder.resolve(CT_FILE), labels = folder.resolve("example_seg.nii.gz"), tsv = folder.resolve("labels.tsv");
		for (final Path p : new Path[] { ct, labels, tsv })
			if (!Files.isRegularFile(p)) throw new IllegalArgumentException("--data: " + p + " not found (expected the totalseg-abdomen-ct scan)");
		final Map<String, Integer> values = new HashMap<>();
		for (final String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
			final String[] f = line.split("\t");
			if (f.length >= 2 && f[0].trim().matches("\\d+")) values.put(f[1].trim(), Integer.parseInt(f[0].trim()));
		}
		return new DemoScan(Nifti.read(ct), Nifti.read(labels), Collections.unmodifiableMap(values));
	}

	/** The pixel size {x, y} of the axial slices. */
	double[] pixelSize() {
		return new double[] { ct.voxelSize()[0], ct.voxelSize()[1] };
	}
}
