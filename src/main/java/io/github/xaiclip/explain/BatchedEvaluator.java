package io.github.xaiclip.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.github.xaiclip.model.ReceptiveField;
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
 * <b>Cropped evaluation.</b> Once told the model's bounded receptive field and the unperturbed output
 * ({@link #cropTo}), the evaluator runs {@link LocalPerturbationSet local} perturbations on crops around their
 * boxes ({@link CropPlan}), crops of one size batched together. The output of a crop is exact on the box grown by
 * the radius (its inner part), and nothing outside the inner part changes, so the score is
 * {@code (sum over T outside the inner part of the unperturbed P_c + sum over T inside it of the crop's P_c) / |T|}:
 * the same as the whole image's whenever the receptive field holds.
 * <p>
 * Not thread-safe: one evaluator per explanation.
 */
public final class BatchedEvaluator {

	private final SegmentationModel model;
	private final int width, height, channels, numClasses;
	private final int batchSize;
	private final ProgressListener listener;
	private final BooleanSupplier canceled;
	private long evaluations, pixels, croppedEvaluations;
	private ReceptiveField field;
	private int align;
	private float[] reference;
	private final java.util.Set<String> cropNotes = new java.util.LinkedHashSet<>();

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

	/**
	 * Evaluates local perturbations on crops from now on.
	 *
	 * @param field     the model's bounded receptive field, in this evaluator's image pixels
	 * @param reference the model's output for the unperturbed image ({@link #predict}), kept (not copied)
	 */
	public void cropTo(final ReceptiveField field, final float[] reference) {
		if (field == null || field.isGlobal()) throw new IllegalArgumentException("receptive field: cropping needs a bounded one, got " + field);
		if (model.inputSpec().isFixed()) throw new IllegalArgumentException("receptive field: a model of one fixed size cannot run on crops");
		if (reference.length < width * height * numClasses)
			throw new IllegalArgumentException("reference: expected " + width * height * numClasses + " values, got " + reference.length);
		this.field = field;
		this.reference = reference;
		this.align = lcm(field.stride(), model.inputSpec().multipleOf());
	}

	/** Model evaluations (images through the model) so far. */
	public long evaluations() {
		return evaluations;
	}

	/** Input pixels through the model so far: each evaluation's image or crop area. */
	public long pixels() {
		return pixels;
	}

	/** Evaluations that ran on a crop smaller than the image. */
	public long croppedEvaluations() {
		return croppedEvaluations;
	}

	/**
	 * What the {@link #scores} calls did about cropping: the crop sizes they used, or why they evaluated the whole
	 * image (each different note once, in order); empty before any call.
	 */
	public String cropNote() {
		return String.join("; ", cropNotes);
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
		pixels += (long) width * height;
		return out;
	}

	/**
	 * The score of every image of {@code set}, in order; local sets run on crops once {@link #cropTo} was called and
	 * a crop is smaller than the image.
	 *
	 * @param done  evaluations already done before this call, for progress
	 * @param total evaluations of the whole explanation, for progress
	 */
	public double[] scores(final PerturbationSet set, final TargetScore score, final long done, final long total) {
		final int n = set.size();
		final double[] scores = new double[n];
		if (n == 0) return scores;
		final CropPlan plan;
		if (field == null) {
			plan = null;
			cropNotes.add("cropping off");
		}
		else if (!(set instanceof LocalPerturbationSet)) {
			plan = null;
			cropNotes.add("the perturbations are not local");
		}
		else {
			final CropPlan p = CropPlan.of((LocalPerturbationSet) set, width, height, field.radius(), align);
			plan = p.crops() ? p : null;
			final String image = "the " + width + "x" + height + " image";
			cropNotes.add(p.crops() ? "crops of " + Math.min(p.cropWidth(), width) + "x" + Math.min(p.cropHeight(), height) + " px in " + image
				: "crops would be no smaller than " + image + " (" + p.cropWidth() + "x" + p.cropHeight() + " at least)");
		}
		if (plan == null) {
			final int[] all = new int[n];
			for (int i = 0; i < n; i++)
				all[i] = i;
			run(all, width, height, set::build, (out, at, i) -> score.score(out, at), set, scores, done, total);
			return scores;
		}
		final LocalPerturbationSet local = (LocalPerturbationSet) set;
		final CroppedScore cropped = new CroppedScore(score, reference, width, height);
		long at = done;
		for (final int[] group : plan.groups()) {
			final int[] size = plan.crop(group[0]);
			final int cw = size[2], ch = size[3];
			run(group, cw, ch, (i, into, offset) -> {
				final int[] k = plan.crop(i);
				local.build(i, k[0], k[1], cw, ch, into, offset);
			}, (out, offset, i) -> cropped.score(out, offset, plan.crop(i), plan.inner(i)), set, scores, at, total);
			at += group.length;
			if (cw < width || ch < height) croppedEvaluations += group.length;
		}
		return scores;
	}

	/** Builds perturbed image {@code i} (or its crop) into a batch buffer. */
	private interface Build {

		void build(int i, float[] into, int offset);
	}

	/** Reduces the output of perturbed image {@code i} (or its crop) at {@code offset} to its score. */
	private interface Score {

		double score(float[] output, int offset, int i);
	}

	/**
	 * Evaluates images {@code indices}, each {@code w x h}, in batches: the next batch is built while the model runs
	 * the current one, and scores go back to {@code set} in the order evaluated.
	 */
	private void run(final int[] indices, final int w, final int h, final Build build, final Score score, final PerturbationSet set,
		final double[] scores, final long done, final long total)
	{
		final int n = indices.length;
		final int imageSize = w * h * channels, outSize = w * h * numClasses;
		final int b = Math.min(batchSize, n);
		final float[][] inputs = { new float[b * imageSize], new float[b * imageSize] };
		final float[] output = new float[b * outSize];
		final ExecutorService builder = Executors.newSingleThreadExecutor(r -> {
			final Thread t = new Thread(r, "xai-clip batch builder");
			t.setDaemon(true);
			return t;
		});
		try {
			Future<?> next = builder.submit(() -> fill(build, indices, 0, Math.min(b, n), inputs[0], imageSize));
			// scores are handed back on the builder thread after the next build has been queued, so that the model
			// never waits for them; their tasks are checked for errors at the end
			final List<Future<?>> consumed = new ArrayList<>();
			for (int start = 0, k = 0; start < n; start += b, k ^= 1) {
				final int count = Math.min(b, n - start);
				await(next);
				if (canceled.getAsBoolean()) throw new CancellationException("explanation canceled");
				final int nextStart = start + b;
				if (nextStart < n) {
					final float[] into = inputs[k ^ 1];
					next = builder.submit(() -> fill(build, indices, nextStart, Math.min(b, n - nextStart), into, imageSize));
				}
				model.predict(inputs[k], count, h, w, output);
				evaluations += count;
				pixels += (long) count * w * h;
				for (int j = 0; j < count; j++)
					scores[indices[start + j]] = score.score(output, j * outSize, indices[start + j]);
				final int from = start;
				consumed.add(builder.submit(() -> {
					for (int j = from; j < from + count; j++)
						set.scored(indices[j], scores[indices[j]]);
				}));
				listener.progress(done + start + count, total);
			}
			for (final Future<?> f : consumed)
				await(f);
		}
		finally {
			builder.shutdownNow();
			try {
				// the builder never outlives the call: no thread writes into buffers after we return
				while (!builder.isTerminated())
					builder.awaitTermination(1, TimeUnit.SECONDS);
			}
			catch (final InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private static void fill(final Build build, final int[] indices, final int start, final int count, final float[] into, final int imageSize) {
		for (int j = 0; j < count; j++)
			build.build(indices[start + j], into, j * imageSize);
	}

	/** The score of a crop's output: the unperturbed score, less the drop over the target pixels of the inner part. */
	private static final class CroppedScore {

		private final TargetScore score;
		private final float[] reference;
		private final int width, numClasses, classIndex;
		private final boolean[] target;
		private final double referenceScore;

		CroppedScore(final TargetScore score, final float[] reference, final int width, final int height) {
			this.score = score;
			this.reference = reference;
			this.width = width;
			this.numClasses = score.numClasses();
			this.classIndex = score.classIndex();
			this.target = new boolean[width * height];
			for (final int p : score.pixels())
				target[p] = true;
			this.referenceScore = score.score(reference, 0);
		}

		double score(final float[] output, final int offset, final int[] crop, final int[] inner) {
			double drop = 0;
			for (int y = inner[1]; y < inner[3]; y++)
				for (int x = inner[0], p = y * width + x; x < inner[2]; x++, p++)
					if (target[p]) {
						final int q = offset + ((y - crop[1]) * crop[2] + x - crop[0]) * numClasses + classIndex;
						drop += reference[p * numClasses + classIndex] - output[q];
					}
			return referenceScore - drop / score.area();
		}
	}

	private static int lcm(final int a, final int b) {
		int x = a, y = b;
		while (y != 0) {
			final int t = x % y;
			x = y;
			y = t;
		}
		return a / x * b;
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
