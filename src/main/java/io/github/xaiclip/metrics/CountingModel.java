package io.github.xaiclip.metrics;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.github.xaiclip.model.InputSpec;
import io.github.xaiclip.model.ReceptiveField;
import io.github.xaiclip.model.SegmentationModel;

/**
 * A model wrapper that counts the images and batches that go through the model and the time spent inside it: the
 * bare model cost against which the engine's overhead is measured. Thread-safe.
 */
public final class CountingModel implements SegmentationModel {

	private final SegmentationModel model;
	private final AtomicLong images = new AtomicLong();
	private final AtomicLong batches = new AtomicLong();
	private final AtomicLong nanos = new AtomicLong();
	private final AtomicLong pixels = new AtomicLong();

	public CountingModel(final SegmentationModel model) {
		this.model = model;
	}

	@Override
	public InputSpec inputSpec() {
		return model.inputSpec();
	}

	@Override
	public ReceptiveField receptiveField() {
		return model.receptiveField();
	}

	@Override
	public List<String> classNames() {
		return model.classNames();
	}

	@Override
	public void predict(final float[] input, final int batch, final int height, final int width, final float[] output) {
		final long t0 = System.nanoTime();
		model.predict(input, batch, height, width, output);
		nanos.addAndGet(System.nanoTime() - t0);
		images.addAndGet(batch);
		pixels.addAndGet((long) batch * height * width);
		batches.incrementAndGet();
	}

	/** Images evaluated (model evaluations). */
	public long evaluations() {
		return images.get();
	}

	/** Input pixels through the model: the images' areas summed (a crop counts its own area). */
	public long pixels() {
		return pixels.get();
	}

	public long batches() {
		return batches.get();
	}

	/** Seconds spent inside the model. */
	public double modelSeconds() {
		return nanos.get() * 1e-9;
	}

	public void reset() {
		images.set(0);
		batches.set(0);
		pixels.set(0);
		nanos.set(0);
	}

	@Override
	public void close() {
		model.close();
	}
}
