package io.github.xaiclip.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.xaiclip.image.Images;
import io.github.xaiclip.pipeline.Explainer;
import io.github.xaiclip.pipeline.SliceResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Explains every input of a folder or list, one share of them per job of a job array. Each input's results go to
 * {@code OUT/<name>/}, written file by file under temporary names with {@code results.csv} last: a folder with
 * {@code results.csv} is complete, and a rerun skips it. One failing input is reported and the batch goes on.
 */
@Command(name = "batch", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
	description = { "Explains every image in --input (a folder, or a text file listing one image per line) with the same settings as explain.",
		"Each image's results go to OUT/<name>/ (results.csv last, so a folder with results.csv is complete); a rerun skips complete images. "
			+ "--shard I/N takes every N-th image from the I-th of the sorted inputs, for job arrays (--shard $SLURM_ARRAY_TASK_ID/N). "
			+ "Each shard writes OUT/results-shard-I-of-N.csv; 'xai-clip merge OUT' joins them. Exit status 1 if any image failed." },
	footer = { "", "Example (a job of a SLURM array of 8):",
		"  xai-clip batch --input scans/ --out results/ --shard ${SLURM_ARRAY_TASK_ID}/8 --seg-model models/ct-unet \\",
		"    --clip-model models/ct-clip --prompt liver --target liver --ground-truth 'labels/{name}.nii.gz' --gt-value 5" })
final class BatchCommand implements Callable<Integer> {

	@Option(names = "--input", paramLabel = "DIR|LIST.txt", required = true, description = "a folder of images, or a text file with one image path per line")
	Path input;

	@Option(names = "--out", paramLabel = "DIR", required = true, description = "output folder (created if needed)")
	Path out;

	@Option(names = "--shard", paramLabel = "I/N", description = "this job's share: inputs i with i mod N = I (default: 0/1, all)")
	String shard = "0/1";

	@Option(names = "--slice", paramLabel = "N", description = "explain only slice N of each image (default: every slice)")
	int slice;

	@Mixin
	ExplainOptions options;

	@Override
	public Integer call() throws IOException {
		final int[] s = parseShard(shard);
		if (slice < 0) throw new IllegalArgumentException("--slice: expected a slice number >= 1, got " + slice);
		final List<Path> all = inputs(input);
		final Map<String, Path> byName = new HashMap<>();
		for (final Path p : all) {
			final Path other = byName.put(Images.stem(p), p);
			if (other != null)
				throw new IllegalArgumentException("--input: " + other + " and " + p + " would both write to " + out.resolve(Images.stem(p)) + "; rename one");
		}
		final List<Path> mine = share(all, s[0], s[1]);
		Writable.check(out);
		final Progress progress = Progress.onStderr();
		final String tag = "shard " + s[0] + "/" + s[1];
		progress.log(String.format("batch %s: %d of %d input(s)", tag, mine.size(), all.size()));
		final List<String> rows = new ArrayList<>(), failures = new ArrayList<>();
		int explained = 0, earlier = 0;
		final Path shardCsv = out.resolve("results-shard-" + s[0] + "-of-" + s[1] + ".csv"),
			shardFailures = out.resolve("failures-shard-" + s[0] + "-of-" + s[1] + ".tsv");
		try (Explainer explainer = Explainer.open(options.settings(), options.runtime())) {
			explainer.listener(progress);
			final List<ImageJob.Run> runs = List.of(new ImageJob.Run(explainer.settings().perturbation(explainer.settings().method()),
				explainer.settings().mode()));
			for (int i = 0; i < mine.size(); i++) {
				final Path in = mine.get(i);
				final String name = Images.stem(in);
				final Path dir = out.resolve(name), done = dir.resolve("results.csv");
				if (Files.isRegularFile(done)) {
					rows.addAll(dataLines(done));
					earlier++;
					continue;
				}
				try {
					removeParts(dir);
					final ImageJob.Outcome outcome;
					try (ImageJob job = new ImageJob(in, options.roiFile(name), options.groundTruth(name), slice)) {
						for (final String note : job.source.notes())
							progress.log("note: " + note);
						outcome = job.explain(explainer, runs, progress, dir);
					}
					for (final String skipped : outcome.skipped)
						progress.log(in + ": skipped " + skipped);
					Outputs.text(done, SliceResult.csvHeader() + "\n" + String.join("\n", outcome.csvLines) + "\n");
					rows.addAll(outcome.csvLines);
					explained++;
					progress.log(String.format("done %d/%d: %s", i + 1, mine.size(), in));
				}
				catch (final RuntimeException e) {
					if (e instanceof java.util.concurrent.CancellationException) throw e;
					final String why = e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException ? e.getMessage()
						: e.getClass().getSimpleName() + ": " + e.getMessage();
					progress.log("FAILED " + in + ": " + why);
					failures.add(in + "\t" + why.replace('\t', ' ').replace('\n', ' '));
					removeParts(dir);
				}
				writeShard(shardCsv, rows, shardFailures, failures);
			}
		}
		writeShard(shardCsv, rows, shardFailures, failures);
		progress.log(String.format("batch %s: %d explained, %d done earlier, %d failed; table in %s", tag, explained, earlier, failures.size(), shardCsv));
		return failures.isEmpty() ? 0 : 1;
	}

	private static void writeShard(final Path csv, final List<String> rows, final Path failuresFile, final List<String> failures) throws IOException {
		Outputs.text(csv, SliceResult.csvHeader() + "\n" + (rows.isEmpty() ? "" : String.join("\n", rows) + "\n"));
		if (failures.isEmpty()) Files.deleteIfExists(failuresFile);
		else Outputs.text(failuresFile, "input\treason\n" + String.join("\n", failures) + "\n");
	}

	/** "I/N" with 0 <= I < N. */
	static int[] parseShard(final String s) {
		final Matcher m = Pattern.compile("\\s*(\\d{1,9})\\s*/\\s*(\\d{1,9})\\s*").matcher(s == null ? "" : s);
		if (!m.matches()) throw new IllegalArgumentException("--shard: expected I/N with 0 <= I < N (e.g. 0/4), got '" + s + "'");
		final int i = Integer.parseInt(m.group(1)), n = Integer.parseInt(m.group(2));
		if (n < 1 || i >= n) throw new IllegalArgumentException("--shard: expected I/N with 0 <= I < N (e.g. 0/4), got '" + s + "'");
		return new int[] { i, n };
	}

	/** The inputs of index {@code k} with {@code k mod n == i}: every image in exactly one of the n shards. */
	static List<Path> share(final List<Path> sorted, final int i, final int n) {
		final List<Path> mine = new ArrayList<>();
		for (int k = i; k < sorted.size(); k += n)
			mine.add(sorted.get(k));
		return mine;
	}

	/** The images of a folder (files with an image extension, and sub-folders holding a DICOM series), or of a list file; sorted. */
	static List<Path> inputs(final Path input) throws IOException {
		if (!Files.exists(input)) throw new IllegalArgumentException("--input: " + input + ": no such file or folder");
		final List<Path> paths = new ArrayList<>();
		if (Files.isDirectory(input)) {
			try (Stream<Path> s = Files.list(input)) {
				s.filter(p -> !p.getFileName().toString().startsWith(".")).filter(p -> Files.isDirectory(p) ? holdsDicom(p) : Images.isImageName(p))
					.forEach(paths::add);
			}
		}
		else {
			final Path base = input.toAbsolutePath().getParent();
			for (final String line : Files.readAllLines(input, StandardCharsets.UTF_8)) {
				final String t = line.trim();
				if (t.isEmpty() || t.startsWith("#")) continue;
				final Path p = Path.of(t);
				paths.add(p.isAbsolute() ? p : base.resolve(p));
			}
		}
		if (paths.isEmpty()) throw new IllegalArgumentException("--input: " + input + " holds no images (.tif, .nii, .nii.gz, .dcm or DICOM series folders)");
		paths.sort(null);
		return paths;
	}

	private static boolean holdsDicom(final Path dir) {
		try (Stream<Path> s = Files.list(dir)) {
			return s.anyMatch(p -> p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".dcm"));
		}
		catch (final IOException e) {
			return false;
		}
	}

	/** The data lines of a results.csv. */
	static List<String> dataLines(final Path csv) throws IOException {
		final List<String> lines = new ArrayList<>(Files.readAllLines(csv, StandardCharsets.UTF_8));
		if (!lines.isEmpty()) lines.remove(0);
		lines.removeIf(String::isEmpty);
		return lines;
	}

	/** Temporary files left by a killed run. */
	private static void removeParts(final Path dir) throws IOException {
		if (!Files.isDirectory(dir)) return;
		try (Stream<Path> s = Files.list(dir)) {
			for (final Path p : (Iterable<Path>) s::iterator)
				if (p.getFileName().toString().endsWith(".part")) Files.deleteIfExists(p);
		}
	}
}
