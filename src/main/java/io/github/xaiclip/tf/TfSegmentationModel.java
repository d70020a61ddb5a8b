package io.github.xaiclip.tf;

import java.util.Collections;
import java.util.List;

import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TFResourceExhaustedException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

import io.github.xaiclip.model.InputSpec;
import io.github.xaiclip.model.ModelDescriptor.Activation;
import io.github.xaiclip.model.ReceptiveField;
import io.github.xaiclip.model.SegmentationModel;

/**
 * A segmentation model in a TensorFlow SavedModel. Batches go in as one float tensor wrapped around the caller's
 * array and come back copied straight into the caller's output array; {@code bcyx} models get their layout
 * transposed on the way. The output becomes probabilities through the declared activation (none, sigmoid,
 * softmax over the classes).
 * <p>
 * When TensorFlow runs out of memory, the batch is split in halves and the largest size that worked is kept for
 * later calls. Thread-safe: concurrent calls run concurrently in TensorFlow's session.
 */
public final class TfSegmentationModel implements SegmentationModel {

	private final SavedModelBundle bundle;
	private final Runnable onClose;
	private final String inputKey, outputKey;
	/** The graph's tensor names behind the signature's keys: run through the session directly, as cheap as it gets. */
	private final String inputTensor, outputTensor;
	private final boolean channelsFirst;
	private final Activation activation;
	private final InputSpec spec;
	private final ReceptiveField receptiveField;
	private final List<String> classes;
	private final String name;
	private volatile int maxBatch = Integer.MAX_VALUE;

	/**
	 * @param bundle        the loaded SavedModel
	 * @param onClose       what {@link #close()} does (give the bundle back to a cache, or close it)
	 * @param signature     signature key, e.g. {@code serving_default}
	 * @param inputKey      the signature's input key
	 * @param outputKey     the signature's output key
	 * @param channelsFirst {@code bcyx} tensors instead of {@code byxc}
	 * @param receptiveField what the descriptor declares, or null
	 * @param name          for messages, e.g. the model folder
	 */
	public TfSegmentationModel(final SavedModelBundle bundle, final Runnable onClose, final String signature, final String inputKey,
		final String outputKey, final boolean channelsFirst, final Activation activation, final InputSpec spec, final ReceptiveField receptiveField,
		final List<String> classes, final String name)
	{
		this.bundle = bundle;
		this.onClose = onClose;
		final Signature sig = bundle.function(signature).signature();
		if (!sig.getInputs().containsKey(inputKey))
			throw SavedModelInspector.userError(name + ": signature '" + signature + "' has no input '" + inputKey + "'; it has " + sig.inputNames());
		if (!sig.getOutputs().containsKey(outputKey))
			throw SavedModelInspector.userError(name + ": signature '" + signature + "' has no output '" + outputKey + "'; it has " + sig.outputNames());
		this.inputKey = inputKey;
		this.outputKey = outputKey;
		this.inputTensor = sig.getInputs().get(inputKey).name;
		this.outputTensor = sig.getOutputs().get(outputKey).name;
		this.channelsFirst = channelsFirst;
		this.activation = activation;
		this.spec = spec;
		this.receptiveField = receptiveField;
		this.classes = Collections.unmodifiableList(classes);
		this.name = name;
	}

	@Override
	public InputSpec inputSpec() {
		return spec;
	}

	@Override
	public ReceptiveField receptiveField() {
		return receptiveField;
	}

	@Override
	public List<String> classNames() {
		return classes;
	}

	/** The largest batch that has run without TensorFlow running out of memory so far (unbounded at first). */
	public int maxBatch() {
		return maxBatch;
	}

	@Override
	public void predict(final float[] input, final int batch, final int height, final int width, final float[] output) {
		final int inSize = height * width * spec.channels(), outSize = height * width * classes.size();
		inChunks(batch, (start, n) -> run(input, start * inSize, n, height, width, output, start * outSize));
	}

	/** Runs {@code n} images from index {@code start} of a call. */
	interface Chunk {

		void run(int start, int n);
	}

	/**
	 * Runs a batch in chunks of at most {@link #maxBatch()}; when TensorFlow runs out of memory the chunk is halved
	 * and the smaller size kept for later calls, down to single images.
	 */
	void inChunks(final int batch, final Chunk chunk) {
		for (int start = 0; start < batch;) {
			final int n = Math.min(batch - start, maxBatch);
			try {
				chunk.run(start, n);
				start += n;
			}
			catch (final TFResourceExhaustedException e) {
				if (n == 1) throw new IllegalStateException(name + ": TensorFlow ran out of memory on a single image", e);
				maxBatch = n / 2;
			}
		}
	}

	private void run(final float[] input, final int inOff, final int n, final int h, final int w, final float[] output, final int outOff) {
		final int c = spec.channels(), k = classes.size();
		final int inValues = n * h * w * c, outValues = n * h * w * k;
		final Shape shape = channelsFirst ? Shape.of(n, c, h, w) : Shape.of(n, h, w, c);
		final float[] fed = channelsFirst ? Layouts.toChannelsFirst(input, inOff, n, h, w, c) : input;
		final int fedOff = channelsFirst ? 0 : inOff;
		try (TFloat32 in = TFloat32.tensorOf(shape, DataBuffers.of(fed, true, false).slice(fedOff, inValues));
			Result result = bundle.session().runner().feed(inputTensor, in).fetch(outputTensor).run())
		{
			final Tensor got = result.get(0);
			if (!(got instanceof TFloat32)) throw new IllegalStateException(name + ": output '" + outputKey + "' is " + got.dataType() + ", expected float32");
			final TFloat32 out = (TFloat32) got;
			final Shape expected = channelsFirst ? Shape.of(n, k, h, w) : Shape.of(n, h, w, k);
			if (!out.shape().equals(expected))
				throw new IllegalStateException(name + ": output '" + outputKey + "' has shape " + out.shape() + ", expected " + expected + " (" + k
					+ " classes, axes " + (channelsFirst ? "bcyx" : "byxc") + ")");
			if (channelsFirst) {
				final float[] raw = new float[outValues];
				out.copyTo(DataBuffers.of(raw, false, false));
				Layouts.toChannelsLast(raw, n, h, w, k, output, outOff);
			}
			else out.copyTo(DataBuffers.of(output, false, false).slice(outOff, outValues));
		}
		activate(output, outOff, n * h * w, k);
	}

	private void activate(final float[] v, final int off, final int pixels, final int k) {
		switch (activation) {
		case NONE:
			return;
		case SIGMOID:
			for (int i = off; i < off + pixels * k; i++)
				v[i] = (float) (1 / (1 + Math.exp(-v[i])));
			return;
		case SOFTMAX:
			for (int p = off; p < off + pixels * k; p += k) {
				float max = Float.NEGATIVE_INFINITY;
				for (int j = 0; j < k; j++)
					max = Math.max(max, v[p + j]);
				double sum = 0;
				for (int j = 0; j < k; j++)
					sum += v[p + j] = (float) Math.exp(v[p + j] - max);
				for (int j = 0; j < k; j++)
					v[p + j] = (float) (v[p + j] / sum);
			}
			return;
		default:
			throw new AssertionError(activation);
		}
	}


	@Override
	public void close() {
		onClose.run();
	}

	@Override
	public String toString() {
		return name;
	}
}
