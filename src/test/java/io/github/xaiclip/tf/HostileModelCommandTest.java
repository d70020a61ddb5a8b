package io.github.xaiclip.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;
import ij.process.FloatProcessor;
import io.github.xaiclip.cli.XaiClip;

/**
 * A segmentation model that writes a file whenever it runs, given to the command line as a user would: refused by
 * default with the op's name and nothing written; run (and really writing) only with --trusted-model.
 */
class HostileModelCommandTest {

	@Test
	void aModelThatWritesFilesIsRefusedUnlessTrusted(@TempDir final Path tmp) throws IOException {
		final Path model = tmp.resolve("model"), pwned = tmp.resolve("pwned.txt"), image = tmp.resolve("image.tif"), out = tmp.resolve("out");
		TfTestModels.hostileSegmentation(model, pwned);
		final FloatProcessor fp = new FloatProcessor(32, 32);
		fp.setRoi(8, 8, 16, 16);
		fp.setValue(5);
		fp.fill();
		IJ.saveAsTiff(new ImagePlus("image", fp), image.toString());
		final String[] args = { "explain", "--image", image.toString(), "--seg-model", model.toString(), "--target", "bright", "--mode", "full",
			"--faithfulness-steps", "0", "--out", out.toString() };

		final PrintStream stderr = System.err;
		final ByteArrayOutputStream err = new ByteArrayOutputStream();
		System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
		final int refused, trusted;
		try {
			refused = XaiClip.run(args);
			final String[] withTrust = java.util.Arrays.copyOf(args, args.length + 1);
			withTrust[args.length] = "--trusted-model";
			assertFalse(Files.exists(pwned), "refused before it ran");
			trusted = XaiClip.run(withTrust);
		}
		finally {
			System.setErr(stderr);
		}
		final String e = err.toString(StandardCharsets.UTF_8);
		assertEquals(2, refused, e);
		assertTrue(e.startsWith("xai-clip: ") && e.contains("signature 'serving_default' reaches op WriteFile"), e);
		assertEquals(0, trusted, e);
		assertTrue(Files.exists(pwned), "trusted, the model ran, WriteFile and all");
		assertTrue(Files.isRegularFile(out.resolve("results.csv")));
	}
}
