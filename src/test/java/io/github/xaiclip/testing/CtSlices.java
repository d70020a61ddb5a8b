package io.github.xaiclip.testing;

import java.nio.file.Path;
import java.nio.file.Paths;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.FloatProcessor;
import io.github.xaiclip.image.Nifti;
import io.github.xaiclip.image.Volume;

/** Axial slices of the bundled CT (and its label map) written as calibrated 32-bit TIFFs: inputs as users have them. */
public final class CtSlices {

	public static final Path DATA = Paths.get("test-data", "totalseg-abdomen-ct");
	public static final Path CT = DATA.resolve("example_ct_sm.nii.gz"), LABELS = DATA.resolve("example_seg.nii.gz");
	public static final Path UNET = Paths.get("test-data", "models", "ct-unet"), CLIP = Paths.get("test-data", "models", "ct-clip");
	/** Label values of labels.tsv. */
	public static final int LIVER = 5, SPLEEN = 1;

	private static Volume ct, labels;

	private CtSlices() {}

	public static synchronized Volume ct() {
		if (ct == null) ct = Nifti.read(CT);
		return ct;
	}

	public static synchronized Volume labels() {
		if (labels == null) labels = Nifti.read(LABELS);
		return labels;
	}

	/** Writes slice {@code z} (1-based) of the CT to {@code image} and of the labels to {@code labelImage} (if not null). */
	public static void write(final int z, final Path image, final Path labelImage) {
		save(ct(), z, image);
		if (labelImage != null) save(labels(), z, labelImage);
	}

	private static void save(final Volume v, final int z, final Path file) {
		final int w = v.width(), h = v.height();
		final float[] px = new float[w * h];
		System.arraycopy(v.values(), (z - 1) * w * h, px, 0, w * h);
		final ImagePlus imp = new ImagePlus(file.getFileName().toString(), new FloatProcessor(w, h, px));
		imp.getCalibration().pixelWidth = v.voxelSize()[0];
		imp.getCalibration().pixelHeight = v.voxelSize()[1];
		imp.getCalibration().setUnit("mm");
		if (!new FileSaver(imp).saveAsTiff(file.toString())) throw new IllegalStateException("could not write " + file);
	}
}
