package io.github.xaiclip.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.github.xaiclip.testing.FuzzContract;

/**
 * Fuzzes the single-file DICOM path of {@link Images#read(Path)}: the project's {@link DicomCheck}, then ImageJ
 * 1.x's DICOM reader. Seeds (and findings, kept as regression inputs) are in
 * {@code src/test/resources/io/github/xaiclip/image/DicomFuzzTestInputs/read/}: crops of the bundled CT written as
 * explicit little-endian, implicit little-endian with sequences, and explicit big-endian DICOM, and hostile ones.
 * <p>
 * Checked for every input: the image is read, or refused with a one-line {@link IllegalArgumentException} naming the
 * file; never another exception, and never an {@link OutOfMemoryError} (the fuzz tests run with a 1 GiB heap).
 */
@Tag("fuzz")
class DicomFuzzTest {

	@TempDir
	static Path dir;

	@FuzzTest(maxDuration = "30s")
	void read(final byte[] data) throws IOException {
		final Path file = Files.write(dir.resolve("fuzz.dcm"), data);
		try {
			Images.read(file).volume();
		}
		catch (final IllegalArgumentException e) {
			FuzzContract.userError(e, file.toString());
		}
	}
}
