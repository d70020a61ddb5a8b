package io.github.xaiclip.testing;

import java.util.Arrays;
import java.util.List;

import io.github.xaiclip.model.InputSpec;
import io.github.xaiclip.model.SegmentationModel;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

/** Segmentation models whose true saliency is known, for tests of the engine without TensorFlow. */
public final class AnalyticModels {

	private AnalyticModels() {}

	/** Whether pixel centre (x, y) lies in the disk. */
	public static boolean inDisk(final int x, final int y, final double cx, final double cy, final double r) {
		final double dx = x - cx, dy = y - cy;
		return dx * dx + dy * dy <= r * r;
	}

	/** A {@code w x h} image, 1 in the disk and 0 elsewhere. */
	public static ArrayImg<FloatType, FloatArray> diskImage(final int w, final int h, final double cx, final double cy, final double r) {
		final float[] v = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				v[y * w + x] = inDisk(x, y, cx, cy, r) ? 1 : 0;
		return ArrayImgs.floats(v, w, h);
	}

	/**
	 * Segments a known disk: inside it, {@code P(disk) = sigmoid(10 (m - 0.5))} where {@code m} is the mean input
	 * over the disk; outside, {@code P(disk) = 0.01}. The prediction depends on the pixels of the disk alone, so
	 * the true saliency of class "disk" is the disk.
	 */
	public static final class DiskModel implements SegmentationModel {

		private final double cx, cy, r;
		private volatile int lastBatch;

		public DiskModel(final double cx, final double cy, final double r) {
			this.cx = cx;
			this.cy = cy;
			this.r = r;
		}

		@Override
		public InputSpec inputSpec() {
			return InputSpec.any(1);
		}

		@Override
		public List<String> classNames() {
			return Arrays.asList("background", "disk");
		}

		public int lastBatch() {
			return lastBatch;
		}

		@Override
		public void predict(final float[] input, final int batch, final int height, final int width, final float[] output) {
			lastBatch = batch;
			final int n = width * height;
			for (int b = 0; b < batch; b++) {
				double sum = 0;
				int count = 0;
				for (int y = 0; y < height; y++)
					for (int x = 0; x < width; x++)
						if (inDisk(x, y, cx, cy, r)) {
							sum += input[b * n + y * width + x];
							count++;
						}
				final float inside = (float) (1 / (1 + Math.exp(-10 * (sum / count - 0.5))));
				for (int y = 0; y < height; y++)
					for (int x = 0; x < width; x++) {
						final int o = (b * n + y * width + x) * 2;
						final float p = inDisk(x, y, cx, cy, r) ? inside : 0.01f;
						output[o] = 1 - p;
						output[o + 1] = p;
					}
			}
		}
	}

	/**
	 * A linear model: {@code P(on)} is {@code bias + sum_q weights[q] x_q} at every pixel. With fill zero, the
	 * importance of occluding a set {@code S} is exactly {@code sum_{q in S} weights[q] x_q}.
	 */
	public static final class LinearModel implements SegmentationModel {

		private final float[] weights;
		private final double bias;

		public LinearModel(final float[] weights, final double bias) {
			this.weights = weights;
			this.bias = bias;
		}

		@Override
		public InputSpec inputSpec() {
			return InputSpec.any(1);
		}

		@Override
		public List<String> classNames() {
			return Arrays.asList("off", "on");
		}

		@Override
		public void predict(final float[] input, final int batch, final int height, final int width, final float[] output) {
			final int n = width * height;
			for (int b = 0; b < batch; b++) {
				double s = bias;
				for (int q = 0; q < n; q++)
					s += weights[q] * input[b * n + q];
				for (int p = 0; p < n; p++) {
					output[(b * n + p) * 2] = (float) (1 - s);
					output[(b * n + p) * 2 + 1] = (float) s;
				}
			}
		}
	}

	/** {@code P(on)} at each pixel is the input value at that pixel (multi-channel inputs: their mean). */
	public static class IdentityModel implements SegmentationModel {

		private final int channels;

		public IdentityModel(final int channels) {
			this.channels = channels;
		}

		@Override
		public InputSpec inputSpec() {
			return InputSpec.any(channels);
		}

		@Override
		public List<String> classNames() {
			return Arrays.asList("off", "on");
		}

		@Override
		public void predict(final float[] input, final int batch, final int height, final int width, final float[] output) {
			final int n = width * height;
			for (int i = 0; i < batch * n; i++) {
				float s = 0;
				for (int c = 0; c < channels; c++)
					s += input[i * channels + c];
				s /= channels;
				output[i * 2] = 1 - s;
				output[i * 2 + 1] = s;
			}
		}
	}
}
