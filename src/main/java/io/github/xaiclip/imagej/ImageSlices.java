package io.github.xaiclip.imagej;

import java.awt.image.IndexColorModel;
import java.util.ArrayList;
import java.util.List;

import ij.ImagePlus;
import ij.measure.Calibration;
import ij.process.ImageProcessor;
import io.github.xaiclip.image.Images;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.converter.Converter;
import net.imglib2.converter.Converters;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.FloatType;

/**
 * The planes of an ImageJ image as 2D ImgLib2 images of physical values, wrapping the pixel arrays without copying
 * them: 32-bit as is, 8- and 16-bit through the image's calibration function (so signed 16-bit CT gives Hounsfield
 * units), RGB and indexed colour as the mean of red, green and blue. A stack of 2D planes — slices or time points —
 * is a series of planes; images with several channels are refused.
 */
final class ImageSlices {

	private ImageSlices() {}

	/**
	 * Refuses images whose planes are not one series of 2D images.
	 *
	 * @param parameter the parameter the image came from, for messages
	 */
	static void checkShape(final ImagePlus imp, final String parameter) {
		if (imp.getNChannels() > 1)
			throw new IllegalArgumentException(parameter + ": '" + imp.getTitle() + "' has " + imp.getNChannels()
				+ " channels; expected one (split them with Image>Color>Split Channels and choose one)");
		if (imp.getNSlices() > 1 && imp.getNFrames() > 1)
			throw new IllegalArgumentException(parameter + ": '" + imp.getTitle() + "' has " + imp.getNSlices() + " slices and " + imp.getNFrames()
				+ " time points; expected one series of 2D planes (take one time point with Image>Duplicate...)");
	}

	/** The number of planes. */
	static int count(final ImagePlus imp) {
		return imp.getStackSize();
	}

	/** Plane {@code n} (1-based) in physical values, {@code (x, y)}, sharing the image's pixels. */
	static RandomAccessibleInterval<FloatType> plane(final ImagePlus imp, final int n) {
		final ImageProcessor ip = imp.getStack().getProcessor(n);
		final int w = ip.getWidth(), h = ip.getHeight();
		final Calibration cal = imp.getCalibration();
		switch (imp.getType()) {
			case ImagePlus.GRAY32:
				return ArrayImgs.floats((float[]) ip.getPixels(), w, h);
			case ImagePlus.GRAY16: {
				final float[] table = cal.getFunction() == Calibration.NONE ? null : cal.getCTable();
				final Converter<UnsignedShortType, FloatType> c = table == null ? (a, b) -> b.setReal(a.get()) : (a, b) -> b.set(table[a.get()]);
				return Converters.convert((RandomAccessibleInterval<UnsignedShortType>) ArrayImgs.unsignedShorts((short[]) ip.getPixels(), w, h), c,
					new FloatType());
			}
			case ImagePlus.GRAY8: {
				final float[] table = cal.getFunction() == Calibration.NONE ? null : cal.getCTable();
				final Converter<UnsignedByteType, FloatType> c = table == null ? (a, b) -> b.setReal(a.get()) : (a, b) -> b.set(table[a.get()]);
				return Converters.convert((RandomAccessibleInterval<UnsignedByteType>) ArrayImgs.unsignedBytes((byte[]) ip.getPixels(), w, h), c,
					new FloatType());
			}
			case ImagePlus.COLOR_256: {
				final float[] grey = lutGrey(ip);
				final Converter<UnsignedByteType, FloatType> c = (a, b) -> b.set(grey[a.get()]);
				return Converters.convert((RandomAccessibleInterval<UnsignedByteType>) ArrayImgs.unsignedBytes((byte[]) ip.getPixels(), w, h), c,
					new FloatType());
			}
			case ImagePlus.COLOR_RGB: {
				final Converter<ARGBType, FloatType> c = (a, b) -> {
					final int v = a.get();
					b.set(((v >> 16 & 0xff) + (v >> 8 & 0xff) + (v & 0xff)) / 3f);
				};
				return Converters.convert((RandomAccessibleInterval<ARGBType>) ArrayImgs.argbs((int[]) ip.getPixels(), w, h), c, new FloatType());
			}
			default:
				throw new IllegalArgumentException("image: '" + imp.getTitle() + "' has an image type ImageJ does not name (" + imp.getType() + ")");
		}
	}

	/** The mean of red, green and blue of each entry of an indexed-colour plane's colour table. */
	private static float[] lutGrey(final ImageProcessor ip) {
		final float[] grey = new float[256];
		if (!(ip.getColorModel() instanceof IndexColorModel)) {
			for (int i = 0; i < 256; i++)
				grey[i] = i;
			return grey;
		}
		final IndexColorModel cm = (IndexColorModel) ip.getColorModel();
		for (int i = 0; i < Math.min(256, cm.getMapSize()); i++)
			grey[i] = (cm.getRed(i) + cm.getGreen(i) + cm.getBlue(i)) / 3f;
		return grey;
	}

	/**
	 * What reading the image's values involves, one sentence each, for the user: colour to grey, integer values
	 * through the calibration, and how a stack meets a model of 2D images.
	 *
	 * @param allPlanes whether every plane is explained, or only the current one
	 */
	static List<String> notes(final ImagePlus imp, final boolean allPlanes) {
		final List<String> notes = new ArrayList<>();
		final String t = "'" + imp.getTitle() + "'";
		final Calibration cal = imp.getCalibration();
		switch (imp.getType()) {
			case ImagePlus.COLOR_RGB:
				notes.add(t + ": RGB image converted to grey (the mean of red, green and blue) for the model");
				break;
			case ImagePlus.COLOR_256:
				notes.add(t + ": 8-bit colour image converted to grey (the mean of red, green and blue of its colour table) for the model");
				break;
			case ImagePlus.GRAY16:
				notes.add(t + ": 16-bit values converted to 32-bit " + (cal.isSigned16Bit() ? "signed values (its calibration subtracts 32768)"
					: cal.getFunction() != Calibration.NONE ? "values through its calibration function" : "values as they are") + " for the model");
				break;
			case ImagePlus.GRAY8:
				if (cal.getFunction() != Calibration.NONE) notes.add(t + ": 8-bit values converted to 32-bit values through its calibration function");
				break;
			default:
				break;
		}
		final int n = count(imp);
		if (n > 1) {
			final String what = imp.getNFrames() > 1 ? "time points" : "slices";
			notes.add(allPlanes ? t + ": the model takes 2D images; each of the " + n + " " + what + " is explained on its own"
				: t + ": the model takes 2D images; only " + (imp.getNFrames() > 1 ? "time point " : "slice ") + imp.getCurrentSlice() + " of " + n
					+ " is explained (slices=all explains each)");
		}
		return notes;
	}

	/** The pixel size {x, y} in mm, or null when the image has no physical calibration. */
	static double[] pixelSizeMm(final ImagePlus imp) {
		final Calibration cal = imp.getCalibration();
		final double mm = Images.mmPerUnit(cal.getUnit());
		if (!(mm > 0) || !cal.scaled() || !(cal.pixelWidth > 0) || !(cal.pixelHeight > 0)) return null;
		return new double[] { cal.pixelWidth * mm, cal.pixelHeight * mm };
	}

	/**
	 * The plane of a companion image (region labels, ground truth) that goes with plane {@code n} of an image of
	 * {@code planes} planes: the same plane of a stack of as many, or the only plane of a 2D image.
	 */
	static RandomAccessibleInterval<FloatType> companion(final ImagePlus companion, final String parameter, final ImagePlus image, final int n) {
		if (companion.getWidth() != image.getWidth() || companion.getHeight() != image.getHeight())
			throw new IllegalArgumentException(parameter + ": '" + companion.getTitle() + "' is " + companion.getWidth() + "x" + companion.getHeight()
				+ "; expected the size of '" + image.getTitle() + "', " + image.getWidth() + "x" + image.getHeight());
		final int planes = count(companion);
		if (planes != 1 && planes != count(image))
			throw new IllegalArgumentException(parameter + ": '" + companion.getTitle() + "' has " + planes + " planes; expected 1 or " + count(image)
				+ " like '" + image.getTitle() + "'");
		return plane(companion, planes == 1 ? 1 : n);
	}
}
