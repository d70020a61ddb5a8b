package io.github.xaiclip.explain;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import io.github.xaiclip.model.SegmentationModel;

/**
 * Runs a model over many perturbed images and keeps only their scores.
 * <p>
 * Perturbed images are packed into batches; while the model runs one batch, a second thread builds the next one
 * into the other of two reused input buffers. Each output batch is reduced to scores at once, and the scores are
 * handed back to the perturbation set on the builder thread while the model runs the next batch. Progress is reported
 * after every batch, and a cancellation request is honoured before the next batch starts (the call then throws
 * {@link CancellationException}; nothing of the run is kept).
 * <p>
 * Not thread-safe: one evaluator per explanation.
 */
public final class BatchedEvaluator {

	private final SegmentationModel model;
	private final int width, height, channels, numClasses;
	private final int batchSize;
	private final ProgressListener listener;
	private final BooleanSupplier canceled;
	private long evaluations;

	public BatchedEvaluator(final SegmentationModel model, final int width, final int height, final int batchSize, final ProgressListener listener,
		final BooleanSupplier canceled)
	{
		if (batchSize < 1) throw new IllegalArgumentException("batch_size: expected >= 1, got " + batchSize);
		this.model = model;
		this.width = width;
		this.height = height;
		this.channels = model.inputSpec().channels();
		this.numClasses = model.numClasses();
		this.batchSize = batchSize;
		this.listener = listener == null ? ProgressListener.NONE : listener;
		this.canceled = canceled == null ? () -> false : canceled;
	}

	/** Model evaluations (images through the model) so far. */
	public long evaluations() {
		return evaluations;
	}

	public int batchSize() {
		return batchSize;
	}

	/** The model's output for one image ({@code yxc}, one value per class). */
	public float[] predict(final float[] image) {
		checkCanceled();
		final float[] out = new float[width * height * numClasses];
		model.predict(image, 1, height, width, out);
		evaluations++;
		return out;
	}

	/**
	 * The score of every image of {@code set}, in order.
	 *
	 * @param done  evaluations already done before this call, for progress
	 * @param total evaluations of the whole explanation, for progress
	 */
	public double[] scores(final PerturbationSet set, final TargetScore score, final long done, final long total) {
		final int n = set.size();
		final double[] scores = new double[n];
		if (n == 0) return scores;
		final int imageSize = width * height * channels;
		final int b = Math.min(batchSize, n);
		final float[][] inputs = { new float[b * imageSize], new float[b * imageSize] };
		final float[] output = new float[b * width * height * numClasses];
		final int outSize = width * height * numClasses;
		final ExecutorService builder = Executors.newSingleThreadExecutor(r -> {
			final Thread t = new Thread(r, "xai-clip batch builder");
			t.setDaemon(true);
			return t;
		});
		try {
			Future<?> next = builder.submit(() -> build(set, 0, Math.min(b, n), inputs[0], imageSize));
			// scores are handed back on the builder thread after the next build has been queued, so that the model
			// never waits for them; their tasks are checked for errors at the end
			final java.util.List<Future<?>> consumed = new java.util.ArrayList<>();
			for (int start = 0, k = 0; start < n; start += b, k ^= 1) {
				final int count = Math.min(b, n - start);
				await(next);
				if (canceled.getAsBoolean()) throw new CancellationException("explanation canceled");
				final int nextStart = start + b;
				if (nextStart < n) {
					final float[] into = inputs[k ^ 1];
					next = builder.submit(() -> build(set, nextStart, Math.min(b, n - nextStart), into, imageSize));
				}
				model.predict(inputs[k], count, height, width, output);
				evaluations += count;
				for (int i = 0; i < count; i++)
					scores[start + i] = score.score(output, i * outSize);
				final int from = start;
				consumed.add(builder.submit(() -> {
					for (int i = from; i < from + count; i++)
						set.scored(i, scores[i]);
				}));
				listener.progress(done + start + count, total);
			}
			for (final Future<?> f : consumed)
				await(f);
			return scores;
		}
		finally {
			builder.shutdownNow();
			try {
				// the builder never outlives the call: no thread writes into buffers after we return
				while (!builder.isTerminated())
					builder.awaitTermination(1, java.util.concurrent.TimeUnit.SECONDS);
			}
			catch (final InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private static void build(final PerturbationSet set, final int start, final int count, final float[] into, final int imageSize) {
		for (int i = 0; i < count; i++)
			set.build(start + i, into, i * imageSize);
	}

	private static void await(final Future<?> f) {
		try {
			f.get();
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new CancellationException("explanation interrupted");
		}
		catch (final ExecutionException e) {
			final Throwable c = e.getCause();
			if (c instanceof RuntimeException) throw (RuntimeException) c;
			if (c instanceof Error) throw (Error) c;
			throw new IllegalStateException(c);
		}
	}

	private void checkCanceled() {
		if (canceled.getAsBoolean()) throw new CancellationException("explanation canceled");
	}
}
