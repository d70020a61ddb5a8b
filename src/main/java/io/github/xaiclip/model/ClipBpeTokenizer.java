package io.github.xaiclip.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP's byte-pair-encoding tokenizer, as OpenAI CLIP's {@code simple_tokenizer.py} and Hugging Face's (slow)
 * {@code CLIPTokenizer}: read from a {@code vocab.json} (token to id) and a {@code merges.txt} (one merge
 * {@code "a b"} a line, ranked by line order, after an optional {@code #version} line) with
 * {@link #read(Path, Path, int)}. Immutable and thread-safe; byte-pair encodings are cached per word.
 * <p>
 * Text is normalized by {@link #normalize(String)}, split into pieces by CLIP's pattern (special tokens,
 * contractions, runs of letters, single digits, runs of other non-space characters), each piece's UTF-8 bytes are
 * mapped to printable characters by GPT-2's byte-to-unicode table, and the piece is merged pair by pair, the
 * lowest-ranked pair first, its last symbol ending in {@code </w>}.
 * <p>
 * Differences from CLIP: ftfy is not available, so {@link #normalize(String)} does only its Unicode NFC
 * normalization and quote uncurling, and HTML unescaping knows only a few named references; a merge whose result
 * is not in the vocabulary is ignored (CLIP would fail on the unknown token); duplicate vocabulary keys or ids and
 * duplicate merges are errors; a lone surrogate in the text is encoded as {@code ?}; and characters are classified
 * by the JDK's Unicode version (13 for Java 17), so characters newer than that are not letters or digits here.
 * <p>
 * Every problem with the files is a one-line {@link IllegalArgumentException} naming the file, the line (and
 * column) and what was expected.
 */
public final class ClipBpeTokenizer {

	/** The special token starting every text. */
	public static final String START_OF_TEXT = "<|startoftext|>";

	/** The special token ending every text. */
	public static final String END_OF_TEXT = "<|endoftext|>";

	/** The suffix of a word's last symbol. */
	public static final String END_OF_WORD = "</w>";

	/** The largest vocabulary or merges file read (64 MiB; CLIP's are under 2 MB). */
	public static final long MAX_FILE_BYTES = 64L << 20;

	/** The pad id CLIP uses. */
	public static final int DEFAULT_PAD_ID = 0;

	static final int DEFAULT_CACHE_CAPACITY = 10_000;

	/**
	 * CLIP's pattern, case-insensitive as CLIP's (which on lower-cased text only matters for the likes of
	 * {@code 'ſ}). U+0345, a combining mark that folds to a letter, is in no piece, as with Python's {@code regex}
	 * under IGNORECASE: the only character where that and Java's matching differ.
	 */
	private static final Pattern PIECES = Pattern.compile(
		"<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}\\u0345]+",
		Pattern.UNICODE_CHARACTER_CLASS | Pattern.CASE_INSENSITIVE);

	/** Runs of (Unicode White_Space) whitespace, collapsed to one space as CLIP's {@code whitespace_clean}. */
	private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

	private static final char[] BYTE_TO_UNICODE = byteToUnicodeTable();
	private static final int[] UNICODE_TO_BYTE = unicodeToByteTable(BYTE_TO_UNICODE);

	private final Map<String, Integer> encoder;
	private final Map<Integer, String> decoder;
	/** Merge ranks by {@code "first second"}, only merges whose result is in the vocabulary. */
	private final Map<String, Integer> ranks;
	private final int merges;
	private final int startId;
	private final int endId;
	private final int padId;
	private final int length;
	private final int cacheCapacity;
	private final Map<String, int[]> cache;

	private ClipBpeTokenizer(final Map<String, Integer> encoder, final Map<Integer, String> decoder, final Map<String, Integer> ranks,
		final int merges, final int padId, final int length, final int cacheCapacity, final Map<String, int[]> cache) {
		this.encoder = encoder;
		this.decoder = decoder;
		this.ranks = ranks;
		this.merges = merges;
		this.startId = encoder.get(START_OF_TEXT);
		this.endId = encoder.get(END_OF_TEXT);
		this.padId = padId;
		this.length = length;
		this.cacheCapacity = cacheCapacity;
		this.cache = cache;
	}

	/**
	 * Reads a tokenizer from its vocabulary and merges files; {@link #tokens(String)} gives {@code length} ids.
	 *
	 * @throws IllegalArgumentException when {@code length < 2}, or a file is missing, over {@value #MAX_FILE_BYTES}
	 *         bytes or malformed, or the vocabulary lacks a special or byte-level token
	 * @throws UncheckedIOException when a file cannot be read
	 */
	public static ClipBpeTokenizer read(final Path vocab, final Path merges, final int length) {
		return read(vocab, merges, length, DEFAULT_CACHE_CAPACITY);
	}

	/**
	 * Reads the tokenizer a model descriptor names.
	 *
	 * @throws IllegalArgumentException when the descriptor names no tokenizer, or as {@link #read(Path, Path, int)}
	 */
	public static ClipBpeTokenizer read(final ModelDescriptor.Tokenizer tokenizer) {
		if (tokenizer.isNone()) throw new IllegalArgumentException("tokenizer: expected clip-bpe, got " + tokenizer.type());
		return read(tokenizer.vocab(), tokenizer.merges(), tokenizer.length());
	}

	static ClipBpeTokenizer read(final Path vocab, final Path merges, final int length, final int cacheCapacity) {
		Objects.requireNonNull(vocab, "vocab");
		Objects.requireNonNull(merges, "merges");
		if (length < 2) throw new IllegalArgumentException("tokenizer length: expected at least 2 (start and end of text), got " + length);
		if (cacheCapacity < 1) throw new IllegalArgumentException("cache capacity: expected at least 1, got " + cacheCapacity);
		final Map<Integer, String> decoder = new HashMap<>();
		final Map<String, Integer> encoder = new VocabParser(readText(vocab), vocab).parse(decoder);
		checkVocabulary(encoder, vocab);
		final String mergesText = readText(merges);
		final Map<String, Integer> ranks = new HashMap<>();
		final int count = parseMerges(mergesText, merges, encoder, ranks);
		return new ClipBpeTokenizer(Collections.unmodifiableMap(encoder), Collections.unmodifiableMap(decoder),
			Collections.unmodifiableMap(ranks), count, DEFAULT_PAD_ID, length, cacheCapacity, new ConcurrentHashMap<>());
	}

	/** This tokenizer padding with {@code id} instead (sharing tables and cache). */
	public ClipBpeTokenizer withPadId(final int id) {
		if (id < 0) throw new IllegalArgumentException("pad id: expected a non-negative id, got " + id);
		return new ClipBpeTokenizer(encoder, decoder, ranks, merges, id, length, cacheCapacity, cache);
	}

	/** Ids per text from {@link #tokens(String)}. */
	public int length() {
		return length;
	}

	/** The id padding {@link #tokens(String)} ({@value #DEFAULT_PAD_ID} unless {@link #withPadId(int)}). */
	public int padId() {
		return padId;
	}

	/** The id of {@value #START_OF_TEXT}. */
	public int startId() {
		return startId;
	}

	/** The id of {@value #END_OF_TEXT}. */
	public int endId() {
		return endId;
	}

	/** Tokens in the vocabulary. */
	public int vocabularySize() {
		return encoder.size();
	}

	/** The id of a (byte-level) token, or -1 when the vocabulary lacks it. */
	public int id(final String token) {
		final Integer id = encoder.get(token);
		return id == null ? -1 : id;
	}

	/** The ids of {@code text}, without start, end or padding; {@code <|startoftext|>} in the text is that token. */
	public int[] encode(final String text) {
		return encode(text, Integer.MAX_VALUE);
	}

	/**
	 * CLIP's model input for {@code text}: {@value #START_OF_TEXT}, its ids and {@value #END_OF_TEXT}, padded with
	 * {@link #padId()} to {@link #length()}; a longer text is truncated, still ending in {@value #END_OF_TEXT} (CLIP's
	 * {@code truncate=True}).
	 */
	public int[] tokens(final String text) {
		final int[] ids = encode(text, length - 2);
		final int n = Math.min(ids.length, length - 2);
		final int[] tokens = new int[length];
		tokens[0] = startId;
		System.arraycopy(ids, 0, tokens, 1, n);
		tokens[n + 1] = endId;
		Arrays.fill(tokens, n + 2, length, padId);
		return tokens;
	}

	/** {@link #tokens(String)} of each text, a row each. */
	public int[][] encodeBatch(final List<String> texts) {
		final int[][] rows = new int[texts.size()][];
		for (int i = 0; i < rows.length; i++)
			rows[i] = tokens(texts.get(i));
		return rows;
	}

	/**
	 * The text of {@code ids}, for diagnostics, as CLIP: tokens joined, mapped back to bytes, decoded as UTF-8
	 * (malformed bytes become U+FFFD), each {@code </w>} a space. Special and pad ids decode as their tokens.
	 *
	 * @throws IllegalArgumentException when an id is not in the vocabulary
	 */
	public String decode(final int[] ids) {
		final StringBuilder joined = new StringBuilder();
		for (int i = 0; i < ids.length; i++) {
			final String token = decoder.get(ids[i]);
			if (token == null) throw new IllegalArgumentException("decode: id " + ids[i] + " at position " + i + " is not in the vocabulary");
			joined.append(token);
		}
		final ByteArrayOutputStream bytes = new ByteArrayOutputStream(joined.length());
		for (int i = 0; i < joined.length();) {
			final int c = joined.codePointAt(i);
			if (c < UNICODE_TO_BYTE.length && UNICODE_TO_BYTE[c] >= 0) bytes.write(UNICODE_TO_BYTE[c]);
			else bytes.writeBytes(new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)); // not a byte-level character
			i += Character.charCount(c);
		}
		return new String(bytes.toByteArray(), StandardCharsets.UTF_8).replace(END_OF_WORD, " ");
	}

	/**
	 * CLIP's text cleanup: Unicode NFC with curly quotes made straight (what of ftfy matters here), HTML character
	 * references unescaped twice (numeric ones and {@code &amp; &lt; &gt; &quot; &apos; &nbsp;}), runs of
	 * whitespace made one space, leading and trailing whitespace removed, then lower case as Python's.
	 */
	public static String normalize(final String text) {
		String s = uncurlQuotes(text);
		s = Normalizer.normalize(s, Normalizer.Form.NFC);
		s = unescapeHtml(unescapeHtml(s));
		s = WHITESPACE.matcher(s).replaceAll(" ");
		s = strip(s);
		return lowerCase(s);
	}

	/**
	 * Python's {@code str.lower()}: Java's, but for capital sigma, whose final form Python chooses by the Unicode
	 * rule (cased letter, case-ignorables, sigma, no case-ignorables then cased letter) where Java looks at word
	 * boundaries.
	 */
	static String lowerCase(final String s) {
		int sigma = s.indexOf('\u03A3');
		if (sigma < 0) return s.toLowerCase(Locale.ROOT);
		final StringBuilder out = new StringBuilder(s.length());
		int from = 0;
		while (sigma >= 0) {
			out.append(s.substring(from, sigma).toLowerCase(Locale.ROOT)); // no sigma, so no context
			out.append(isFinalSigma(s, sigma) ? '\u03C2' : '\u03C3');
			from = sigma + 1;
			sigma = s.indexOf('\u03A3', from);
		}
		return out.append(s.substring(from).toLowerCase(Locale.ROOT)).toString();
	}

	/** Unicode's Final_Sigma condition at {@code i}, as Python's {@code handle_capital_sigma}. */
	private static boolean isFinalSigma(final String s, final int i) {
		int j = i;
		int c = 0;
		while (j > 0) {
			c = s.codePointBefore(j);
			j -= Character.charCount(c);
			if (!isCaseIgnorable(c)) break;
		}
		if (j == i || isCaseIgnorable(c) || !isCased(c)) return false; // nothing, or only case-ignorables, before
		for (j = i + 1; j < s.length(); j += Character.charCount(c)) {
			c = s.codePointAt(j);
			if (!isCaseIgnorable(c)) return !isCased(c);
		}
		return true;
	}

	/** Unicode's Cased: lower case, upper case (both with their Other_ properties) or title case. */
	private static boolean isCased(final int c) {
		return Character.isLowerCase(c) || Character.isUpperCase(c) || Character.isTitleCase(c);
	}

	/** Unicode's Case_Ignorable: Mn, Me, Cf, Lm, Sk, or word-break MidLetter, MidNumLet or Single_Quote. */
	private static boolean isCaseIgnorable(final int c) {
		switch (Character.getType(c)) {
		case Character.NON_SPACING_MARK:
		case Character.ENCLOSING_MARK:
		case Character.FORMAT:
		case Character.MODIFIER_LETTER:
		case Character.MODIFIER_SYMBOL:
			return true;
		default:
			return MID_LETTER_OR_QUOTE.indexOf(c) >= 0;
		}
	}

	/** Word-break MidLetter, MidNumLet and Single_Quote characters that are not Mn, Me, Cf, Lm or Sk. */
	private static final String MID_LETTER_OR_QUOTE = "'.:\u00B7\u0387\u055F\u05F4\u2018\u2019\u2024\u2027\uFE13\uFE52\uFE55\uFF07\uFF0E\uFF1A";

	@Override
	public String toString() {
		return "CLIP BPE tokenizer (" + encoder.size() + " tokens, " + merges + " merges, length " + length + ")";
	}

	/** The ids of {@code text}; stops after the piece that brings them to {@code limit} or more. */
	private int[] encode(final String text, final int limit) {
		int[] ids = new int[16];
		int n = 0;
		final Matcher pieces = PIECES.matcher(normalize(text));
		while (n < limit && pieces.find()) {
			final String piece = pieces.group();
			final int[] pieceIds;
			if (piece.equals(START_OF_TEXT)) pieceIds = new int[] { startId };
			else if (piece.equals(END_OF_TEXT)) pieceIds = new int[] { endId };
			else pieceIds = wordIds(toByteLevel(piece));
			if (n + pieceIds.length > ids.length) ids = Arrays.copyOf(ids, Math.max(2 * ids.length, n + pieceIds.length));
			System.arraycopy(pieceIds, 0, ids, n, pieceIds.length);
			n += pieceIds.length;
		}
		return Arrays.copyOf(ids, n);
	}

	/** The ids of one byte-level word, from the cache or by {@link #bpe(String)}; never to be modified. */
	private int[] wordIds(final String word) {
		final int[] cached = cache.get(word);
		if (cached != null) return cached;
		final List<String> symbols = bpe(word);
		final int[] ids = new int[symbols.size()];
		for (int i = 0; i < ids.length; i++)
			ids[i] = encoder.get(symbols.get(i)); // in the vocabulary: merge results are, and so are all byte-level symbols
		if (cache.size() >= cacheCapacity) cache.clear();
		cache.put(word, ids);
		return ids;
	}

	/** The symbols of a byte-level word (not empty) after CLIP's merge loop: lowest rank first, all its occurrences. */
	List<String> bpe(final String word) {
		List<String> symbols = new ArrayList<>(word.length());
		for (int i = 0; i < word.length() - 1; i++)
			symbols.add(String.valueOf(word.charAt(i)));
		symbols.add(word.charAt(word.length() - 1) + END_OF_WORD);
		while (symbols.size() > 1) {
			int best = Integer.MAX_VALUE;
			String first = null;
			String second = null;
			for (int i = 0; i + 1 < symbols.size(); i++) {
				final Integer rank = ranks.get(symbols.get(i) + ' ' + symbols.get(i + 1));
				if (rank != null && rank < best) {
					best = rank;
					first = symbols.get(i);
					second = symbols.get(i + 1);
				}
			}
			if (first == null) break;
			final List<String> merged = new ArrayList<>(symbols.size() - 1);
			for (int i = 0; i < symbols.size();) {
				if (i + 1 < symbols.size() && symbols.get(i).equals(first) && symbols.get(i + 1).equals(second)) {
					merged.add(first + second);
					i += 2;
				}
				else {
					merged.add(symbols.get(i));
					i++;
				}
			}
			symbols = merged;
		}
		return symbols;
	}

	/** The piece's UTF-8 bytes as GPT-2's printable characters. */
	static String toByteLevel(final String piece) {
		final byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
		final char[] chars = new char[bytes.length];
		for (int i = 0; i < bytes.length; i++)
			chars[i] = BYTE_TO_UNICODE[bytes[i] & 0xFF];
		return new String(chars);
	}

	/** GPT-2's printable character for byte {@code b} (0 to 255). */
	static char byteToUnicode(final int b) {
		return BYTE_TO_UNICODE[b];
	}

	/**
	 * GPT-2's {@code bytes_to_unicode}: the printable bytes {@code '!'..'~'}, {@code '¡'..'¬'} and {@code '®'..'ÿ'}
	 * are themselves; the other 68, in order, are {@code 256 + n}.
	 */
	private static char[] byteToUnicodeTable() {
		final char[] table = new char[256];
		int n = 0;
		for (int b = 0; b < 256; b++) {
			final boolean printable = b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE && b <= 0xFF;
			table[b] = printable ? (char) b : (char) (256 + n++);
		}
		return table;
	}

	private static int[] unicodeToByteTable(final char[] byteToUnicode) {
		final int[] table = new int[256 + 68];
		Arrays.fill(table, -1);
		for (int b = 0; b < 256; b++)
			table[byteToUnicode[b]] = b;
		return table;
	}

	/** ftfy's {@code uncurl_quotes}: U+02BC and U+2018..U+201B become {@code '}, U+201C..U+201F {@code "}. */
	private static String uncurlQuotes(final String text) {
		StringBuilder out = null;
		for (int i = 0; i < text.length(); i++) {
			final char c = text.charAt(i);
			final char straight = c == '\u02BC' || c >= '\u2018' && c <= '\u201B' ? '\'' : c >= '\u201C' && c <= '\u201F' ? '"' : c;
			if (straight != c && out == null) out = new StringBuilder(text.substring(0, i));
			if (out != null) out.append(straight);
		}
		return out == null ? text : out.toString();
	}

	/** Named references replaced; HTML5 knows all with {@code ;} and all but {@code apos} without. */
	private static final String[][] ENTITIES = { { "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" }, { "apos", "'" },
		{ "nbsp", "\u00A0" }, { "AMP", "&" }, { "LT", "<" }, { "GT", ">" }, { "QUOT", "\"" } };

	/** What Python's {@code html.unescape} makes of {@code &#128;} to {@code &#159;}: windows-1252, or the code point it lacks. */
	private static final String WINDOWS_1252 = "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F"
		+ "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

	/**
	 * HTML character references as Python's {@code html.unescape}, for numeric references and the named ones of
	 * {@link #ENTITIES}: the semicolon is optional except for {@code &apos;}; other names stay as they are.
	 */
	static String unescapeHtml(final String text) {
		if (text.indexOf('&') < 0) return text;
		final StringBuilder out = new StringBuilder(text.length());
		int i = 0;
		while (i < text.length()) {
			final char c = text.charAt(i);
			if (c != '&') {
				out.append(c);
				i++;
				continue;
			}
			final int end = reference(text, i + 1, out);
			if (end < 0) {
				out.append('&');
				i++;
			}
			else i = end;
		}
		return out.toString();
	}

	/** Appends the reference starting after the {@code &} at {@code start}, returning where it ends, or -1 for none. */
	private static int reference(final String text, final int start, final StringBuilder out) {
		if (start < text.length() && text.charAt(start) == '#') {
			int i = start + 1;
			final boolean hex = i < text.length() && (text.charAt(i) == 'x' || text.charAt(i) == 'X');
			if (hex) i++;
			final int digits = i;
			long value = 0;
			while (i < text.length() && text.charAt(i) < 128 && Character.digit(text.charAt(i), hex ? 16 : 10) >= 0) {
				value = Math.min(value * (hex ? 16 : 10) + Character.digit(text.charAt(i), hex ? 16 : 10), Integer.MAX_VALUE);
				i++;
			}
			if (i == digits) return -1;
			if (i < text.length() && text.charAt(i) == ';') i++;
			out.append(codePointReference(value));
			return i;
		}
		for (final String[] entity : ENTITIES) {
			if (text.startsWith(entity[0] + ";", start)) {
				out.append(entity[1]);
				return start + entity[0].length() + 1;
			}
		}
		for (final String[] entity : ENTITIES) {
			if (!entity[0].equals("apos") && text.startsWith(entity[0], start)) {
				out.append(entity[1]);
				return start + entity[0].length();
			}
		}
		return -1;
	}

	/** Python's {@code html.unescape} of {@code &#value;}. */
	private static String codePointReference(final long value) {
		if (value == 0) return "\uFFFD";
		if (value == '\r') return "\r";
		if (value >= 0x80 && value <= 0x9F) return String.valueOf(WINDOWS_1252.charAt((int) value - 0x80));
		if (value >= 0xD800 && value <= 0xDFFF || value > Character.MAX_CODE_POINT) return "\uFFFD";
		final boolean invalid = value <= 0x8 || value == 0xB || value >= 0xE && value <= 0x1F || value == 0x7F
			|| value >= 0xFDD0 && value <= 0xFDEF || (value & 0xFFFE) == 0xFFFE;
		return invalid ? "" : new String(Character.toChars((int) value));
	}

	/** Whitespace as Python's {@code str.isspace} (what {@code str.strip} and {@code str.split} remove). */
	static boolean isPythonSpace(final char c) {
		return c >= '\t' && c <= '\r' || c >= '\u001C' && c <= ' ' || c == '\u0085' || c == '\u00A0' || c == '\u1680'
			|| c >= '\u2000' && c <= '\u200A' || c == '\u2028' || c == '\u2029' || c == '\u202F' || c == '\u205F' || c == '\u3000';
	}

	private static String strip(final String s) {
		int start = 0;
		int end = s.length();
		while (start < end && isPythonSpace(s.charAt(start)))
			start++;
		while (end > start && isPythonSpace(s.charAt(end - 1)))
			end--;
		return s.substring(start, end);
	}

	/** The vocabulary has both special tokens and every byte-level symbol, alone and word-final. */
	private static void checkVocabulary(final Map<String, Integer> encoder, final Path file) {
		final List<String> missing = new ArrayList<>();
		if (!encoder.containsKey(START_OF_TEXT)) missing.add(START_OF_TEXT);
		if (!encoder.containsKey(END_OF_TEXT)) missing.add(END_OF_TEXT);
		if (!missing.isEmpty())
			throw new IllegalArgumentException(file + ": missing " + String.join(" and ", missing) + " (a CLIP vocabulary has both special tokens)");
		for (int b = 0; b < 256; b++) {
			for (final String token : new String[] { String.valueOf(BYTE_TO_UNICODE[b]), BYTE_TO_UNICODE[b] + END_OF_WORD }) {
				if (!encoder.containsKey(token))
					throw new IllegalArgumentException(file + ": missing the byte-level token " + quote(token) + " (byte 0x"
						+ String.format(Locale.ROOT, "%02X", b) + "; a CLIP vocabulary has all 256 bytes, alone and with " + END_OF_WORD + ")");
			}
		}
	}

	/**
	 * Fills {@code ranks} with the merges of {@code text} whose result is in the vocabulary, returning how many
	 * merges the file has. Blank lines are skipped, and a first line with {@code #version} (Hugging Face's header,
	 * or CLIP's {@code "bpe_simple_vocab_16e6.txt#version: 0.2}).
	 */
	private static int parseMerges(final String text, final Path file, final Map<String, Integer> vocab, final Map<String, Integer> ranks) {
		final String[] lines = text.split("\n", -1);
		final Map<String, Integer> lineOf = new HashMap<>();
		int rank = 0;
		for (int l = 0; l < lines.length; l++) {
			String line = lines[l];
			if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
			if (l == 0 && line.contains("#version")) continue;
			final List<String> parts = splitOnSpace(line);
			if (parts.isEmpty()) continue;
			if (parts.size() != 2)
				throw new IllegalArgumentException(file + ": line " + (l + 1) + ": expected two symbols separated by a space, got " + parts.size()
					+ " in " + quote(line));
			final String pair = parts.get(0) + ' ' + parts.get(1);
			final Integer first = lineOf.putIfAbsent(pair, l + 1);
			if (first != null)
				throw new IllegalArgumentException(file + ": line " + (l + 1) + ": duplicate merge " + quote(pair) + " (first on line " + first + ")");
			if (vocab.containsKey(parts.get(0) + parts.get(1))) ranks.put(pair, rank);
			rank++;
		}
		return rank;
	}

	/** Python's {@code str.split()}: the non-empty runs between whitespace. */
	private static List<String> splitOnSpace(final String line) {
		final List<String> parts = new ArrayList<>(2);
		int i = 0;
		while (i < line.length()) {
			while (i < line.length() && isPythonSpace(line.charAt(i)))
				i++;
			final int start = i;
			while (i < line.length() && !isPythonSpace(line.charAt(i)))
				i++;
			if (i > start) parts.add(line.substring(start, i));
		}
		return parts;
	}

	/** The file as strict UTF-8 (a leading byte order mark dropped), refusing more than {@value #MAX_FILE_BYTES} bytes. */
	private static String readText(final Path file) {
		final byte[] bytes;
		try {
			if (Files.isRegularFile(file) && Files.size(file) > MAX_FILE_BYTES) throw tooLarge(file);
			try (InputStream in = Files.newInputStream(file)) {
				bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
			}
		}
		catch (final NoSuchFileException e) {
			throw new IllegalArgumentException(file + ": no such file");
		}
		catch (final IOException e) {
			throw new UncheckedIOException(file + ": cannot read: " + e, e);
		}
		if (bytes.length > MAX_FILE_BYTES) throw tooLarge(file);
		final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		final ByteBuffer in = ByteBuffer.wrap(bytes);
		final CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never has more characters than bytes
		CoderResult result = utf8.decode(in, out, true);
		if (!result.isError()) result = utf8.flush(out);
		if (result.isError())
			throw new IllegalArgumentException(file + ": byte " + in.position() + ": expected UTF-8 text, got malformed byte 0x"
				+ String.format(Locale.ROOT, "%02X", bytes[in.position()] & 0xFF));
		out.flip();
		final String text = out.toString();
		return text.startsWith("\uFEFF") ? text.substring(1) : text;
	}

	private static IllegalArgumentException tooLarge(final Path file) {
		return new IllegalArgumentException(file + ": expected at most " + MAX_FILE_BYTES + " bytes (a tokenizer file), got more");
	}

	/** {@code s} in double quotes, escaped to stay on one line, shortened past 60 characters. */
	static String quote(final String s) {
		final StringBuilder out = new StringBuilder("\"");
		final int n = Math.min(s.length(), 60);
		for (int i = 0; i < n; i++) {
			final char c = s.charAt(i);
			if (c == '"' || c == '\\') out.append('\\').append(c);
			else if (c < 0x20 || c >= 0x7F && c <= 0x9F || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c))
				out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
			else out.append(c);
		}
		if (s.length() > n) out.append("...");
		return out.append('"').toString();
	}

	/** A reader of {@code vocab.json}: one JSON object of string keys and non-negative integer values. */
	private static final class VocabParser {

		private final String text;
		private final Path file;
		private int pos;

		VocabParser(final String text, final Path file) {
			this.text = text;
			this.file = file;
		}

		/** The vocabulary; {@code decoder} gets each id's token. */
		Map<String, Integer> parse(final Map<Integer, String> decoder) {
			final Map<String, Integer> vocab = new HashMap<>();
			skipSpace();
			expect('{', "'{' starting the vocabulary object");
			skipSpace();
			if (peek() == '}') pos++;
			else {
				while (true) {
					skipSpace();
					if (peek() != '"') throw error(pos, "a string key");
					final int keyPos = pos;
					final String key = string();
					skipSpace();
					expect(':', "':' after a key");
					skipSpace();
					final int idPos = pos;
					final int id = id();
					if (vocab.containsKey(key)) throw problem(keyPos, "duplicate key " + quote(key));
					final String other = decoder.putIfAbsent(id, key);
					if (other != null) throw problem(idPos, "id " + id + " of " + quote(key) + " is already the id of " + quote(other));
					vocab.put(key, id);
					skipSpace();
					if (peek() == ',') pos++;
					else if (peek() == '}') {
						pos++;
						break;
					}
					else throw error(pos, "',' or '}'");
				}
			}
			skipSpace();
			if (pos < text.length()) throw error(pos, "nothing after the vocabulary object");
			return vocab;
		}

		private String string() {
			pos++; // the opening quote
			final StringBuilder out = new StringBuilder();
			while (true) {
				if (pos >= text.length()) throw error(pos, "'\"' closing the string");
				final char c = text.charAt(pos);
				if (c == '"') {
					pos++;
					return out.toString();
				}
				if (c < 0x20) throw error(pos, "'\"' closing the string (control characters escaped)");
				if (c != '\\') {
					out.append(c);
					pos++;
					continue;
				}
				final int escape = pos + 1;
				final char e = escape < text.length() ? text.charAt(escape) : '\0';
				switch (e) {
				case '"':
				case '\\':
				case '/':
					out.append(e);
					break;
				case 'b':
					out.append('\b');
					break;
				case 'f':
					out.append('\f');
					break;
				case 'n':
					out.append('\n');
					break;
				case 'r':
					out.append('\r');
					break;
				case 't':
					out.append('\t');
					break;
				case 'u': {
					int value = 0;
					for (int k = escape + 1; k <= escape + 4; k++) {
						final int digit = k < text.length() && text.charAt(k) < 128 ? Character.digit(text.charAt(k), 16) : -1;
						if (digit < 0) throw error(k, "four hex digits after \\u");
						value = value * 16 + digit;
					}
					out.append((char) value);
					pos = escape + 5;
					continue;
				}
				default:
					throw error(escape, "one of \" \\ / b f n r t u after a backslash");
				}
				pos = escape + 1;
			}
		}

		private int id() {
			final int start = pos;
			while (pos < text.length() && "+-.0123456789eE".indexOf(text.charAt(pos)) >= 0)
				pos++;
			final String number = text.substring(start, pos);
			if (number.isEmpty()) throw error(start, "a non-negative integer id");
			if (!number.matches("0|[1-9][0-9]{0,9}") || Long.parseLong(number) > Integer.MAX_VALUE)
				throw problem(start, "expected a non-negative integer id (at most " + Integer.MAX_VALUE + "), got " + quote(number));
			return Integer.parseInt(number);
		}

		private char peek() {
			return pos < text.length() ? text.charAt(pos) : '\0';
		}

		private void expect(final char c, final String what) {
			if (pos >= text.length() || text.charAt(pos) != c) throw error(pos, what);
			pos++;
		}

		private void skipSpace() {
			while (pos < text.length() && " \t\n\r".indexOf(text.charAt(pos)) >= 0)
				pos++;
		}

		private IllegalArgumentException error(final int at, final String expected) {
			return problem(at, "expected " + expected + ", got " + describe(at));
		}

		/** {@code "<file>: line L, column C: <what>"}, lines and columns from 1. */
		private IllegalArgumentException problem(final int at, final String what) {
			int line = 1;
			int lineStart = 0;
			for (int i = 0; i < at && i < text.length(); i++) {
				if (text.charAt(i) == '\n') {
					line++;
					lineStart = i + 1;
				}
			}
			return new IllegalArgumentException(file + ": line " + line + ", column " + (at - lineStart + 1) + ": " + what);
		}

		private String describe(final int at) {
			if (at >= text.length()) return "end of file";
			final int c = text.codePointAt(at);
			if (c < 0x20 || c >= 0x7F && c <= 0x9F || c == 0x2028 || c == 0x2029 || Character.isSurrogate((char) c))
				return String.format(Locale.ROOT, "U+%04X", c);
			return "'" + new String(Character.toChars(c)) + "'";
		}
	}
}
