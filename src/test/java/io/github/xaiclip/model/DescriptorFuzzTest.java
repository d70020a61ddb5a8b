package io.github.xaiclip.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.github.xaiclip.testing.FuzzContract;

/**
 * Fuzzes {@link ModelDescriptor#read(Path)} with whole {@code xai-clip.yaml} files: the UTF-8 check, SnakeYAML's
 * safe loader with its limits, and every field's check. Seeds (and findings, kept as regression inputs) are in
 * {@code src/test/resources/io/github/xaiclip/model/DescriptorFuzzTestInputs/read/}: the descriptors of the bundled
 * models and ones using every key.
 * <p>
 * Checked for every input: the reader returns a descriptor, or refuses with its documented error, a one-line
 * {@link DescriptorException} naming the file. A plain {@link IllegalArgumentException} breaks the contract too.
 */
@Tag("fuzz")
class DescriptorFuzzTest {

	@TempDir
	static Path model;

	/** The files a clip-bpe tokenizer names must exist beside the descriptor; these let the fuzzer get past that check. */
	@BeforeAll
	static void tokenizerFiles() throws IOException {
		Files.writeString(model.resolve("vocab.json"), "{}");
		Files.writeString(model.resolve("merges.txt"), "");
	}

	@FuzzTest(maxDuration = "30s")
	void read(final byte[] data) throws IOException {
		final Path file = Files.write(model.resolve(ModelDescriptor.FILE_NAME), data);
		try {
			final ModelDescriptor d = ModelDescriptor.read(model);
			// what callers use right away
			d.toInputSpec();
			if (d.kind() == ModelDescriptor.Kind.SEGMENTATION) d.asSegmentation().classes();
			else d.asVisionLanguage().promptTemplates();
		}
		catch (final DescriptorException e) {
			FuzzContract.userError(e, file.toString());
		}
	}
}
