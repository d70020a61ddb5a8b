package io.github.xaiclip.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * 2D training slices of one size: preprocessed images (one channel) and label maps of class indices
 * {@code 0..classes-1}, indexed {@code y * width + x}.
 */
final class Slices {

	final int width, height;
	final List<float[]> images = new ArrayList<>();
	final List<byte[]> labels = new ArrayList<>();
	final List<String> names = new ArrayList<>();

	Slices(final int width, final int height) {
		this.width = width;
		this.height = height;
	}

	void add(final String name, final float[] image, final byte[] label) {
		if (image.length != width * height || label.length != width * height)
			throw new IllegalArgumentException(name + ": expected " + width + "x" + height + " values");
		names.add(name);
		images.add(image);
		labels.add(label);
	}

	/**
	 * These slices padded (centred, with 0) to {@code w x h}, no smaller than they are; themselves when they have
	 * that size already.
	 */
	Slices padded(final int w, final int h) {
		if (w == width && h == height) return this;
		if (w < width || h < height) throw new IllegalArgumentException("slices: " + width + "x" + height + " do not fit " + w + "x" + h);
		final int ox = (w - width) / 2, oy = (h - height) / 2;
		final Slices out = new Slices(w, h);
		for (int i = 0; i < size(); i++) {
			final float[] image = new float[w * h];
			final byte[] label = new byte[w * h];
			for (int y = 0; y < height; y++) {
				System.arraycopy(images.get(i), y * width, image, (y + oy) * w + ox, width);
				System.arraycopy(labels.get(i), y * width, label, (y + oy) * w + ox, width);
			}
			out.add(names.get(i), image, label);
		}
		return out;
	}

	int size() {
		return images.size();
	}

	List<String> names() {
		return Collections.unmodifiableList(names);
	}
}
