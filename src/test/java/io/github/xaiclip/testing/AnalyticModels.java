package io.github.xaiclip.testing;

import java.util.Arrays;
import java.util.List;

import io.github.xaiclip.model.InputSpec;
import io.github.xaiclip.model.ReceptiveField;
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

	/**
	 * A small fully convolutional network in closed form, with pooling: the image is averaged over {@code s x s}
	 * blocks (stride {@code s}), the block means are averaged again over {@code (2k + 1)^2} blocks with zero
	 * padding at the image's edges, and {@code P(organ) = sigmoid(4 (Z + x - 0.6))} at each pixel from its block's
	 * {@code Z} and its own value {@code x}. Its true receptive field is bounded: radius {@code (k + 1) s - 1},
	 * stride {@code s}; what it declares is up to the test ({@code null}: nothing). Takes sizes that are multiples
	 * of {@code s}. The same pixels give the same bits wherever they are cut from, so cropped and whole-image
	 * evaluations agree exactly.
	 */
	public static class PooledModel implements SegmentationModel {

		final int s, k;
		private final ReceptiveField declared;
		/** {width, height} of every image given to {@link #predict}, in order. */
		public final List<int[]> sizes = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

		public PooledModel(final int s, final int k, final ReceptiveField declared) {
			this.s = s;
			this.k = k;
			this.declared = declared;
		}

		/** The radius the model really has. */
		public int trueRadius() {
			return (k + 1) * s - 1;
		}

		@Override
		public InputSpec inputSpec() {
			return InputSpec.multipleOf(1, s);
		}

		@Override
		public ReceptiveField receptiveField() {
			return declared;
		}

		@Override
		public List<String> classNames() {
			return Arrays.asList("background", "organ");
		}

		@Override
		public void predict(final float[] input, final int batch, final int height, final int width, final float[] output) {
			if (width % s != 0 || height % s != 0) throw new IllegalArgumentException(width + "x" + height + " is not a multiple of " + s);
			final int gw = width / s, gh = height / s, n = width * height;
			final double[] block = new double[gw * gh], z = new double[gw * gh];
			for (int b = 0; b < batch; b++) {
				sizes.add(new int[] { width, height });
				for (int j = 0; j < gh; j++)
					for (int i = 0; i < gw; i++) {
						double sum = 0;
						for (int y = j * s; y < (j + 1) * s; y++)
							for (int x = i * s; x < (i + 1) * s; x++)
								sum += input[b * n + y * width + x];
						block[j * gw + i] = sum / (s * s);
					}
				for (int j = 0; j < gh; j++)
					for (int i = 0; i < gw; i++) {
						double sum = 0;
						for (int v = j - k; v <= j + k; v++)
							for (int u = i - k; u <= i + k; u++)
								if (u >= 0 && v >= 0 && u < gw && v < gh) sum += block[v * gw + u];
						z[j * gw + i] = sum / ((2 * k + 1) * (2 * k + 1));
					}
				for (int y = 0; y < height; y++)
					for (int x = 0; x < width; x++) {
						final int p = b * n + y * width + x;
						final float organ = (float) (1 / (1 + Math.exp(-4 * (z[(y / s) * gw + x / s] + input[p] - 0.6))));
						output[2 * p] = 1 - organ;
						output[2 * p + 1] = organ;
					}
			}
		}
	}

	/**
	 * A model with global context: {@code P(organ) = sigmoid(4 (x + m - 0.6))} at each pixel, where {@code m} is
	 * the mean of the whole image, so any change anywhere changes every output pixel. Takes any size; declares
	 * {@code declared}.
	 */
	public static final class GlobalMeanModel implements SegmentationModel {

		private final ReceptiveField declared;

		public GlobalMeanModel(final ReceptiveField declared) {
			this.declared = declared;
		}

		@Override
		public InputSpec inputSpec() {
			return InputSpec.any(1);
		}

		@Override
		public ReceptiveField receptiveField() {
			return declared;
		}

		@Override
		public List<String> classNames() {
			return Arrays.asList("background", "organ");
		}

		@Override
		public void predict(final float[] input, final int batch, final int height, final int width, final float[] output) {
			final int n = width * height;
			for (int b = 0; b < batch; b++) {
				double sum = 0;
				for (int p = 0; p < n; p++)
					sum += input[b * n + p];
				final double mean = sum / n;
				for (int p = b * n; p < (b + 1) * n; p++) {
					final float organ = (float) (1 / (1 + Math.exp(-4 * (input[p] + mean - 0.6))));
					output[2 * p] = 1 - organ;
					output[2 * p + 1] = organ;
				}
			}
		}
	}

	/** A {@code w x h} test image: a bright blob at {@code (cx, cy)} of radius {@code r} over a faint texture. */
	public static ArrayImg<FloatType, FloatArray> blobImage(final int w, final int h, final double cx, final double cy, final double r) {
		final float[] v = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				final double d = Math.hypot(x - cx, y - cy);
				v[y * w + x] = (float) (0.1 + 0.05 * Math.sin(0.7 * x + 0.3 * y) + (d <= r ? 0.6 : d <= r + 3 ? 0.6 * (r + 3 - d) / 3 : 0));
			}
		return ArrayImgs.floats(v, w, h);
	}
}
