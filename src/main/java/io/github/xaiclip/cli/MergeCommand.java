package io.github.xaiclip.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import io.github.xaiclip.image.Images;
import io.github.xaiclip.pipeline.SliceResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Joins the per-image results of a batch (all shards) into one table and says what is missing. */
@Command(name = "merge", mixinStandardHelpOptions = true,
	description = { "Joins OUT/<name>/results.csv of every complete image of a batch into OUT/results.csv (sorted by image), "
		+ "and lists the images that failed (failures-shard-*.tsv) or, with --input, that have no complete results. Exit status 1 if any." })
final class MergeCommand implements Callable<Integer> {

	@Parameters(paramLabel = "OUT", description = "the batch's output folder")
	Path out;

	@Option(names = "--input", paramLabel = "DIR|LIST.txt", description = "the batch's inputs, to list those without results")
	Path input;

	@Override
	public Integer call() throws IOException {
		if (!Files.isDirectory(out)) throw new IllegalArgumentException("OUT: " + out + " is not a folder");
		final List<Path> done = new ArrayList<>();
		final List<String> failed = new ArrayList<>();
		try (Stream<Path> s = Files.list(out)) {
			for (final Path p : (Iterable<Path>) s.sorted()::iterator) {
				if (Files.isRegularFile(p.resolve("results.csv"))) done.add(p);
				final String n = p.getFileName().toString();
				if (n.startsWith("failures-shard-") && n.endsWith(".tsv")) failed.addAll(BatchCommand.dataLines(p));
			}
		}
		final StringBuilder csv = new StringBuilder(SliceResult.csvHeader()).append('\n');
		for (final Path d : done)
			for (final String line : BatchCommand.dataLines(d.resolve("results.csv")))
				csv.append(line).append('\n');
		Outputs.text(out.resolve("results.csv"), csv.toString());
		int missing = 0;
		if (input != null) {
			for (final Path p : BatchCommand.inputs(input))
				if (!Files.isRegularFile(out.resolve(Images.stem(p)).resolve("results.csv"))) {
					System.out.println("missing: " + p);
					missing++;
				}
		}
		for (final String f : failed)
			System.out.println("failed: " + f.replace('\t', ' '));
		System.out.printf("%d image(s) in %s%s%s%n", done.size(), out.resolve("results.csv"), failed.isEmpty() ? "" : ", " + failed.size() + " failed",
			input == null ? "" : ", " + missing + " missing");
		return failed.isEmpty() && missing == 0 ? 0 : 1;
	}
}
