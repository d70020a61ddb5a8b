package io.github.xaiclip.tf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.SavedModel;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.TextFormat;

import io.github.xaiclip.testing.FuzzContract;

/**
 * Fuzzes what the project reads of a SavedModel without TensorFlow: {@link SavedModelInspector#inspect(Path)} of a
 * {@code saved_model.pb} (binary protobuf) or {@code saved_model.pbtxt} (text format), then, for every signature it
 * declares, {@link OpSafety#check} (the walk through the graph and its function library) and the report. Seeds (and
 * findings, kept as regression inputs) are in
 * {@code src/test/resources/io/github/xaiclip/tf/SavedModelFuzzTestInputs/<method>/}: tiny models exported by
 * {@link TfTestModels}, among them one with file-writing ops inside functions.
 * <p>
 * Checked for every input: each step returns, or refuses with a one-line {@link IllegalArgumentException} naming the
 * model's folder or file.
 */
@Tag("fuzz")
public class SavedModelFuzzTest {

	@TempDir
	static Path dir;

	@FuzzTest(maxDuration = "30s")
	void pb(final byte[] data) throws IOException {
		inspect(data, SavedModelInspector.SAVED_MODEL_PB);
	}

	@FuzzTest(maxDuration = "30s")
	void pbtxt(final byte[] data) throws IOException {
		inspect(data, SavedModelInspector.SAVED_MODEL_PBTXT);
	}

	private static void inspect(final byte[] data, final String name) throws IOException {
		final Path model = Files.createDirectories(dir.resolve(name.replace('.', '-')));
		Files.write(model.resolve(name), data);
		try {
			final SavedModelInfo info = SavedModelInspector.inspect(model);
			info.report();
			for (final SavedModelInfo.MetaGraph m : info.metaGraphs())
				for (final String signature : m.signatures().keySet())
					OpSafety.check(info, m.tagSet(), signature);
		}
		catch (final IllegalArgumentException e) {
			FuzzContract.userError(e, model.toString());
		}
	}

	/**
	 * Writes the seeds: {@code saved_model.pb} of tiny models exported by TensorFlow (so this loads its native
	 * library), and the smallest as text. See {@code io.github.xaiclip.testing.FuzzSeeds}.
	 */
	public static void writeSeeds(final Path resources) throws IOException {
		final Path pb = Files.createDirectories(resources.resolve("pb")), pbtxt = Files.createDirectories(resources.resolve("pbtxt"));
		final Path tmp = Files.createTempDirectory("seeds");
		TfTestModels.segmentation(tmp.resolve("segmentation"), -1, -1, -1, 1);
		TfTestModels.segmentationFixed(tmp.resolve("fixed"));
		TfTestModels.hostile(tmp.resolve("hostile"), Paths.get("/nonexistent/w"), Paths.get("/nonexistent/f"), Paths.get("/nonexistent/s"),
			Paths.get("/nonexistent"));
		for (final String model : new String[] { "segmentation", "fixed", "hostile" })
			Files.copy(tmp.resolve(model).resolve(SavedModelInspector.SAVED_MODEL_PB), pb.resolve(model + ".pb"), StandardCopyOption.REPLACE_EXISTING);
		for (final String model : new String[] { "segmentation", "hostile" }) {
			final SavedModel proto = SavedModel.parseFrom(Files.readAllBytes(tmp.resolve(model).resolve(SavedModelInspector.SAVED_MODEL_PB)));
			Files.write(pbtxt.resolve(model + ".pbtxt"), TextFormat.printer().printToString(proto).getBytes(StandardCharsets.UTF_8));
		}
	}
}
