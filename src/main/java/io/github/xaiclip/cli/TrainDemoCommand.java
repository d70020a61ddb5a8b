package io.github.xaiclip.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.github.xaiclip.image.Volume;
import io.github.xaiclip.train.DemoModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Rebuilds the demo models from the shared scans, reproducibly. */
@Command(name = "train-demo", mixinStandardHelpOptions = true,
	description = { "Trains the demo models on the abdominal CT (TotalSegmentator test scan) and writes their model folders:",
		"  OUT/models/ct-unet   a U-Net segmenting background, liver, spleen, kidney_right, kidney_left, stomach",
		"  OUT/models/ct-clip   a CLIP-like dense vision-language model (patch and text embeddings)",
		"and their validation figures into the report section of OUT/README.md.",
		"Same seed, same weights." })
final class TrainDemoCommand implements Callable<Integer> {

	/**
	 * TensorFlow's oneDNN kernels choose algorithms by what they have cached, so the same seed could give other
	 * weights; they can be turned off only before TensorFlow loads, by this environment variable.
	 */
	static final String ONEDNN = "TF_ENABLE_ONEDNN_OPTS";

	@picocli.CommandLine.Spec
	picocli.CommandLine.Model.CommandSpec spec;

	/** Runs this command again in a child JVM with oneDNN off, so that the same seed gives the same weights. */
	private int inChildWithoutOneDnn() throws java.io.IOException, InterruptedException {
		final java.util.List<String> cmd = new java.util.ArrayList<>();
		cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
		cmd.add("-cp");
		cmd.add(System.getProperty("java.class.path"));
		cmd.add(XaiClip.class.getName());
		cmd.addAll(spec.commandLine().getParseResult().originalArgs());
		final ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
		pb.environment().put(ONEDNN, "0");
		pb.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "2");
		return pb.start().waitFor();
	}

	@Option(names = "--data", paramLabel = "DIR", description = "folder with totalseg-abdomen-ct/ (default: ${DEFAULT-VALUE})")
	Path data = Paths.get("test-data");

	@Option(names = "--out", paramLabel = "DIR", description = "where models/ goes (default: ${DEFAULT-VALUE})")
	Path out = Paths.get("test-data");

	@Option(names = "--seed", description = "random seed (default: ${DEFAULT-VALUE})")
	long seed = 1;

	@Option(names = "--steps", description = "U-Net training steps of 8 slices (default: ${DEFAULT-VALUE})")
	int steps = 2000;

	@Option(names = "--clip-steps", description = "CLIP-like model training steps of 8 slices (default: ${DEFAULT-VALUE})")
	int clipSteps = 1500;

	@Override
	public Integer call() throws Exception {
		if (!"0".equals(System.getenv(ONEDNN))) return inChildWithoutOneDnn();
		if (steps < 1) throw new IllegalArgumentException("--steps: expected >= 1, got " + steps);
		if (clipSteps < 1) throw new IllegalArgumentException("--clip-steps: expected >= 1, got " + clipSteps);
		final DemoScan scan = DemoScan.read(data);
		final Volume ct = scan.ct, labels = scan.labels;
		System.out.printf(Locale.ROOT, "CT %dx%dx%d at %s mm%n", ct.width(), ct.height(), ct.depth(), java.util.Arrays.toString(ct.voxelSize()));
		System.out.println();
		System.out.print(DemoModels.build(ct, labels, out, seed, steps, clipSteps, System.out));
		return 0;
	}
}
