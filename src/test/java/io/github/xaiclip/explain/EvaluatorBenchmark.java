package io.github.xaiclip.explain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import io.github.xaiclip.model.InputSpec;
import io.github.xaiclip.model.SegmentationModel;
import io.github.xaiclip.roi.Rois;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

/**
 * The engine's overhead: wall time of an explanation divided by the time of the same model batches run bare, on a
 * 128x128 input with a model of fixed cost per batch. Everything the engine adds — building perturbed inputs,
 * reducing outputs to scores, accumulating saliency, SLIC and the LIME fit — shows as overhead above 1.
 * <p>
 * Run: {@code mvn -q test-compile exec:exec@bench} (JMH options may follow as usual, e.g. {@code -Dexec.args=...}
 * is not needed; the defaults take about two minutes).
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EvaluatorBenchmark {

	static final int SIZE = 128;

	@Param({ "occlusion", "rise", "lime" })
	public String method;

	@Param({ "16" })
	public int batch;

	/** Milliseconds the model spends per batch, whatever its size (a ~20k-parameter U-Net takes about this at 16). */
	@Param({ "30" })
	public double cost;

	private FixedCostModel model;
	private ExplanationEngine engine;
	private PerturbationMethod perturbation;
	private ArrayImg<FloatType, FloatArray> image;
	private int[] batchSizes;
	private float[] input, output;

	/** Spins for a fixed time per call, then writes a disk-shaped prediction for every image of the batch. */
	static final class FixedCostModel implements SegmentationModel {

		final long nanos;
		final List<Integer> calls = new ArrayList<>();
		boolean record;

		FixedCostModel(final double millis) {
			nanos = (long) (millis * 1e6);
		}

		@Override
		public InputSpec inputSpec() {
			return InputSpec.any(1);
		}

		@Override
		public List<String> classNames() {
			return Arrays.asList("background", "organ");
		}

		@Override
		public void predict(final float[] in, final int b, final int height, final int width, final float[] out) {
			final long end = System.nanoTime() + nanos;
			if (record) calls.add(b);
			final int n = width * height;
			for (int i = 0; i < b; i++)
				for (int p = 0; p < n; p++) {
					final int x = p % width - width / 2, y = p / width - height / 2;
					final float v = x * x + y * y < 900 ? 0.9f * in[i * n + p] : 0.05f;
					out[(i * n + p) * 2] = 1 - v;
					out[(i * n + p) * 2 + 1] = v;
				}
			while (System.nanoTime() < end)
				Thread.onSpinWait();
		}
	}

	@Setup(Level.Trial)
	public void setUp() {
		final float[] pixels = new float[SIZE * SIZE];
		for (int p = 0; p < pixels.length; p++)
			pixels[p] = 0.6f + 0.4f * (float) Math.sin(p * 0.01);
		image = ArrayImgs.floats(pixels, SIZE, SIZE);
		model = new FixedCostModel(cost);
		engine = new ExplanationEngine(model).batchSize(batch);
		switch (method) {
		case "occlusion":
			perturbation = Occlusion.builder().window(16).stride(8).build();
			break;
		case "rise":
			perturbation = Rise.builder().masks(256).cell(16).build();
			break;
		case "lime":
			perturbation = Lime.builder().superpixels(100).samples(256).build();
			break;
		default:
			throw new IllegalArgumentException(method);
		}
		model.record = true;
		explain();
		model.record = false;
		batchSizes = model.calls.stream().mapToInt(Integer::intValue).toArray();
		input = new float[batch * SIZE * SIZE];
		output = new float[batch * SIZE * SIZE * 2];
	}

	@Benchmark
	public Explanation explain() {
		return engine.explain(image, Target.ofClass("organ"), perturbation, Mode.FULL, Rois.rectangle(SIZE, SIZE, 32, 32, 64, 64), 0);
	}

	/** The same batches through the model, nothing else. */
	@Benchmark
	public float[] bareModel() {
		for (final int b : batchSizes)
			model.predict(input, b, SIZE, SIZE, output);
		return output;
	}

	public static void main(final String[] args) throws RunnerException {
		final CommandLineOptions cli;
		try {
			cli = new CommandLineOptions(args);
		}
		catch (final org.openjdk.jmh.runner.options.CommandLineOptionException e) {
			throw new IllegalArgumentException(e.getMessage(), e);
		}
		final Collection<RunResult> results = new Runner(new OptionsBuilder().parent(cli).include(EvaluatorBenchmark.class.getName()).build()).run();
		final Map<String, double[]> byCase = new TreeMap<>();
		for (final RunResult r : results) {
			final String label = r.getParams().getBenchmark();
			final String key = r.getParams().getParam("method") + " batch=" + r.getParams().getParam("batch") + " cost=" + r.getParams().getParam("cost")
				+ "ms";
			final double[] v = byCase.computeIfAbsent(key, k -> new double[2]);
			v[label.endsWith("bareModel") ? 1 : 0] = r.getPrimaryResult().getScore();
		}
		System.out.println();
		System.out.println(String.format(Locale.ROOT, "%-36s %12s %12s %9s", "case (128x128, mode full)", "engine ms", "bare ms", "overhead"));
		for (final Map.Entry<String, double[]> e : byCase.entrySet())
			System.out.println(String.format(Locale.ROOT, "%-36s %12.1f %12.1f %9.3f", e.getKey(), e.getValue()[0], e.getValue()[1],
				e.getValue()[0] / e.getValue()[1]));
	}
}
