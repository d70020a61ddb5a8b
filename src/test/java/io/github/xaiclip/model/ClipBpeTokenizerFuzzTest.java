package io.github.xaiclip.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.github.xaiclip.testing.FuzzContract;

/**
 * Fuzzes {@link ClipBpeTokenizer}: its {@code vocab.json} reader (with the test's merges), its {@code merges.txt}
 * reader (with the test's vocabulary), and the tokenization of any text with the test's files. Seeds (and findings,
 * kept as regression inputs) are in
 * {@code src/test/resources/io/github/xaiclip/model/ClipBpeTokenizerFuzzTestInputs/<method>/}: the vocabulary and
 * merges of {@link ClipBpeTokenizerTest} in the formats CLIP and Hugging Face write, and texts.
 * <p>
 * Checked for every input: reading returns a tokenizer or refuses with a one-line {@link IllegalArgumentException}
 * naming the file; a tokenizer that was read turns texts into {@link ClipBpeTokenizer#length()} ids of its
 * vocabulary, start and end of text included, which decode again.
 */
@Tag("fuzz")
class ClipBpeTokenizerFuzzTest {

	/** Texts tokenized with every vocabulary and merges list the fuzzer makes. */
	static final String[] TEXTS = { "the liver", "Live livers' \u00e9t\u00e9 &amp; 42 <|endoftext|>", "" };
	static final int LENGTH = 12;

	@TempDir
	static Path dir;
	static Path vocab, merges;
	static ClipBpeTokenizer tokenizer;

	@BeforeAll
	static void testFiles() throws IOException {
		vocab = Files.writeString(dir.resolve("vocab.json"), ClipBpeTokenizerTest.json(ClipBpeTokenizerTest.testVocabulary()));
		merges = Files.writeString(dir.resolve("merges.txt"), ClipBpeTokenizerTest.mergesText());
		tokenizer = ClipBpeTokenizer.read(vocab, merges, LENGTH);
	}

	@FuzzTest(maxDuration = "30s")
	void vocab(final byte[] data) throws IOException {
		final Path file = Files.write(dir.resolve("fuzz-vocab.json"), data);
		readAndTokenize(file, merges, file);
	}

	@FuzzTest(maxDuration = "30s")
	void merges(final byte[] data) throws IOException {
		final Path file = Files.write(dir.resolve("fuzz-merges.txt"), data);
		readAndTokenize(vocab, file, file);
	}

	/**
	 * Any text: UTF-8, or after a byte order mark {@code FE FF} UTF-16BE, which reaches what UTF-8 cannot (lone
	 * surrogates).
	 */
	@FuzzTest(maxDuration = "30s")
	void tokens(final byte[] data) {
		final boolean utf16 = data.length >= 2 && (data[0] & 0xff) == 0xfe && (data[1] & 0xff) == 0xff;
		tokens(tokenizer, utf16 ? new String(data, 2, data.length - 2, StandardCharsets.UTF_16BE) : new String(data, StandardCharsets.UTF_8));
	}

	/** Reads a tokenizer and tokenizes the texts with it, or checks the refusal, which must name {@code fuzzed}. */
	private static void readAndTokenize(final Path vocab, final Path merges, final Path fuzzed) {
		final ClipBpeTokenizer t;
		try {
			t = ClipBpeTokenizer.read(vocab, merges, LENGTH);
		}
		catch (final IllegalArgumentException e) {
			FuzzContract.userError(e, fuzzed.toString());
			return;
		}
		for (final String text : TEXTS)
			tokens(t, text);
	}

	/** CLIP's model input for the text: start, the text's ids (as many as fit), end, padding; all decode. */
	private static void tokens(final ClipBpeTokenizer t, final String text) {
		final int[] ids = t.tokens(text), encoded = t.encode(text);
		final int n = Math.min(encoded.length, t.length() - 2);
		final int[] expected = new int[t.length()];
		Arrays.fill(expected, t.padId());
		expected[0] = t.startId();
		System.arraycopy(encoded, 0, expected, 1, n);
		expected[n + 1] = t.endId();
		if (!Arrays.equals(expected, ids)) throw new AssertionError(Arrays.toString(ids) + " for '" + text + "', expected " + Arrays.toString(expected));
		t.decode(ids); // every id in the vocabulary, or an IllegalArgumentException
	}
}
