package io.github.xaiclip.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.github.xaiclip.image.Volume;
import io.github.xaiclip.train.BrainSlab;
import io.github.xaiclip.train.DemoDomain;
import io.github.xaiclip.train.DemoModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Rebuilds the demo models from the bundled scans, reproducibly. */
@Command(name = "train-demo", mixinStandardHelpOptions = true,
	description = { "Trains the demo models and writes their model folders:",
		"  OUT/models/ct-unet    a U-Net segmenting liver, spleen, kidney_right, kidney_left, stomach on the abdominal CT",
		"  OUT/models/ct-clip    a CLIP-like dense vision-language model (patch and text embeddings) for the CT",
		"  OUT/models/mri-unet   a U-Net segmenting thalamus, caudate, putamen, pallidum, hippocampus (left, right) on the brain MRI",
		"  OUT/models/mri-clip   a CLIP-like model for the MRI",
		"and their validation figures into the report sections of OUT/README.md.",
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

	@Option(names = "--domain", paramLabel = "NAME", description = "ct, mri or all (default: ${DEFAULT-VALUE})")
	String domain = "all";

	@Option(names = "--data", paramLabel = "DIR", description = "folder with totalseg-abdomen-ct/ and mricron-ch2-aal/ (default: ${DEFAULT-VALUE})")
	Path data = Paths.get("test-data");

	@Option(names = "--out", paramLabel = "DIR", description = "where models/ goes (default: ${DEFAULT-VALUE})")
	Path out = Paths.get("test-data");

	@Option(names = "--mri-source", paramLabel = "DIR", description = { "first derive DATA/mricron-ch2-aal/ from the mricron templates in DIR",
		"(ch2.nii.gz, aal.nii.gz, aal.nii.txt; Debian's mricron-data has them in /usr/share/mricron/templates)" })
	Path mriSource;

	@Option(names = "--seed", description = "random seed (default: ${DEFAULT-VALUE})")
	long seed = 1;

	@Option(names = "--steps", paramLabel = "N", description = "U-Net training steps of 8 slices (default: 2000 for ct, 2000 for mri)")
	Integer steps;

	@Option(names = "--clip-steps", paramLabel = "N", description = "CLIP-like model training steps of 8 slices (default: 1500 for ct, 1500 for mri)")
	Integer clipSteps;

	@Override
	public Integer call() throws Exception {
		if (!"0".equals(System.getenv(ONEDNN))) return inChildWithoutOneDnn();
		if (steps != null && steps < 1) throw new IllegalArgumentException("--steps: expected >= 1, got " + steps);
		if (clipSteps != null && clipSteps < 1) throw new IllegalArgumentException("--clip-steps: expected >= 1, got " + clipSteps);
		final java.util.List<DemoDomain> domains = "all".equalsIgnoreCase(domain) ? DemoDomain.ALL : java.util.Collections.singletonList(named(domain));
		if (mriSource != null) {
			final Path target = data.resolve(DemoDomain.MRI.folder);
			final BrainSlab.Derived d = BrainSlab.write(mriSource, target);
			System.out.printf(Locale.ROOT, "Derived %s from %s: %s%n", target, mriSource, d.scan);
		}
		final Volume[][] scans = new Volume[domains.size()][];
		for (int i = 0; i < scans.length; i++)
			scans[i] = domains.get(i).read(data); // every scan before any training: a missing one fails at once
		for (int i = 0; i < scans.length; i++) {
			final DemoDomain d = domains.get(i);
			final Volume scan = scans[i][0];
			System.out.printf(Locale.ROOT, "%s %dx%dx%d at %s mm%n", d.modality, scan.width(), scan.height(), scan.depth(),
				java.util.Arrays.toString(scan.voxelSize()));
			System.out.println();
			System.out.print(DemoModels.build(d, scan, scans[i][1], out, seed, steps != null ? steps : d.unetSteps, clipSteps != null ? clipSteps
				: d.clipSteps, System.out));
			System.out.println();
		}
		return 0;
	}

	private static DemoDomain named(final String name) {
		try {
			return DemoDomain.named(name);
		}
		catch (final IllegalArgumentException e) {
			throw new IllegalArgumentException("--domain: expected ct, mri or all, got '" + name + "'");
		}
	}
}
