package io.github.xaiclip.tf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

import io.github.xaiclip.model.InputSpec;
import io.github.xaiclip.model.ModelDescriptor;

/**
 * Forward passes of a demo-sized U-Net (128x128, 6 classes) through the plugin's path and through a bare session
 * run, at batch 1, 8 and 32, with 2 intra-op threads. Run:
 * {@code mvn -q test-compile exec:exec@bench -Dbench=tf.TfModelBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dorg.bytedeco.javacpp.logger.debug=false")
public class TfModelBenchmark {

	static final int SIZE = 128;

	@Param({ "1", "8", "32" })
	public int batch;

	private Path dir;
	private SavedModelBundle bundle;
	private TfSegmentationModel model;
	private float[] input, output;

	@Setup(Level.Trial)
	public void setUp() throws Exception {
		dir = TinyUNet.export(Files.createTempDirectory("xai-clip-bench").resolve("unet"));
		bundle = SavedModelBundle.loader(dir.toString()).withTags("serve")
			.withConfigProto(ConfigProto.newBuilder().setIntraOpParallelismThreads(2).setInterOpParallelismThreads(1).build()).load();
		model = new TfSegmentationModel(bundle, () -> {}, "serving_default", "image", "probabilities", false, ModelDescriptor.Activation.NONE,
			InputSpec.multipleOf(1, 2), null, Arrays.asList("0", "1", "2", "3", "4", "5"), "unet");
		input = new float[batch * SIZE * SIZE];
		for (int i = 0; i < input.length; i++)
			input[i] = (float) Math.sin(i * 0.001);
		output = new float[batch * SIZE * SIZE * TinyUNet.CLASSES];
	}

	@TearDown(Level.Trial)
	public void tearDown() throws java.io.IOException {
		bundle.close();
		try (java.util.stream.Stream<Path> files = Files.walk(dir.getParent())) {
			for (final Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator)
				Files.delete(p);
		}
	}

	@Benchmark
	public float[] plugin() {
		model.predict(input, batch, SIZE, SIZE, output);
		return output;
	}

	/** What any caller must do at least: a tensor from the array, one session run, the result into an array. */
	@Benchmark
	public float[] bareSession() {
		try (TFloat32 t = TFloat32.tensorOf(Shape.of(batch, SIZE, SIZE, 1), DataBuffers.of(input, true, false));
			Result r = bundle.session().runner().feed("image", t).fetch("probabilities").run())
		{
			((TFloat32) r.get(0)).copyTo(DataBuffers.of(output, false, false));
		}
		return output;
	}

	public static void main(final String[] args) throws RunnerException {
		final Collection<RunResult> results = new Runner(new OptionsBuilder().include(TfModelBenchmark.class.getName()).build()).run();
		final Map<Integer, double[]> byBatch = new TreeMap<>();
		for (final RunResult r : results) {
			final double[] v = byBatch.computeIfAbsent(Integer.parseInt(r.getParams().getParam("batch")), k -> new double[2]);
			v[r.getParams().getBenchmark().endsWith("plugin") ? 0 : 1] = r.getPrimaryResult().getScore();
		}
		System.out.println();
		System.out.println(String.format(Locale.ROOT, "%-6s %12s %12s %14s %9s", "batch", "plugin ms", "bare ms", "images/s", "overhead"));
		for (final Map.Entry<Integer, double[]> e : byBatch.entrySet())
			System.out.println(String.format(Locale.ROOT, "%-6d %12.2f %12.2f %14.1f %9.3f", e.getKey(), e.getValue()[0], e.getValue()[1],
				e.getKey() * 1000 / e.getValue()[0], e.getValue()[0] / e.getValue()[1]));
	}
}
