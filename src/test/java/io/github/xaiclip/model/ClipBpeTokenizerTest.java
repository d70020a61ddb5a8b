package io.github.xaiclip.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small vocabulary, written here: byte {@code b}'s character is id {@code b} and its {@code </w>} form id
 * {@code 256 + b}; the merge results are 512 on, in the order of {@link #MERGES}; start and end of text are 1000
 * and 1001. So for ASCII: {@code 'a'} (0x61) is 97 and {@code "a</w>"} is 353. Expected ids below are worked out
 * by hand from this.
 */
public class ClipBpeTokenizerTest {

	/** The merges file's lines after its header, in rank order, and the id of each result (-1: not in the vocabulary). */
	static final String[][] MERGES = { //
		{ "l i", "512" }, // rank 0: li
		{ "li v", "513" }, // rank 1: liv
		{ "liv e</w>", "514" }, // rank 2: live</w>
		{ "e r</w>", "515" }, // rank 3: er</w>
		{ "liv er</w>", "516" }, // rank 4: liver</w>
		{ "y z</w>", "517" }, // rank 5: yz</w>
		{ "x y", "518" }, // rank 6: xy
		{ "a a", "519" }, // rank 7: aa
		{ "' s</w>", "520" }, // rank 8: 's</w>
		{ "q q", "-1" }, // rank 9: qq, not in the vocabulary, so unused
	};

	static final int SOT = 1000;
	static final int EOT = 1001;

	@TempDir
	Path dir;

	Path vocab;
	Path merges;
	ClipBpeTokenizer tokenizer;

	/** GPT-2's {@code bytes_to_unicode}, written out again from its definition. */
	static char gpt2(final int b) {
		if (b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE && b <= 0xFF) return (char) b;
		int n = 0;
		for (int other = 0; other < b; other++) {
			if (!(other >= '!' && other <= '~' || other >= 0xA1 && other <= 0xAC || other >= 0xAE && other <= 0xFF)) n++;
		}
		return (char) (256 + n);
	}

	public static Map<String, Integer> testVocabulary() {
		final Map<String, Integer> vocab = new LinkedHashMap<>();
		for (int b = 0; b < 256; b++)
			vocab.put(String.valueOf(gpt2(b)), b);
		for (int b = 0; b < 256; b++)
			vocab.put(gpt2(b) + "</w>", 256 + b);
		for (final String[] merge : MERGES) {
			if (!merge[1].equals("-1")) vocab.put(merge[0].replace(" ", ""), Integer.parseInt(merge[1]));
		}
		vocab.put("<|startoftext|>", SOT);
		vocab.put("<|endoftext|>", EOT);
		return vocab;
	}

	/** JSON as Python's json.dump would write it (non-Latin-1 characters as \\u escapes), with "/" as "\/" for good measure. */
	public static String json(final Map<String, Integer> vocab) {
		final StringBuilder out = new StringBuilder("{");
		for (final Map.Entry<String, Integer> entry : vocab.entrySet()) {
			if (out.length() > 1) out.append(", ");
			out.append('"');
			for (final char c : entry.getKey().toCharArray()) {
				if (c == '"' || c == '\\') out.append('\\').append(c);
				else if (c == '/') out.append("\\/");
				else if (c < 0x20 || c >= 0x100) out.append(String.format("\\u%04x", (int) c));
				else out.append(c);
			}
			out.append("\": ").append(entry.getValue());
		}
		return out.append('}').toString();
	}

	public static String mergesText() {
		final StringBuilder out = new StringBuilder("#version: 0.2\n");
		for (final String[] merge : MERGES)
			out.append(merge[0]).append('\n');
		return out.toString();
	}

	Path write(final String name, final String text) throws IOException {
		return Files.write(dir.resolve(name), text.getBytes(StandardCharsets.UTF_8));
	}

	@BeforeEach
	void writeFiles() throws IOException {
		vocab = write("vocab.json", json(testVocabulary()));
		merges = write("merges.txt", mergesText());
		tokenizer = ClipBpeTokenizer.read(vocab, merges, 8);
	}

	@Test
	void byteToUnicodeFollowsGpt2sDefinition() {
		final Set<Character> seen = new HashSet<>();
		int n = 0;
		for (int b = 0; b < 256; b++) {
			final boolean printable = b >= '!' && b <= '~' || b >= '¡' && b <= '¬' || b >= '®' && b <= 'ÿ';
			assertEquals(printable ? (char) b : (char) (256 + n), ClipBpeTokenizer.byteToUnicode(b), "byte " + b);
			if (!printable) n++;
			seen.add(ClipBpeTokenizer.byteToUnicode(b));
		}
		assertEquals(68, n, "bytes outside the printable ranges");
		assertEquals(256, seen.size(), "one character per byte");
		// by hand: the 68 others are 0x00..0x20 (n = 0..32), 0x7F..0xA0 (n = 33..66) and 0xAD (n = 67)
		assertEquals('\u0100', ClipBpeTokenizer.byteToUnicode(0x00)); // Ā
		assertEquals('\u010A', ClipBpeTokenizer.byteToUnicode('\n')); // Ċ
		assertEquals('\u0120', ClipBpeTokenizer.byteToUnicode(' ')); // Ġ, GPT-2's well-known space
		assertEquals('\u0121', ClipBpeTokenizer.byteToUnicode(0x7F)); // ġ
		assertEquals('\u0122', ClipBpeTokenizer.byteToUnicode(0x80)); // Ģ
		assertEquals('\u0142', ClipBpeTokenizer.byteToUnicode(0xA0)); // ł
		assertEquals('\u0143', ClipBpeTokenizer.byteToUnicode(0xAD)); // Ń, the last
		assertEquals('!', ClipBpeTokenizer.byteToUnicode('!'));
		assertEquals('Ã', ClipBpeTokenizer.byteToUnicode(0xC3));
		assertEquals('©', ClipBpeTokenizer.byteToUnicode(0xA9));
		assertEquals('ÿ', ClipBpeTokenizer.byteToUnicode(0xFF));
		for (int b = 0; b < 256; b++)
			assertEquals(gpt2(b), ClipBpeTokenizer.byteToUnicode(b));
	}

	@Test
	void utf8BytesAreMappedToPrintableCharacters() {
		assertEquals("Ã©", ClipBpeTokenizer.toByteLevel("é")); // U+00E9 = C3 A9
		assertEquals("Î¼m", ClipBpeTokenizer.toByteLevel("μm")); // U+03BC = CE BC
		assertEquals("Âµ", ClipBpeTokenizer.toByteLevel("µ")); // the micro sign U+00B5 = C2 B5
		assertEquals("ð\u0141\u013A\u0122", ClipBpeTokenizer.toByteLevel("😀")); // U+1F600 = F0 9F 98 80: ð Ł ĺ Ģ
		assertEquals("a\u0120b", ClipBpeTokenizer.toByteLevel("a b"));
	}

	@Test
	void mergesApplyLowestRankFirst() {
		// liver: l i v e r</w> -> li (0) -> liv (1) -> e r</w> (3; liv e is no merge, liv e</w> is) -> liv er</w> (4) -> liver</w>
		assertArrayEquals(new int[] { 516 }, tokenizer.encode("liver"));
		// live: l i v e</w> -> li -> liv -> live</w> (2)
		assertArrayEquals(new int[] { 514 }, tokenizer.encode("live"));
		// lever: l e v e r</w>: only e r</w> merges -> l, e, v, er</w>
		assertArrayEquals(new int[] { 'l', 'e', 'v', 515 }, tokenizer.encode("lever"));
		// xyz: x y z</w>: y z</w> (5) before x y (6), though x y is further left -> x, yz</w>
		assertArrayEquals(new int[] { 'x', 517 }, tokenizer.encode("xyz"));
		// xyy: x y y</w>: only x y -> xy, y</w>
		assertArrayEquals(new int[] { 518, 256 + 'y' }, tokenizer.encode("xyy"));
		// aaaaa: a a a a a</w>: every a a pair, left to right, not overlapping -> aa, aa, a</w>
		assertArrayEquals(new int[] { 519, 519, 256 + 'a' }, tokenizer.encode("aaaaa"));
		// a single letter is its word-final byte
		assertArrayEquals(new int[] { 256 + 'a' }, tokenizer.encode("a"));
	}

	@Test
	void wordsWithoutMergesAreTheirBytes() {
		assertArrayEquals(new int[] { 'd', 'o', 256 + 'g' }, tokenizer.encode("dog"));
		// q q would give qq, which the vocabulary lacks: the merge is unused
		assertArrayEquals(new int[] { 'q', 'q', 256 + 'q' }, tokenizer.encode("qqq"));
		assertArrayEquals(new int[0], tokenizer.encode(""));
		assertArrayEquals(new int[0], tokenizer.encode(" \t\n "));
	}

	@Test
	void textIsLowerCasedAndPunctuationSplitOff() {
		// liver ! -> liver</w>, !</w> (256 + 0x21 = 289)
		assertArrayEquals(new int[] { 516, 289 }, tokenizer.encode("Liver!"));
		// a run of punctuation is one word: ! !</w>
		assertArrayEquals(new int[] { 516, '!', 289 }, tokenizer.encode("LIVER!!"));
		// "a \"quoted\" path\x": a</w>, "</w> (256 + 0x22 = 290), q u o t e d</w>, "</w>, p a t h</w>, \</w> (256 + 0x5C = 348), x</w>
		assertArrayEquals(new int[] { 353, 290, 'q', 'u', 'o', 't', 'e', 256 + 'd', 290, 'p', 'a', 't', 256 + 'h', 348, 256 + 'x' },
			tokenizer.encode("a \"quoted\" path\\x"));
	}

	@Test
	void severalWords() {
		// liver ,</w> (256 + 0x2C = 300) live</w> liver</w>, whatever the whitespace between
		assertArrayEquals(new int[] { 516, 300, 514, 516 }, tokenizer.encode("Liver, live  LIVER"));
		assertArrayEquals(new int[] { 516, 300, 514, 516 }, tokenizer.encode("\tliver ,\n live\u00A0\u2003liver  "));
	}

	@Test
	void unicodeGoesThroughTheByteMapping() {
		// é = C3 A9 -> Ã, ©</w>: ids 0xC3 = 195 and 256 + 0xA9 = 425
		assertArrayEquals(new int[] { 195, 425 }, tokenizer.encode("é"));
		assertArrayEquals(new int[] { 195, 425 }, tokenizer.encode("É"), "lower-cased");
		assertArrayEquals(new int[] { 195, 425 }, tokenizer.encode("e\u0301"), "NFC: e + combining acute is é");
		// μm (Greek mu) = CE BC 6D -> Î ¼ m</w>: 206, 188, 256 + 0x6D = 365; one word, both are letters
		assertArrayEquals(new int[] { 206, 188, 365 }, tokenizer.encode("μm"));
		// 😀 = F0 9F 98 80, a symbol: one word of four bytes, the last word-final (256 + 0x80 = 384)
		assertArrayEquals(new int[] { 0xF0, 0x9F, 0x98, 384 }, tokenizer.encode("😀"));
		// U+0345 (combining ypogegrammeni) folds to a letter: CLIP's case-insensitive pattern has it in no piece
		assertArrayEquals(new int[] { 353, 354 }, tokenizer.encode("a\u0345b"));
	}

	@Test
	void numbersAreSingleDigits() {
		// 1</w> 2</w> 3</w>: 256 + 0x31 = 305, 306, 307
		assertArrayEquals(new int[] { 305, 306, 307 }, tokenizer.encode("123"));
		// 2 . 5 mm: 2</w> = 306, .</w> = 256 + 0x2E = 302, 5</w> = 309, m, m</w> = 365
		assertArrayEquals(new int[] { 306, 302, 309, 'm', 365 }, tokenizer.encode("2.5mm"));
		// x 2 y: x</w> = 376, 2</w>, y</w> = 377
		assertArrayEquals(new int[] { 376, 306, 377 }, tokenizer.encode("x2y"));
	}

	@Test
	void contractionsAreTheirOwnWords() {
		// it 's: i t</w> (105, 256 + 0x74 = 372), ' s</w> merged by "' s</w>" into 's</w> = 520
		assertArrayEquals(new int[] { 'i', 372, 520 }, tokenizer.encode("it's"));
		assertArrayEquals(new int[] { 'i', 372, 520 }, tokenizer.encode("IT'S"));
		// don 't: d o n</w> (366), ' t</w> (39, 372)
		assertArrayEquals(new int[] { 'd', 'o', 366, '\'', 372 }, tokenizer.encode("don't"));
		// we 'll: w e</w> (357), ' l l</w> (39, 108, 364)
		assertArrayEquals(new int[] { 'w', 357, '\'', 'l', 364 }, tokenizer.encode("we'll"));
		// a curly apostrophe is straightened first (ftfy)
		assertArrayEquals(new int[] { 'i', 372, 520 }, tokenizer.encode("it\u2019s"));
	}

	@Test
	void specialTokensInTheTextAreThemselves() {
		assertArrayEquals(new int[] { SOT, 516, EOT }, tokenizer.encode("<|startoftext|>liver<|endoftext|>"));
		assertArrayEquals(new int[] { SOT, 516, EOT }, tokenizer.encode("<|StartOfText|> Liver <|ENDOFTEXT|>"));
	}

	@Test
	void tokensAreStartIdsEndAndPadding() {
		assertEquals(8, tokenizer.length());
		assertEquals(0, tokenizer.padId());
		assertEquals(SOT, tokenizer.startId());
		assertEquals(EOT, tokenizer.endId());
		assertArrayEquals(new int[] { SOT, 516, 289, EOT, 0, 0, 0, 0 }, tokenizer.tokens("Liver!"));
		assertArrayEquals(new int[] { SOT, EOT, 0, 0, 0, 0, 0, 0 }, tokenizer.tokens(""));
		final ClipBpeTokenizer padEnd = tokenizer.withPadId(EOT);
		assertEquals(EOT, padEnd.padId());
		assertArrayEquals(new int[] { SOT, 516, 289, EOT, EOT, EOT, EOT, EOT }, padEnd.tokens("Liver!"));
		assertArrayEquals(new int[] { SOT, 516, 289, EOT, 0, 0, 0, 0 }, tokenizer.tokens("Liver!"), "the original is unchanged");
		assertArrayEquals(new int[][] { { SOT, 516, EOT, 0, 0, 0, 0, 0 }, { SOT, 514, EOT, 0, 0, 0, 0, 0 } },
			tokenizer.encodeBatch(List.of("liver", "live")));
		assertThrows(IllegalArgumentException.class, () -> tokenizer.withPadId(-1));
	}

	@Test
	void longTextsAreTruncatedKeepingTheEnd() throws IOException {
		final ClipBpeTokenizer four = ClipBpeTokenizer.read(vocab, merges, 4);
		// a b c d -> 353 354 355 356; CLIP keeps the first 4 of [SOT 353 354 355 356 EOT] and makes the last EOT
		assertArrayEquals(new int[] { SOT, 353, 354, EOT }, four.tokens("a b c d"));
		assertArrayEquals(new int[] { SOT, 353, 354, EOT }, four.tokens("a b"), "exactly fits");
		// a word's pieces are cut too: it's -> 105 372 520
		assertArrayEquals(new int[] { SOT, 'i', 372, EOT }, four.tokens("it's"));
		final ClipBpeTokenizer two = ClipBpeTokenizer.read(vocab, merges, 2);
		assertArrayEquals(new int[] { SOT, EOT }, two.tokens("liver"));
		// the 77 of CLIP: 100 words, 75 kept
		final ClipBpeTokenizer clip = ClipBpeTokenizer.read(vocab, merges, 77);
		final int[] tokens = clip.tokens(String.join(" ", Collections.nCopies(100, "liver")));
		assertEquals(77, tokens.length);
		assertEquals(SOT, tokens[0]);
		for (int i = 1; i < 76; i++)
			assertEquals(516, tokens[i]);
		assertEquals(EOT, tokens[76]);
	}

	@Test
	void decodeGivesBackTheNormalizedText() {
		for (final String text : List.of("Liver  and\tLIVE", "É μm 😀", "a")) {
			final String normalized = ClipBpeTokenizer.normalize(text);
			// CLIP's decode: each </w> a space, so words come back space-separated with one trailing space
			assertEquals(normalized + " ", tokenizer.decode(tokenizer.encode(text)), text);
		}
		assertEquals("liver and live ", tokenizer.decode(tokenizer.encode("Liver  and\tLIVE")));
		assertEquals("é μm 😀 ", tokenizer.decode(tokenizer.encode("É μm 😀")));
		// punctuation becomes its own word
		assertEquals("liver ! ", tokenizer.decode(tokenizer.encode("Liver!")));
		assertEquals("<|startoftext|>liver <|endoftext|>", tokenizer.decode(new int[] { SOT, 516, EOT }));
		// half of é is not UTF-8
		assertEquals("\uFFFD", tokenizer.decode(new int[] { 195 }));
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new int[] { 516, 999 }));
		assertEquals("decode: id 999 at position 1 is not in the vocabulary", e.getMessage());
	}

	@Test
	void normalizeIsClipsCleanup() {
		assertEquals("a b c", ClipBpeTokenizer.normalize("  A \t\n B\u00A0\u2003C  "));
		assertEquals("&", ClipBpeTokenizer.normalize("&amp;amp;"), "unescaped twice, as CLIP");
		assertEquals("<b> \"x\" 's a", ClipBpeTokenizer.normalize("&lt;B&gt; &quot;x&quot; &#39;s &#x41;"));
		assertEquals("at&t a&b", ClipBpeTokenizer.normalize("AT&T a&ampb"));
		assertEquals("a b", ClipBpeTokenizer.normalize("a&nbsp;b"));
		assertEquals("\"hi\" it's", ClipBpeTokenizer.normalize("\u201CHi\u201D it\u2019s"));
		assertEquals("\u00E9", ClipBpeTokenizer.normalize("E\u0301"));
		// Python's strip() removes U+001C..U+001F at the ends; CLIP's \s (Unicode White_Space) leaves them inside
		assertEquals("a\u001Cb", ClipBpeTokenizer.normalize("\u001Ca\u001Cb\u001F"));
		// html.unescape: &#128; is windows-1252's euro sign, &#0; U+FFFD, &#1; nothing
		assertEquals("\u20AC\uFFFDx", ClipBpeTokenizer.normalize("&#128;&#0;&#1;x"));
		// Python's final sigma: after a cased letter (case-ignorables between), and no cased letter follows but
		// across case-ignorables; '_' is neither (Java's own toLowerCase says σ there), '.' is case-ignorable
		assertEquals("οδος σας_x σ ασ.β", ClipBpeTokenizer.normalize("ΟΔΟΣ ΣΑΣ_x Σ ΑΣ.Β"));
	}

	@Test
	void readsCrlfMergesWithoutHeaderAndAVocabularyWithBom() throws IOException {
		final Path crlf = write("crlf.txt", mergesText().replace("#version: 0.2\n", "").replace("\n", "\r\n"));
		final Path bom = write("bom.json", "\uFEFF" + json(testVocabulary()));
		final ClipBpeTokenizer t = ClipBpeTokenizer.read(bom, crlf, 8);
		assertArrayEquals(new int[] { 516 }, t.encode("liver"));
		assertEquals(523, t.vocabularySize()); // 512 byte-level tokens, 9 merge results (not qq), 2 special tokens
	}

	@Test
	void readsTheTokenizerADescriptorNames() {
		final ClipBpeTokenizer t = ClipBpeTokenizer.read(ModelDescriptor.Tokenizer.clipBpe(vocab, merges, 77));
		assertEquals(77, t.length());
		assertArrayEquals(new int[] { 516 }, t.encode("liver"));
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> ClipBpeTokenizer.read(ModelDescriptor.Tokenizer.NONE));
		assertEquals("tokenizer: expected clip-bpe, got none", e.getMessage());
	}

	/** The message of reading {@code json} as the vocabulary. */
	String vocabError(final String json) throws IOException {
		final Path file = write("bad.json", json);
		return assertThrows(IllegalArgumentException.class, () -> ClipBpeTokenizer.read(file, merges, 8)).getMessage();
	}

	/** The message of reading {@code text} as the merges. */
	String mergesError(final String text) throws IOException {
		final Path file = write("bad.txt", text);
		return assertThrows(IllegalArgumentException.class, () -> ClipBpeTokenizer.read(vocab, file, 8)).getMessage();
	}

	@Test
	void malformedJsonIsAnErrorNamingTheFileLineAndColumn() throws IOException {
		final String bad = dir.resolve("bad.json") + ": ";
		assertEquals(bad + "line 1, column 9: expected a string key, got '}'", vocabError("{\"a\": 1,}"));
		assertEquals(bad + "line 3, column 3: expected ',' or '}', got '\"'", vocabError("{\n  \"a\": 1\n  \"b\": 2\n}"));
		assertEquals(bad + "line 1, column 4: expected '\"' closing the string, got end of file", vocabError("{\"a"));
		assertEquals(bad + "line 1, column 5: expected one of \" \\ / b f n r t u after a backslash, got 'q'", vocabError("{\"a\\q\": 1}"));
		assertEquals(bad + "line 1, column 7: expected four hex digits after \\u, got 'G'", vocabError("{\"\\u12G4\": 1}"));
		assertEquals(bad + "line 1, column 4: expected nothing after the vocabulary object, got 'x'", vocabError("{} x"));
		assertEquals(bad + "line 1, column 1: expected '{' starting the vocabulary object, got '['", vocabError("[1]"));
		assertEquals(bad + "line 1, column 1: expected '{' starting the vocabulary object, got end of file", vocabError(""));
		assertEquals(bad + "line 1, column 6: expected ':' after a key, got '='", vocabError("{\"a\" = 1}"));
		assertEquals(bad + "line 2, column 3: expected '\"' closing the string (control characters escaped), got U+0009",
			vocabError("{\n\"a\tb\": 1}"));
	}

	@Test
	void idsMustBeNonNegativeIntegers() throws IOException {
		final String bad = dir.resolve("bad.json") + ": line 1, column 7: expected a non-negative integer id";
		assertEquals(bad + " (at most 2147483647), got \"1.5\"", vocabError("{\"a\": 1.5}"));
		assertEquals(bad + " (at most 2147483647), got \"-1\"", vocabError("{\"a\": -1}"));
		assertEquals(bad + " (at most 2147483647), got \"01\"", vocabError("{\"a\": 01}"));
		assertEquals(bad + " (at most 2147483647), got \"1e3\"", vocabError("{\"a\": 1e3}"));
		assertEquals(bad + " (at most 2147483647), got \"3000000000\"", vocabError("{\"a\": 3000000000}"));
		assertEquals(bad + ", got '\"'", vocabError("{\"a\": \"1\"}"));
		assertEquals(bad + ", got 't'", vocabError("{\"a\": true}"));
	}

	@Test
	void duplicateKeysAndIdsAreErrors() throws IOException {
		final String bad = dir.resolve("bad.json") + ": ";
		assertEquals(bad + "line 1, column 10: duplicate key \"a\"", vocabError("{\"a\": 1, \"a\": 2}"));
		// \u0061 is a
		assertEquals(bad + "line 1, column 10: duplicate key \"a\"", vocabError("{\"a\": 1, \"\\u0061\": 2}"));
		assertEquals(bad + "line 1, column 15: id 1 of \"b\" is already the id of \"a\"", vocabError("{\"a\": 1, \"b\": 1}"));
	}

	@Test
	void theVocabularyNeedsTheSpecialAndByteLevelTokens() throws IOException {
		final String bad = dir.resolve("bad.json") + ": ";
		final Map<String, Integer> noSpecials = testVocabulary();
		noSpecials.remove("<|startoftext|>");
		noSpecials.remove("<|endoftext|>");
		assertEquals(bad + "missing <|startoftext|> and <|endoftext|> (a CLIP vocabulary has both special tokens)", vocabError(json(noSpecials)));
		final Map<String, Integer> noEnd = testVocabulary();
		noEnd.remove("<|endoftext|>");
		assertEquals(bad + "missing <|endoftext|> (a CLIP vocabulary has both special tokens)", vocabError(json(noEnd)));
		assertEquals(bad + "missing <|startoftext|> and <|endoftext|> (a CLIP vocabulary has both special tokens)", vocabError("{}"));
		final Map<String, Integer> noSpace = testVocabulary();
		noSpace.remove("\u0120</w>");
		assertTrue(vocabError(json(noSpace)).startsWith(bad + "missing the byte-level token \"\u0120</w>\" (byte 0x20; "));
	}

	@Test
	void mergesLinesNeedExactlyTwoSymbols() throws IOException {
		final String bad = dir.resolve("bad.txt") + ": ";
		assertEquals(bad + "line 3: expected two symbols separated by a space, got 3 in \"a b c\"", mergesError("#version: 0.2\nl i\na b c\n"));
		assertEquals(bad + "line 2: expected two symbols separated by a space, got 1 in \"ab\"", mergesError("l i\nab\n"));
		assertEquals(bad + "line 2: duplicate merge \"l i\" (first on line 1)", mergesError("l i\nl   i\n"));
		// blank lines are skipped; a merge of symbols the vocabulary never forms is unused
		final Path odd = write("odd.txt", "\nl i\n\n  \nzz top\n");
		assertArrayEquals(new int[] { 512, 256 + 'v' }, ClipBpeTokenizer.read(vocab, odd, 8).encode("liv"));
	}

	@Test
	void filesMustExistBeSmallAndUtf8() throws IOException {
		final Path missing = dir.resolve("missing.json");
		assertEquals(missing + ": no such file",
			assertThrows(IllegalArgumentException.class, () -> ClipBpeTokenizer.read(missing, merges, 8)).getMessage());
		final Path huge = dir.resolve("huge.json");
		try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
			file.setLength(ClipBpeTokenizer.MAX_FILE_BYTES + 1); // sparse: nothing written
		}
		assertEquals(huge + ": expected at most 67108864 bytes (a tokenizer file), got more",
			assertThrows(IllegalArgumentException.class, () -> ClipBpeTokenizer.read(huge, merges, 8)).getMessage());
		final Path latin1 = Files.write(dir.resolve("latin1.txt"), new byte[] { 'l', ' ', 'i', '\n', (byte) 0xE9, ' ', 'x' });
		assertEquals(latin1 + ": byte 4: expected UTF-8 text, got malformed byte 0xE9",
			assertThrows(IllegalArgumentException.class, () -> ClipBpeTokenizer.read(vocab, latin1, 8)).getMessage());
		assertEquals("tokenizer length: expected at least 2 (start and end of text), got 1",
			assertThrows(IllegalArgumentException.class, () -> ClipBpeTokenizer.read(vocab, merges, 1)).getMessage());
	}

	@Test
	void errorMessagesAreOneLine() throws IOException {
		// U+2028 separates symbols (Python's str.split) but is escaped in the message
		final String message = mergesError("l i\na b\u2028c d\n");
		assertEquals(dir.resolve("bad.txt") + ": line 2: expected two symbols separated by a space, got 4 in \"a b\\u2028c d\"", message);
		final String control = mergesError("a b c\u0007\n");
		assertTrue(control.endsWith("got 3 in \"a b c\\u0007\""), control);
		assertEquals(-1, vocabError("{\"a\nb\": 1}").indexOf('\n'));
	}

	@Test
	void manyThreadsGetTheSameIds() throws Exception {
		final List<String> texts = new ArrayList<>();
		final Random random = new Random(42);
		final String[] words = { "liver", "live", "Lever", "xyz", "it's", "é", "μm", "123", "aaaaa", "qqq", "dog!", "😀" };
		for (int i = 0; i < 60; i++) {
			final StringBuilder text = new StringBuilder();
			for (int w = random.nextInt(6); w >= 0; w--)
				text.append(words[random.nextInt(words.length)]).append(random.nextBoolean() ? " " : "");
			texts.add(text.toString());
		}
		final ClipBpeTokenizer fresh = ClipBpeTokenizer.read(vocab, merges, 16);
		final List<int[]> expected = new ArrayList<>();
		for (final String text : texts)
			expected.add(fresh.tokens(text));
		// a cache of 3 words is cleared again and again while threads read and fill it
		final ClipBpeTokenizer shared = ClipBpeTokenizer.read(vocab, merges, 16, 3);
		final int threads = 8;
		final ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			final CountDownLatch start = new CountDownLatch(1);
			final List<Future<Integer>> results = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				final long seed = t;
				results.add(pool.submit(() -> {
					start.await();
					final List<Integer> order = new ArrayList<>();
					for (int i = 0; i < texts.size(); i++)
						order.add(i);
					int checked = 0;
					for (int round = 0; round < 50; round++) {
						Collections.shuffle(order, new Random(seed * 1000 + round));
						for (final int i : order) {
							final int[] actual = shared.tokens(texts.get(i));
							if (!Arrays.equals(expected.get(i), actual))
								throw new AssertionError(texts.get(i) + ": " + Arrays.toString(actual) + " instead of " + Arrays.toString(expected.get(i)));
							checked++;
						}
					}
					return checked;
				}));
			}
			start.countDown();
			for (final Future<Integer> result : results)
				assertEquals(50 * texts.size(), result.get(60, TimeUnit.SECONDS));
		}
		finally {
			pool.shutdownNow();
		}
		assertNotEquals(0, expected.size());
	}
}
