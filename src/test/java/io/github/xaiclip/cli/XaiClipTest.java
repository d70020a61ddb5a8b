package io.github.xaiclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: help, inspect, and one-line errors. */
class XaiClipTest {

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

	private String out() {
		return new String(out.toByteArray(), StandardCharsets.UTF_8);
	}

	private String err() {
		return new String(err.toByteArray(), StandardCharsets.UTF_8);
	}

	@Test
	void helpListsTheCommands() {
		assertEquals(0, XaiClip.run("--help"));
		for (final String c : new String[] { "inspect", "train-demo" })
			assertTrue(out().contains(c), out());
	}

	@Test
	void inspectPrintsTheModelAndWhetherItsDescriptorFits() {
		final Path unet = Path.of("test-data", "models", "ct-unet");
		org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(unet), "the demo models are in test-data/models");
		assertEquals(0, XaiClip.run("inspect", unet.toString()), err());
		assertTrue(out().contains("serving_default"), out());
		assertTrue(out().contains("fits the SavedModel"), out());
	}

	@Test
	void aMissingModelFolderIsOneLineWithoutAStackTrace(@TempDir final Path tmp) {
		assertEquals(2, XaiClip.run("inspect", tmp.resolve("nowhere").toString()));
		final String e = err().trim();
		assertTrue(e.startsWith("xai-clip: ") && e.contains("nowhere"), e);
		assertEquals(1, e.split("\n").length, e);
		assertEquals("", out());
	}

	@Test
	void aDescriptorThatDoesNotFitExitsWithOne(@TempDir final Path tmp) throws Exception {
		final Path unet = Path.of("test-data", "models", "ct-unet");
		org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(unet), "the demo models are in test-data/models");
		final Path copy = Files.createDirectories(tmp.resolve("m"));
		Files.copy(unet.resolve("saved_model.pb"), copy.resolve("saved_model.pb"));
		Files.write(copy.resolve("xai-clip.yaml"), new String(Files.readAllBytes(unet.resolve("xai-clip.yaml")), StandardCharsets.UTF_8)
			.replace("name: probabilities", "name: scores").getBytes(StandardCharsets.UTF_8));
		assertEquals(1, XaiClip.run("inspect", copy.toString()));
		assertTrue(out().contains("output.name: signature 'serving_default' has no output 'scores'"), out());
	}
}
