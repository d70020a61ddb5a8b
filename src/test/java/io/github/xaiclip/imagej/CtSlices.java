package io.github.xaiclip.imagej;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;
import io.github.xaiclip.image.Nifti;
import io.github.xaiclip.image.Volume;

/**
 * The bundled CT (test-data/totalseg-abdomen-ct) as ImageJ images, and the derivation of the 2D slices committed
 * under test-data/ct-slices for the macro tests. Rebuild them with
 * {@code mvn -q test-compile exec:exec@bench -Dbench.class=io.github.xaiclip.imagej.CtSlices}; {@link CtSlicesTest}
 * checks that the committed files are what this derivation gives.
 */
public final class CtSlices {

	/** The bundled scan. */
	public static final Path SCAN = Paths.get("test-data/totalseg-abdomen-ct");

	/** Where the derived slices are committed. */
	public static final Path FOLDER = Paths.get("test-data/ct-slices");

	/** Validation slices (z % 5 == 2: the demo models did not train on them) that show the liver. */
	public static final int[] SLICES = { 12, 17, 22 };

	/** The liver's label in the scan's label map. */
	public static final int LIVER = 5;

	private CtSlices() {}

	/** The whole CT as a 32-bit stack in Hounsfield units, calibrated in mm, titled {@code example_ct_sm}. */
	public static ImagePlus ct() {
		return stack("example_ct_sm", Nifti.read(SCAN.resolve("example_ct_sm.nii.gz")), false);
	}

	/** The label map as an 8-bit stack, titled {@code example_seg}. */
	public static ImagePlus labels() {
		return stack("example_seg", Nifti.read(SCAN.resolve("example_seg.nii.gz")), true);
	}

	private static ImagePlus stack(final String title, final Volume v, final boolean bytes) {
		final int w = v.width(), h = v.height();
		final ImageStack stack = new ImageStack(w, h);
		final float[] all = v.values();
		for (int z = 0; z < v.depth(); z++) {
			final float[] plane = new float[w * h];
			System.arraycopy(all, z * w * h, plane, 0, w * h);
			final FloatProcessor fp = new FloatProcessor(w, h, plane);
			stack.addSlice("z" + z, bytes ? fp.convertToByteProcessor(false) : fp);
		}
		final ImagePlus imp = new ImagePlus(title, stack);
		calibrate(imp, v.voxelSize());
		return imp;
	}

	private static void calibrate(final ImagePlus imp, final double[] voxel) {
		final Calibration cal = imp.getCalibration();
		cal.pixelWidth = voxel[0];
		cal.pixelHeight = voxel[1];
		cal.pixelDepth = voxel[2];
		cal.setUnit("mm");
	}

	/** Axial slice {@code z} of the CT as ImageJ keeps signed 16-bit CT: unsigned values with a -32768 calibration. */
	public static ImagePlus ctSlice(final ImagePlus ct, final int z) {
		final float[] hu = (float[]) ct.getStack().getProcessor(z + 1).getPixels();
		final short[] raw = new short[hu.length];
		for (int p = 0; p < hu.length; p++)
			raw[p] = (short) (Math.round(hu[p]) + 32768);
		final ImagePlus imp = new ImagePlus(name(z), new ShortProcessor(ct.getWidth(), ct.getHeight(), raw, null));
		imp.setCalibration(ct.getCalibration().copy());
		imp.getCalibration().pixelDepth = 1;
		imp.getCalibration().setSigned16BitCalibration();
		return imp;
	}

	/** Slice {@code z} of the label map, 8-bit, with the CT's spatial calibration. */
	public static ImagePlus labelSlice(final ImagePlus labels, final int z) {
		final ImagePlus imp = new ImagePlus(name(z), ((ByteProcessor) labels.getStack().getProcessor(z + 1)).duplicate());
		imp.setCalibration(labels.getCalibration().copy());
		imp.getCalibration().pixelDepth = 1;
		return imp;
	}

	/** The file name of slice {@code z}, the same in images/ and labels/. */
	public static String name(final int z) {
		return String.format(java.util.Locale.ROOT, "ct_z%02d.tif", z);
	}

	/** Writes {@code folder}/images and {@code folder}/labels. */
	public static void write(final Path folder) throws IOException {
		final ImagePlus ct = ct(), labels = labels();
		Files.createDirectories(folder.resolve("images"));
		Files.createDirectories(folder.resolve("labels"));
		for (final int z : SLICES) {
			if (!new FileSaver(ctSlice(ct, z)).saveAsTiff(folder.resolve("images").resolve(name(z)).toString())) throw new IOException("cannot write " + name(z));
			if (!new FileSaver(labelSlice(labels, z)).saveAsTiff(folder.resolve("labels").resolve(name(z)).toString()))
				throw new IOException("cannot write labels of " + name(z));
		}
	}

	public static void main(final String[] args) throws IOException {
		write(args.length > 0 ? Paths.get(args[0]) : FOLDER);
		System.out.println("wrote " + SLICES.length + " slices and their labels to " + (args.length > 0 ? args[0] : FOLDER));
	}
}
