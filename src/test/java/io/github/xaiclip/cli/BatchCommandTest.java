package io.github.xaiclip.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import io.github.xaiclip.testing.CtSlices;

/** batch and merge on four CT slices: shards, resume, a corrupt input, and a run killed for real and restarted. */
class BatchCommandTest {

	private static final int[] SLICES = { 20, 21, 23, 25 };
	@TempDir
	static Path shared;
	private static Path inputs, labels, reference;
	private static java.util.Map<Path, String> inputDigests;

	/** SHA-256 of every input and label file. */
	private static java.util.Map<Path, String> digests() throws IOException {
		final java.util.Map<Path, String> d = new java.util.TreeMap<>();
		for (final Path dir : new Path[] { inputs, labels })
			try (Stream<Path> s = Files.list(dir)) {
				for (final Path f : (Iterable<Path>) s::iterator)
					try {
						d.put(f, java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
					}
					catch (final java.security.NoSuchAlgorithmException e) {
						throw new AssertionError(e);
					}
			}
		return d;
	}

	/** Runs, kills and resumes never touch an input: same files, same bytes. */
	@org.junit.jupiter.api.AfterAll
	static void inputsAreUnchanged() throws IOException {
		assertEquals(inputDigests, digests());
	}

	@BeforeAll
	static void inputs() throws IOException {
		inputs = Files.createDirectories(shared.resolve("in"));
		labels = Files.createDirectories(shared.resolve("labels"));
		for (final int z : SLICES)
			CtSlices.write(z, inputs.resolve("ct" + z + ".tif"), labels.resolve("ct" + z + ".tif"));
		inputDigests = digests();
		// an uninterrupted run of all inputs, the reference for the others
		reference = shared.resolve("reference");
		final CliRun run = CliRun.of(args(inputs, reference, "0/1"));
		assertEquals(0, run.status, run.toString());
	}

	private static String[] args(final Path input, final Path out, final String shard, final String... more) {
		final List<String> a = new ArrayList<>(Arrays.asList("batch", "--input", input.toString(), "--out", out.toString(), "--shard", shard, "--seg-model",
			CtSlices.UNET.toString(), "--clip-model", CtSlices.CLIP.toString(), "--prompt", "liver", "--target", "liver", "--ground-truth",
			labels.resolve("{name}.tif").toString(), "--gt-value", "5", "--faithfulness-steps", "4"));
		a.addAll(Arrays.asList(more));
		return a.toArray(new String[0]);
	}

	private static List<String> rows(final Path csv) throws IOException {
		final List<String> l = new ArrayList<>(Files.readAllLines(csv, StandardCharsets.UTF_8));
		l.remove(0);
		return l;
	}

	/** Every input's folder is complete and its saliency equals the reference run's, pixel for pixel; no partial file anywhere. */
	private static void sameAsReference(final Path out) throws IOException {
		for (final int z : SLICES) {
			final String name = "ct" + z;
			assertTrue(Files.isRegularFile(out.resolve(name).resolve("results.csv")), name + " complete");
			final String tif = name + "_liver_occlusion_roi_saliency.tif";
			assertArrayEquals((float[]) IJ.openImage(reference.resolve(name).resolve(tif).toString()).getProcessor().getPixels(),
				(float[]) IJ.openImage(out.resolve(name).resolve(tif).toString()).getProcessor().getPixels(), name);
		}
		try (Stream<Path> s = Files.walk(out)) {
			assertEquals(List.of(), s.filter(p -> p.getFileName().toString().endsWith(".part")).collect(Collectors.toList()));
		}
	}

	@Test
	void twoShardsCoverEveryInputExactlyOnceAndMergeJoinsThem(@TempDir final Path tmp) throws IOException {
		final Path out = tmp.resolve("out");
		for (final String shard : new String[] { "0/2", "1/2" }) {
			final CliRun run = CliRun.of(args(inputs, out, shard));
			assertEquals(0, run.status, run.toString());
			assertTrue(run.err.contains("batch shard " + shard + ": 2 of 4 input(s)"), run.err);
		}
		final List<String> a = rows(out.resolve("results-shard-0-of-2.csv")), b = rows(out.resolve("results-shard-1-of-2.csv"));
		assertEquals(2, a.size());
		assertEquals(2, b.size());
		final Set<String> images = new HashSet<>();
		for (final String r : a)
			images.add(r.split(",")[0]);
		for (final String r : b)
			assertTrue(images.add(r.split(",")[0]), "in one shard only: " + r);
		assertEquals(Set.of("ct20.tif", "ct21.tif", "ct23.tif", "ct25.tif"), images);
		sameAsReference(out);

		final CliRun merge = CliRun.of("merge", out.toString(), "--input", inputs.toString());
		assertEquals(0, merge.status, merge.toString());
		final List<String> merged = rows(out.resolve("results.csv"));
		assertEquals(rows(reference.resolve("results-shard-0-of-1.csv")).stream().map(BatchCommandTest::withoutSeconds).collect(Collectors.toList()),
			merged.stream().map(BatchCommandTest::withoutSeconds).collect(Collectors.toList()), "the same rows as one run, in input order");
		for (final String r : merged)
			assertTrue(Double.parseDouble(r.split(",")[8]) > 0.8, "liver saliency Dice: " + r);

		// a rerun finds everything done and writes nothing new
		final long before = Files.getLastModifiedTime(out.resolve("ct20").resolve("results.csv")).toMillis();
		final CliRun again = CliRun.of(args(inputs, out, "0/2"));
		assertEquals(0, again.status);
		assertTrue(again.err.contains("0 explained, 2 done earlier, 0 failed"), again.err);
		assertEquals(before, Files.getLastModifiedTime(out.resolve("ct20").resolve("results.csv")).toMillis());
	}

	private static String withoutSeconds(final String row) {
		final String[] f = row.split(",", -1);
		f[6] = "";
		return String.join(",", f);
	}

	@Test
	void aCorruptInputIsReportedAndTheBatchGoesOn(@TempDir final Path tmp) throws IOException {
		final Path in = Files.createDirectories(tmp.resolve("in"));
		for (final int z : new int[] { 20, 21 })
			Files.copy(inputs.resolve("ct" + z + ".tif"), in.resolve("ct" + z + ".tif"));
		final byte[] good = Files.readAllBytes(inputs.resolve("ct23.tif"));
		Files.write(in.resolve("ct22.tif"), Arrays.copyOf(good, 300)); // truncated
		final Path out = tmp.resolve("out");
		final CliRun run = CliRun.of(args(in, out, "0/1"));
		assertEquals(1, run.status, run.toString());
		assertTrue(run.err.contains("FAILED " + in.resolve("ct22.tif") + ": " + in.resolve("ct22.tif") + ": cannot be read as a TIFF image"), run.err);
		assertTrue(run.err.contains("2 explained, 0 done earlier, 1 failed"), run.err);
		assertEquals(2, rows(out.resolve("results-shard-0-of-1.csv")).size());
		final List<String> failures = Files.readAllLines(out.resolve("failures-shard-0-of-1.tsv"), StandardCharsets.UTF_8);
		assertEquals(2, failures.size());
		assertTrue(failures.get(1).startsWith(in.resolve("ct22.tif") + "\t"), failures.toString());
		assertFalse(Files.exists(out.resolve("ct22").resolve("results.csv")));
		final CliRun merge = CliRun.of("merge", out.toString());
		assertEquals(1, merge.status, "merge says that an input failed");
		assertTrue(merge.out.contains("failed: " + in.resolve("ct22.tif")), merge.out);
	}

	/**
	 * The batch in a child JVM, killed with SIGKILL at random moments until a run gets to its end; after every kill no
	 * file under its final name is incomplete, and the resumed runs give exactly the uninterrupted run's result.
	 */
	@Test
	void aBatchKilledAtRandomMomentsResumesToTheCompleteResult(@TempDir final Path tmp) throws Exception {
		final Path out = tmp.resolve("out");
		final String java = ProcessHandle.current().info().command().orElse("java");
		final List<String> command = new ArrayList<>(Arrays.asList(java, "-cp", System.getProperty("java.class.path"), XaiClip.class.getName()));
		command.addAll(Arrays.asList(args(inputs, out, "0/1")));
		final java.util.Random random = new java.util.Random(11);
		int kills = 0;
		for (int round = 0; round < 4; round++) {
			final Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
				.start();
			// from before the model is loaded to past the first images
			if (!p.waitFor(2000 + random.nextInt(9000), TimeUnit.MILLISECONDS)) {
				p.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
				assertTrue(p.waitFor(30, TimeUnit.SECONDS));
				assertEquals(137, p.exitValue(), "killed by SIGKILL");
				kills++;
				noIncompleteFile(out);
			}
			else {
				assertEquals(0, p.exitValue(), "a run that was not killed ends well");
				break;
			}
		}
		assertTrue(kills >= 2, "killed at least twice: " + kills);
		System.out.println("batch killed " + kills + " times with SIGKILL, no incomplete file after any kill");
		final CliRun resumed = CliRun.of(args(inputs, out, "0/1"));
		assertEquals(0, resumed.status, resumed.toString());
		sameAsReference(out);
		assertEquals(4, rows(out.resolve("results-shard-0-of-1.csv")).size());
	}

	/** Every file under a final name opens whole: results tables end with a line per slice, images have all their pixels. */
	private static void noIncompleteFile(final Path out) throws IOException {
		if (!Files.isDirectory(out)) return;
		try (Stream<Path> s = Files.walk(out)) {
			for (final Path f : (Iterable<Path>) s::iterator) {
				final String n = f.getFileName().toString();
				if (n.endsWith(".csv")) {
					final List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
					assertTrue(lines.get(0).startsWith("image,slice,"), f.toString());
					for (final String line : lines.subList(1, lines.size()))
						assertEquals(13, line.split(",", -1).length, f + ": " + line);
				}
				else if (n.endsWith(".tif")) {
					final io.github.xaiclip.image.Volume v = io.github.xaiclip.image.Images.read(f).volume(); // refuses a truncated TIFF
					assertEquals(122 * 101, v.width() * v.height(), f.toString());
				}
				else if (n.endsWith(".png")) assertEquals(122 * ImageJob.zoom(122, 101), javax.imageio.ImageIO.read(f.toFile()).getWidth(), f.toString());
			}
		}
	}

	@Test
	void shardSyntaxAndInputsAreChecked(@TempDir final Path tmp) throws IOException {
		for (final String bad : new String[] { "2/2", "1", "-1/2", "a/b", "0/0" }) {
			final CliRun run = CliRun.of(args(inputs, tmp.resolve("o"), bad));
			assertEquals(2, run.status, bad);
			assertEquals("xai-clip: --shard: expected I/N with 0 <= I < N (e.g. 0/4), got '" + bad + "'", run.errors());
		}
		assertEquals(List.of(inputs.resolve("ct20.tif"), inputs.resolve("ct23.tif")),
			BatchCommand.share(BatchCommand.inputs(inputs), 0, 2));
		final Path list = tmp.resolve("list.txt");
		Files.write(list, Arrays.asList("# inputs", inputs.resolve("ct25.tif").toString(), "", inputs.resolve("ct20.tif").toString()));
		assertEquals(List.of(inputs.resolve("ct20.tif"), inputs.resolve("ct25.tif")), BatchCommand.inputs(list), "sorted");
		final Path empty = Files.createDirectories(tmp.resolve("empty"));
		final CliRun none = CliRun.of(args(empty, tmp.resolve("o"), "0/1"));
		assertEquals(2, none.status);
		assertTrue(none.errors().contains("holds no images"), none.errors());
		final Path twin = Files.createDirectories(tmp.resolve("twin"));
		Files.copy(inputs.resolve("ct20.tif"), twin.resolve("ct20.tif"));
		Files.write(list, Arrays.asList(inputs.resolve("ct20.tif").toString(), twin.resolve("ct20.tif").toString()));
		final CliRun clash = CliRun.of(args(list, tmp.resolve("o"), "0/1"));
		assertEquals(2, clash.status);
		assertTrue(clash.errors().contains("would both write to"), clash.errors());
		assertThrows(IllegalArgumentException.class, () -> BatchCommand.parseShard("3/2"));
	}
}
