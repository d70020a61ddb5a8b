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

	int size() {
		return images.size();
	}

	List<String> names() {
		return Collections.unmodifiableList(names);
	}
}
