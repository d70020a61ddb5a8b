package io.github.xaiclip.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.github.xaiclip.testing.FuzzContract;

/**
 * Fuzzes the TIFF path of {@link Images#read(Path)}: ImageJ 1.x's {@code TiffDecoder} and reader behind the
 * project's checks. Seeds (and findings, kept as regression inputs) are in
 * {@code src/test/resources/io/github/xaiclip/image/TiffFuzzTestInputs/read/}: small images written by ImageJ (8-,
 * 16-, 32-bit, RGB, a stack, calibrated or not) and by hand with ZIP and PackBits compression.
 * <p>
 * Checked for every input: the image is read, or refused with a one-line {@link IllegalArgumentException} naming the
 * file; never another exception, and never an {@link OutOfMemoryError} (the fuzz tests run with a 1 GiB heap). And
 * {@link Images#open}, which streams the slices to the explanations, gives the same slices or refuses it too
 * ({@link StreamingAgreement}).
 */
@Tag("fuzz")
class TiffFuzzTest {

	@TempDir
	static Path dir;

	@FuzzTest(maxDuration = "30s")
	void read(final byte[] data) throws IOException {
		final Path file = Files.write(dir.resolve("fuzz.tif"), data);
		Images.Loaded whole = null;
		try {
			whole = Images.read(file);
		}
		catch (final IllegalArgumentException e) {
			FuzzContract.userError(e, file.toString());
		}
		StreamingAgreement.check(file, whole);
	}
}
