package io.github.xaiclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train-demo's options and its one-line refusals (the training itself is tested in the train package). */
class TrainDemoCommandTest {

	private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
	private PrintStream stdout, stderr;

	@BeforeEach
	void capture() {
		stdout = System.out;
		stderr = System.err;
		System.setOut(new PrintStream(out, true));
		System.setErr(new PrintStream(err, true));
	}

	@AfterEach
	void restore() {
		System.setOut(stdout);
		System.setErr(stderr);
	}

	private String err() {
		return new String(err.toByteArray(), StandardCharsets.UTF_8).trim();
	}

	@Test
	void helpNamesBothDomainsAndTheirModels() {
		assertEquals(0, XaiClip.run("train-demo", "--help"));
		final String help = new String(out.toByteArray(), StandardCharsets.UTF_8);
		for (final String s : new String[] { "--domain", "--mri-source", "models/ct-unet", "models/mri-unet", "models/mri-clip" })
			assertTrue(help.contains(s), help);
	}

	@Test
	void anUnknownDomainIsOneLine() {
		assertEquals(2, XaiClip.run("train-demo", "--domain", "pet"));
		assertEquals("xai-clip: --domain: expected ct, mri or all, got 'pet'", err());
	}

	@Test
	void aDataFolderWithoutTheMriIsOneLineNamingTheMissingFile(@TempDir final Path tmp) {
		assertEquals(2, XaiClip.run("train-demo", "--domain", "mri", "--data", tmp.toString(), "--out", tmp.toString()));
		assertEquals("xai-clip: --data: " + tmp.resolve("mricron-ch2-aal").resolve("ch2_t1_2mm.nii.gz") + " not found (expected the mricron-ch2-aal scan)",
			err());
	}

	@Test
	void anMriSourceWithoutTheTemplatesIsOneLine(@TempDir final Path tmp) {
		assertEquals(2, XaiClip.run("train-demo", "--domain", "mri", "--mri-source", tmp.toString(), "--data", tmp.toString()));
		assertEquals("xai-clip: --mri-source: " + tmp.resolve("ch2.nii.gz") + " not found (expected the mricron templates)", err());
	}
}
