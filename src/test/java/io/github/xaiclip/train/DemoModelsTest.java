package io.github.xaiclip.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.github.xaiclip.image.Volume;
import io.github.xaiclip.model.ModelRuntimes;
import io.github.xaiclip.model.RuntimeOptions;
import io.github.xaiclip.model.SegmentationModel;
import io.github.xaiclip.model.VisionLanguageModel;

/** The committed demo models, loaded as a user's would be, on the committed scans. */
class DemoModelsTest {

	static final Path DATA = Paths.get("test-data"), MODELS = DATA.resolve("models");
	static final Map<DemoDomain, DemoData> data = new HashMap<>();

	static DemoData data(final DemoDomain domain) {
		return data.computeIfAbsent(domain, d -> {
			final Volume[] v = d.read(DATA);
			return DemoData.of(d, v[0], v[1]);
		});
	}

	@Test
	void theCtUNetSegmentsTheValidationSlicesWithTheReportedDice() throws Exception {
		final Map<String, Double> reported = segmentsWithTheReportedDice(DemoDomain.CT);
		assertTrue(reported.get("liver") >= 0.85, "liver " + reported.get("liver"));
		for (final String organ : new String[] { "spleen", "kidney_right", "kidney_left" })
			assertTrue(reported.get(organ) >= 0.75, organ + " " + reported.get(organ));
	}

	@Test
	void theMriUNetSegmentsTheValidationSlicesWithTheReportedDice() throws Exception {
		final Map<String, Double> reported = segmentsWithTheReportedDice(DemoDomain.MRI);
		for (final String side : new String[] { "left", "right" })
			for (final String structure : new String[] { "thalamus", "caudate", "putamen" })
				assertTrue(reported.get(structure + "_" + side) >= 0.7, structure + "_" + side + " " + reported.get(structure + "_" + side));
	}

	/**
	 * Runs the domain's U-Net from its folder through the plugin's runtime on the validation slices and checks the
	 * Dice of each class against its {@code validation.tsv} (within 0.01).
	 *
	 * @return the reported Dice by class
	 */
	private static Map<String, Double> segmentsWithTheReportedDice(final DemoDomain domain) throws Exception {
		final Path folder = MODELS.resolve(domain.unetFolder());
		final Map<String, Double> reported = new HashMap<>();
		final List<String> lines = Files.readAllLines(folder.resolve("validation.tsv"), StandardCharsets.UTF_8);
		for (final String line : lines.subList(1, lines.size()))
			reported.put(line.split("\t")[0], Double.parseDouble(line.split("\t")[1]));
		final Slices v = data(domain).validation;
		final int k = domain.classes.size(), n = v.width * v.height;
		final long[] inter = new long[k], predicted = new long[k], truth = new long[k];
		try (SegmentationModel m = ModelRuntimes.get().segmentation(folder, RuntimeOptions.defaults())) {
			assertEquals(domain.classes, m.classNames());
			final float[] in = new float[v.size() * n], out = new float[v.size() * n * k];
			for (int i = 0; i < v.size(); i++)
				System.arraycopy(v.images.get(i), 0, in, i * n, n);
			m.predict(in, v.size(), v.height, v.width, out);
			for (int i = 0; i < v.size(); i++)
				for (int p = 0; p < n; p++) {
					int best = 0;
					for (int c = 1; c < k; c++)
						if (out[(i * n + p) * k + c] > out[(i * n + p) * k + best]) best = c;
					final int t = v.labels.get(i)[p];
					predicted[best]++;
					truth[t]++;
					if (best == t) inter[best]++;
				}
		}
		assertEquals(k - 1, reported.size(), "one line per class");
		for (int c = 1; c < k; c++) {
			final String name = domain.classes.get(c);
			final double dice = 2.0 * inter[c] / (predicted[c] + truth[c]);
			assertEquals(reported.get(name), dice, 0.01, name);
		}
		return reported;
	}

	@Test
	void theCtClipModelsMapForLiverPeaksInsideTheLiver() {
		peaksInside(DemoDomain.CT, "liver", "liver");
	}

	@Test
	void theMriClipModelsMapsForLeftAndRightThalamusPeakInsideEach() {
		peaksInside(DemoDomain.MRI, "thalamus_left", "left thalamus");
		peaksInside(DemoDomain.MRI, "thalamus_right", "right thalamus");
	}

	/**
	 * On the validation slice with the most of {@code structure}, the patch where the domain's CLIP-like model finds
	 * {@code prompt} (in each of its templates, averaged) best is mostly that structure.
	 */
	private static void peaksInside(final DemoDomain domain, final String structure, final String prompt) {
		final int c = domain.classes.indexOf(structure);
		final Slices v = DemoData.clip(data(domain).validation);
		int best = 0, bestArea = -1;
		for (int i = 0; i < v.size(); i++) {
			int area = 0;
			for (final byte b : v.labels.get(i))
				if (b == c) area++;
			if (area > bestArea) {
				bestArea = area;
				best = i;
			}
		}
		try (VisionLanguageModel m = ModelRuntimes.get().visionLanguage(MODELS.resolve(domain.clipFolder()), RuntimeOptions.defaults())) {
			final VisionLanguageModel.PatchEmbeddings p = m.encodeImages(v.images.get(best), 1, DemoData.SIZE, DemoData.SIZE);
			final List<String> prompts = new java.util.ArrayList<>();
			for (final String t : m.promptTemplates())
				prompts.add(t.replace("{}", prompt));
			final float[] text = new float[p.dim];
			for (final float[] e : m.encodeTexts(prompts))
				for (int d = 0; d < p.dim; d++)
					text[d] += e[d] / prompts.size();
			int arg = 0;
			double max = Double.NEGATIVE_INFINITY;
			for (int q = 0; q < p.gridHeight * p.gridWidth; q++) {
				double dot = 0, norm = 0;
				for (int d = 0; d < p.dim; d++) {
					dot += p.values[q * p.dim + d] * text[d];
					norm += p.values[q * p.dim + d] * p.values[q * p.dim + d];
				}
				final double cos = dot / Math.sqrt(norm);
				if (cos > max) {
					max = cos;
					arg = q;
				}
			}
			// the patch of the maximum is mostly the structure
			final int cell = DemoData.SIZE / p.gridWidth, px = arg % p.gridWidth * cell, py = arg / p.gridWidth * cell;
			int inside = 0;
			for (int y = py; y < py + cell; y++)
				for (int x = px; x < px + cell; x++)
					if (v.labels.get(best)[y * DemoData.SIZE + x] == c) inside++;
			assertTrue(inside >= cell * cell / 2, "'" + prompt + "' on " + v.names.get(best) + ": patch (" + px + ", " + py + ") has " + inside + " "
				+ structure + " pixels of " + cell * cell);
		}
	}
}
