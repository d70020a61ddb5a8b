package io.github.xaiclip.roi;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import io.github.xaiclip.image.Nifti;
import io.github.xaiclip.image.Volume;
import io.github.xaiclip.metrics.SaliencyMetrics;
import io.github.xaiclip.model.ModelDescriptor;
import io.github.xaiclip.model.ModelRuntimes;
import io.github.xaiclip.model.PackedImage;
import io.github.xaiclip.model.RuntimeOptions;
import io.github.xaiclip.model.VisionLanguageModel;
import net.imglib2.view.Views;

/**
 * The demo CLIP-like model finding organs from text on the committed CT's validation slices (z % 5 == 2): the
 * region, grown by the demo's default margin, must hold at least 95% of each organ's pixels.
 */
class CtLocalizationTest {

	static final Path DATA = Paths.get("test-data");
	static final String[] ORGANS = { "liver", "spleen", "kidney_right", "kidney_left" };
	static final int[] LABELS = { 5, 1, 2, 3 };
	/** The demo's default margin. */
	static final double MARGIN_MM = 9;

	@Test
	void textRegionsHoldTheOrgansOnTheValidationSlices() {
		final Volume ct = Nifti.read(DATA.resolve("totalseg-abdomen-ct/example_ct_sm.nii.gz"));
		final Volume labels = Nifti.read(DATA.resolve("totalseg-abdomen-ct/example_seg.nii.gz"));
		final Path clipDir = DATA.resolve("models/ct-clip");
		final ModelDescriptor d = ModelDescriptor.read(clipDir);
		final StringBuilder report = new StringBuilder(String.format(Locale.ROOT, "%-13s %7s %9s %9s %8s%n", "organ", "slices", "pointing", "roi dice",
			"coverage"));
		try (VisionLanguageModel m = ModelRuntimes.get().visionLanguage(clipDir, RuntimeOptions.defaults())) {
			final TextRegionLocalizer loc = new TextRegionLocalizer(m);
			final TextRegionLocalizer.Options options = TextRegionLocalizer.Options.defaults().margin(MARGIN_MM, ct.voxelSize()[0], ct.voxelSize()[1]);
			final long[] covered = new long[ORGANS.length], total = new long[ORGANS.length];
			final int[] hits = new int[ORGANS.length], slices = new int[ORGANS.length];
			final double[] dice = new double[ORGANS.length];
			for (int z = 2; z < ct.depth(); z += 5) {
				final PackedImage in = d.preprocessing().apply(Views.hyperSlice(ct.image(), 2, z));
				final TextRegionLocalizer.ImageEmbedding e = loc.embed(in);
				for (int k = 0; k < ORGANS.length; k++) {
					final Roi organ;
					try {
						organ = Rois.fromLabel(Views.hyperSlice(labels.image(), 2, z), LABELS[k], "labels");
					}
					catch (final IllegalArgumentException absent) {
						continue; // not on this slice
					}
					final TextRegionLocalizer.Localization l = loc.localize(e, ORGANS[k], options);
					slices[k]++;
					for (int p = 0; p < organ.width() * organ.height(); p++)
						if (organ.contains(p)) {
							total[k]++;
							if (l.region().contains(p)) covered[k]++;
						}
					if (SaliencyMetrics.pointingHit(l.similarity(), organ, 0)) hits[k]++;
					dice[k] += SaliencyMetrics.dice(l.region().mask(), organ.mask());
				}
			}
			for (int k = 0; k < ORGANS.length; k++)
				report.append(String.format(Locale.ROOT, "%-13s %7d %9s %9.3f %8.3f%n", ORGANS[k], slices[k], hits[k] + "/" + slices[k], dice[k] / slices[k],
					covered[k] / (double) total[k]));
			System.out.print(report);
			for (int k = 0; k < ORGANS.length; k++)
				assertTrue(covered[k] >= 0.95 * total[k], ORGANS[k] + ": the region holds too little of the organ\n" + report);
		}
	}
}
