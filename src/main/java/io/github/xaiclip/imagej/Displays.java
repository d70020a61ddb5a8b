package io.github.xaiclip.imagej;

import java.util.List;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.plugin.filter.ThresholdToSelection;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.LUT;
import io.github.xaiclip.roi.Roi;

/** The images XAI-CLIP shows: saliency and similarity maps with a heat colour table, RGB overlays, regions as selections. */
final class Displays {

	private Displays() {}

	/** Black, red, yellow, white: the colours of the overlays' saliency. */
	static LUT heatLut() {
		final byte[] r = new byte[256], g = new byte[256], b = new byte[256];
		for (int i = 0; i < 256; i++) {
			final double s = i / 255.0;
			r[i] = (byte) (int) Math.round(255 * Math.min(1, 3 * s));
			g[i] = (byte) (int) Math.round(255 * Math.min(1, Math.max(0, 3 * s - 1)));
			b[i] = (byte) (int) Math.round(255 * Math.min(1, Math.max(0, 3 * s - 2)));
		}
		return new LUT(r, g, b);
	}

	/** The image's title without its file extension: {@code ct_z12.tif -> ct_z12}. */
	static String stem(final ImagePlus imp) {
		final String t = imp.getTitle();
		final String l = t.toLowerCase(java.util.Locale.ROOT);
		for (final String ext : new String[] { ".nii.gz", ".tiff", ".tif", ".nii", ".dcm", ".png", ".jpg", ".jpeg", ".gif", ".bmp" })
			if (l.endsWith(ext) && l.length() > ext.length()) return t.substring(0, t.length() - ext.length());
		return t;
	}

	/**
	 * A 32-bit map (one plane per entry), with the heat colour table shown from 0 to the largest value and the
	 * spatial calibration of {@code source} (its value calibration dropped: the maps are not in its units).
	 */
	static ImagePlus map(final String title, final List<float[]> planes, final List<String> labels, final int w, final int h, final ImagePlus source) {
		final ImageStack stack = new ImageStack(w, h);
		float max = 0;
		for (int i = 0; i < planes.size(); i++) {
			final float[] p = planes.get(i);
			for (final float v : p)
				if (v > max) max = v;
			stack.addSlice(labels.get(i), new FloatProcessor(w, h, p));
		}
		final ImagePlus imp = new ImagePlus(title, stack);
		imp.setCalibration(spatial(source));
		imp.setLut(heatLut());
		imp.setDisplayRange(0, max > 0 ? max : 1);
		return imp;
	}

	/** An RGB image (one plane per entry) with the spatial calibration of {@code source}. */
	static ImagePlus rgb(final String title, final List<java.awt.image.BufferedImage> planes, final List<String> labels, final ImagePlus source) {
		final ImageStack stack = new ImageStack(planes.get(0).getWidth(), planes.get(0).getHeight());
		for (int i = 0; i < planes.size(); i++)
			stack.addSlice(labels.get(i), new ColorProcessor(planes.get(i)));
		final ImagePlus imp = new ImagePlus(title, stack);
		imp.setCalibration(spatial(source));
		return imp;
	}

	private static Calibration spatial(final ImagePlus source) {
		final Calibration cal = source.getCalibration().copy();
		cal.disableDensityCalibration();
		cal.setValueUnit("");
		return cal;
	}

	/** The region as an ImageJ selection (a traced outline, holes kept), named, on plane {@code position} (0: all). */
	static ij.gui.Roi selection(final Roi roi, final String name, final int position) {
		final ByteProcessor mask = new ByteProcessor(roi.width(), roi.height());
		final byte[] px = (byte[]) mask.getPixels();
		for (int p = 0; p < px.length; p++)
			if (roi.contains(p)) px[p] = (byte) 255;
		mask.setThreshold(255, 255, ImageProcessor.NO_LUT_UPDATE);
		final ij.gui.Roi r = new ThresholdToSelection().convert(mask);
		r.setName(name);
		if (position > 0) r.setPosition(position);
		return r;
	}

	/** The pixels inside an area selection as a mask image of the image's size (255 inside). */
	static ByteProcessor mask(final ij.gui.Roi selection, final int w, final int h) {
		final ByteProcessor mask = new ByteProcessor(w, h);
		mask.setColor(255);
		mask.fill(selection);
		return mask;
	}
}
