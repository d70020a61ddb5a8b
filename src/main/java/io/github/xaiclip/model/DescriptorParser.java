package io.github.xaiclip.model;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.representer.Representer;

import io.github.xaiclip.model.ModelDescriptor.Activation;
import io.github.xaiclip.model.ModelDescriptor.Axes;
import io.github.xaiclip.model.ModelDescriptor.Encoder;
import io.github.xaiclip.model.ModelDescriptor.Input;
import io.github.xaiclip.model.ModelDescriptor.Kind;
import io.github.xaiclip.model.ModelDescriptor.Output;
import io.github.xaiclip.model.ModelDescriptor.Tokenizer;

/**
 * Reads {@code xai-clip.yaml} into a {@link ModelDescriptor}. YAML is loaded with SnakeYAML's
 * {@link SafeConstructor} (plain maps, lists and scalars only), no duplicate keys, and limits on size, nesting
 * and aliases, so a hostile file (a "billion laughs" of nested aliases) is refused at once.
 */
final class DescriptorParser {

	/** Descriptors are a few lines; these limits are far above any real one. */
	static final int MAX_CHARS = 1 << 20, MAX_ALIASES = 20, MAX_DEPTH = 10;

	static final List<String> SEGMENTATION_KEYS = List.of("kind", "format", "tags", "signature", "input", "preprocessing", "output", "classes",
		"pixel_size", "receptive_field");
	static final List<String> VISION_LANGUAGE_KEYS = List.of("kind", "format", "tags", "image", "text", "tokenizer", "prompt_templates", "input",
		"preprocessing", "pixel_size", "receptive_field");

	private static final String SIZE = "[width, height] or {multiple_of: n}";
	private static final String RECEPTIVE_FIELD = "a mapping {radius: <pixels>, stride: <total downsampling>} or {global: true}";
	private static final String TOKENIZER = "none or {type: clip-bpe, vocab: <file>, merges: <file>, length: <n>}";

	private final Path source;

	private DescriptorParser(final Path source) {
		this.source = source;
	}

	static ModelDescriptor read(final Path modelDir) {
		if (!Files.isDirectory(modelDir)) throw new DescriptorException(modelDir + ": model folder not found");
		final Path file = modelDir.resolve(ModelDescriptor.FILE_NAME);
		if (!Files.isRegularFile(file))
			throw new DescriptorException(file + ": missing descriptor (expected " + ModelDescriptor.FILE_NAME + " in the model folder)");
		final String text;
		try {
			final long bytes = Files.size(file);
			if (bytes > MAX_CHARS) throw new DescriptorException(file + ": too large for a descriptor (" + bytes + " bytes)");
			text = Files.readString(file);
		}
		catch (final MalformedInputException e) {
			throw new DescriptorException(file + ": not UTF-8 text");
		}
		catch (final IOException e) {
			throw new DescriptorException(file + ": cannot read: " + oneLine(String.valueOf(e)));
		}
		return parse(text, file);
	}

	static ModelDescriptor parse(final String yaml, final Path source) {
		final DescriptorParser parser = new DescriptorParser(source);
		return parser.descriptor(parser.load(yaml));
	}

	private Object load(final String text) {
		final LoaderOptions options = new LoaderOptions();
		options.setAllowDuplicateKeys(false);
		options.setAllowRecursiveKeys(false);
		options.setMaxAliasesForCollections(MAX_ALIASES);
		options.setNestingDepthLimit(MAX_DEPTH);
		options.setCodePointLimit(MAX_CHARS);
		final DumperOptions dumper = new DumperOptions();
		final Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options);
		try {
			return yaml.load(text);
		}
		catch (final MarkedYAMLException e) {
			final Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
			final String problem = e.getProblem() != null ? e.getProblem() : e.getContext() != null ? e.getContext() : String.valueOf(e.getMessage());
			final String where = mark == null ? "" : "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": ";
			throw new DescriptorException(source + ": " + where + "invalid YAML: " + oneLine(problem));
		}
		catch (final RuntimeException e) { // alias, depth and size limits; anything else SnakeYAML refuses
			throw new DescriptorException(source + ": invalid YAML: " + oneLine(String.valueOf(e.getMessage())));
		}
	}

	private ModelDescriptor descriptor(final Object root) {
		if (root == null) throw fail("", "empty descriptor (expected a mapping starting with kind: segmentation or kind: vision-language)");
		if (!(root instanceof Map)) throw fail("", "expected a mapping of keys to values at the top level, got " + describe(root));
		final Section top = new Section("", (Map<?, ?>) root);
		final Kind kind = top.choice("kind", Kind.values());
		top.requiredFor = "kind " + kind;
		top.allowOnly(" for kind " + kind, kind == Kind.SEGMENTATION ? SEGMENTATION_KEYS : VISION_LANGUAGE_KEYS);

		final String format = top.choice("format", new String[] { "tensorflow-saved-model" });
		final List<String> tags = top.has("tags") ? top.texts("tags", "a list of SavedModel tags", false) : List.of("serve");
		final Input input = input(top.section("input", "a mapping {" + (kind == Kind.SEGMENTATION ? "name, " : "") + "axes, size, channels}"), kind);
		final Preprocessing preprocessing = preprocessing(top);
		final double[] pixelSize = top.has("pixel_size") ? pixelSize(top.get("pixel_size", "")) : null;
		final ReceptiveField receptiveField = top.has("receptive_field") ? receptiveField(top.section("receptive_field", RECEPTIVE_FIELD)) : null;

		if (kind == Kind.SEGMENTATION) {
			final String signature = top.has("signature") ? top.text("signature") : "serving_default";
			final Section o = top.section("output", "a mapping {name, axes, activation}");
			o.allowOnly("", List.of("name", "axes", "activation"));
			final Output output = new Output(o.text("name"), o.choice("axes", Axes.values()), o.choice("activation", Activation.values()));
			final List<String> classes = top.texts("classes", "a list of class names", true);
			if (output.activation() == Activation.SOFTMAX && classes.size() < 2)
				throw fail("output.activation", "softmax over one class is always 1; expected sigmoid or none for a single class");
			return new ModelDescriptor.Segmentation(source, format, tags, input, preprocessing, pixelSize, receptiveField, signature, output, classes);
		}
		final Encoder image = encoder(top, "image"), text = encoder(top, "text");
		final Tokenizer tokenizer = tokenizer(top.get("tokenizer", TOKENIZER));
		final List<String> templates = top.has("prompt_templates") ? top.texts("prompt_templates", "a list of texts with {}", false) : List.of("{}");
		for (int i = 0; i < templates.size(); i++)
			if (!templates.get(i).contains("{}"))
				throw fail("prompt_templates[" + i + "]", "expected a text containing {} (where the prompt goes), got " + describe(templates.get(i)));
		return new ModelDescriptor.VisionLanguage(source, format, tags, input, preprocessing, pixelSize, receptiveField, image, text, tokenizer, templates);
	}

	private Input input(final Section s, final Kind kind) {
		if (kind == Kind.SEGMENTATION) s.allowOnly("", List.of("name", "axes", "size", "channels"));
		else {
			if (s.has("name")) throw fail("input.name", "not used for kind vision-language (image.input names the image tensor)");
			s.allowOnly(" for kind vision-language", List.of("axes", "size", "channels"));
		}
		final String name = kind == Kind.SEGMENTATION ? s.text("name") : null;
		final Axes axes = s.choice("axes", Axes.values());
		final int channels = s.integer("channels", 1);
		final Object size = s.get("size", SIZE);
		final InputSpec spec;
		if (size instanceof List) {
			final List<?> wh = (List<?>) size;
			if (wh.size() != 2) throw fail("input.size", "expected [width, height], got a list of " + wh.size());
			spec = InputSpec.fixed(channels, asInteger("input.size[0]", wh.get(0), 1), asInteger("input.size[1]", wh.get(1), 1));
		}
		else if (size instanceof Map) {
			final Section m = new Section("input.size", (Map<?, ?>) size);
			m.allowOnly("", List.of("multiple_of"));
			spec = InputSpec.multipleOf(channels, m.integer("multiple_of", 1));
		}
		else throw fail("input.size", "expected " + SIZE + ", got " + describe(size));
		return new Input(name, axes, spec);
	}

	private Preprocessing preprocessing(final Section top) {
		final Object value = top.get("preprocessing", "a mapping {type: ..., ...}");
		final Section s;
		final Preprocessing.Type type;
		if (value instanceof Map) {
			s = new Section("preprocessing", (Map<?, ?>) value);
			type = s.choice("type", Preprocessing.Type.values());
		}
		else {
			type = asChoice("preprocessing", value, Preprocessing.Type.values());
			if (type == Preprocessing.Type.WINDOW || type == Preprocessing.Type.PERCENTILE)
				throw fail("preprocessing", "expected a mapping {type: " + type + ", " + (type == Preprocessing.Type.WINDOW ? "min: ..., max: ...}" : "low: ..., high: ...}")
					+ ", got " + describe(value));
			s = new Section("preprocessing", Collections.emptyMap());
		}
		try {
			switch (type) {
			case WINDOW:
				s.allowOnly(" for type window", List.of("type", "min", "max"));
				return Preprocessing.window(s.number("min"), s.number("max"));
			case PERCENTILE:
				s.allowOnly(" for type percentile", List.of("type", "low", "high"));
				return Preprocessing.percentile(s.number("low"), s.number("high"));
			case SCALE_RANGE:
				s.allowOnly(" for type scale_range", List.of("type", "min", "max"));
				return Preprocessing.scaleRange(s.has("min") ? s.number("min") : 0, s.has("max") ? s.number("max") : 1);
			case ZERO_MEAN_UNIT_VARIANCE:
				s.allowOnly(" for type zero_mean_unit_variance", List.of("type"));
				return Preprocessing.zeroMeanUnitVariance();
			default:
				s.allowOnly(" for type none", List.of("type"));
				return Preprocessing.none();
			}
		}
		catch (final DescriptorException e) {
			throw e;
		}
		catch (final IllegalArgumentException e) { // the factories' range checks, already naming the field
			throw new DescriptorException(source + ": " + e.getMessage());
		}
	}

	private double[] pixelSize(final Object value) {
		if (value instanceof Number && !(value instanceof Boolean)) {
			final double d = positive("pixel_size", value);
			return new double[] { d, d };
		}
		if (value instanceof List && ((List<?>) value).size() == 2) {
			final List<?> xy = (List<?>) value;
			return new double[] { positive("pixel_size[0]", xy.get(0)), positive("pixel_size[1]", xy.get(1)) };
		}
		throw fail("pixel_size", "expected [x, y] in mm or one number, got " + describe(value));
	}

	private double positive(final String field, final Object value) {
		final double d = asNumber(field, value);
		if (d <= 0) throw fail(field, "expected a positive size in mm, got " + describe(value));
		return d;
	}

	/** {@code {radius, stride}} of a fully convolutional model, or {@code {global: true}} for one with global context. */
	private ReceptiveField receptiveField(final Section s) {
		s.allowOnly("", List.of("radius", "stride", "global"));
		if (!s.has("global")) return ReceptiveField.bounded(s.integer("radius", 0), s.integer("stride", 1));
		final Object global = s.get("global", "true");
		if (!Boolean.TRUE.equals(global))
			throw fail(s.field("global"), "expected true (for a bounded field leave global out and give radius and stride), got " + describe(global));
		for (final String key : new String[] { "radius", "stride" })
			if (s.has(key)) throw fail(s.field(key), "not used with global: true (a global field has no radius or stride)");
		return ReceptiveField.global("declared global in " + source.getFileName());
	}

	private Encoder encoder(final Section top, final String key) {
		final Section s = top.section(key, "a mapping {signature, input, output}");
		s.allowOnly("", List.of("signature", "input", "output"));
		return new Encoder(s.text("signature"), s.text("input"), s.text("output"));
	}

	private Tokenizer tokenizer(final Object value) {
		if ("none".equals(value)) return Tokenizer.NONE;
		if (!(value instanceof Map)) throw fail("tokenizer", "expected " + TOKENIZER + ", got " + describe(value));
		final Section s = new Section("tokenizer", (Map<?, ?>) value);
		s.allowOnly("", List.of("type", "vocab", "merges", "length"));
		s.choice("type", new String[] { "clip-bpe" });
		return Tokenizer.clipBpe(s.file("vocab"), s.file("merges"), s.integer("length", 1));
	}

	/** One mapping of the descriptor, with the field path of its keys. */
	private final class Section {

		private final String path;
		private final Map<?, ?> map;
		/** How a missing key is explained at the top level ("kind segmentation"); null: by what is expected. */
		String requiredFor;

		Section(final String path, final Map<?, ?> map) {
			this.path = path;
			this.map = map;
		}

		String field(final String key) {
			return path.isEmpty() ? key : path + "." + key;
		}

		boolean has(final String key) {
			return map.containsKey(key);
		}

		/** Every key must be text and one of {@code known}. */
		void allowOnly(final String context, final List<String> known) {
			for (final Object key : map.keySet()) {
				if (!(key instanceof String))
					throw fail(path, "expected keys that are text, got " + describe(key) + (path.isEmpty() ? " at the top level" : ""));
				if (!known.contains(key)) throw fail(field((String) key), "unknown key" + context + "; known keys: " + String.join(", ", known));
			}
		}

		/** The value, neither absent nor empty. */
		Object get(final String key, final String expected) {
			if (!map.containsKey(key))
				throw fail(field(key), "missing (" + (requiredFor != null ? "required for " + requiredFor : "expected " + expected) + ")");
			final Object value = map.get(key);
			if (value == null) throw fail(field(key), "expected " + expected + ", got nothing");
			return value;
		}

		String text(final String key) {
			return asText(field(key), get(key, "a text"));
		}

		double number(final String key) {
			return asNumber(field(key), get(key, "a number"));
		}

		int integer(final String key, final int min) {
			return asInteger(field(key), get(key, "an integer >= " + min), min);
		}

		<T> T choice(final String key, final T[] options) {
			return asChoice(field(key), get(key, oneOf(options)), options);
		}

		Section section(final String key, final String expected) {
			final Object value = get(key, expected);
			if (!(value instanceof Map)) throw fail(field(key), "expected " + expected + ", got " + describe(value));
			return new Section(field(key), (Map<?, ?>) value);
		}

		/** A non-empty list of non-empty texts. */
		List<String> texts(final String key, final String expected, final boolean unique) {
			final Object value = get(key, expected);
			if (!(value instanceof List) || ((List<?>) value).isEmpty())
				throw fail(field(key), "expected " + expected + ", got " + (value instanceof List ? "an empty list" : describe(value)));
			final List<String> texts = new ArrayList<>();
			for (final Object item : (List<?>) value) {
				final String field = field(key) + "[" + texts.size() + "]", t = asText(field, item);
				final int previous = texts.indexOf(t);
				if (unique && previous >= 0) throw fail(field, "duplicate name '" + t + "' (also " + field(key) + "[" + previous + "])");
				texts.add(t);
			}
			return texts;
		}

		/** A file beside the descriptor, which must exist. */
		Path file(final String key) {
			final Path file = ModelDescriptor.folderOf(source).resolve(text(key));
			if (!Files.isRegularFile(file)) throw fail(field(key), "file not found: " + file);
			return file;
		}
	}

	private String asText(final String field, final Object value) {
		if (value instanceof String && !((String) value).trim().isEmpty()) return (String) value;
		final boolean scalar = value instanceof Number || value instanceof Boolean || value instanceof java.util.Date;
		throw fail(field, "expected a text, got " + (value instanceof String ? "an empty text" : describe(value))
			+ (scalar ? " (write it in quotes to make it text)" : ""));
	}

	private double asNumber(final String field, final Object value) {
		if (value instanceof Number && Double.isFinite(((Number) value).doubleValue())) return ((Number) value).doubleValue();
		throw fail(field, "expected a finite number, got " + describe(value));
	}

	private int asInteger(final String field, final Object value, final int min) {
		if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
			final BigInteger b = new BigInteger(value.toString());
			if (b.bitLength() < 32 && b.intValue() >= min) return b.intValue();
		}
		throw fail(field, "expected an integer >= " + min + ", got " + describe(value));
	}

	private <T> T asChoice(final String field, final Object value, final T[] options) {
		for (final T option : options)
			if (option.toString().equals(value)) return option;
		throw fail(field, "expected " + oneOf(options) + ", got " + describe(value));
	}

	private static String oneOf(final Object[] options) {
		if (options.length == 1) return options[0].toString();
		final List<String> names = new ArrayList<>();
		for (final Object o : options)
			names.add(o.toString());
		return "one of " + String.join(", ", names);
	}

	/** A value for a message: scalars as written, collections by their kind (never expanded). */
	static String describe(final Object value) {
		if (value == null) return "nothing";
		if (value instanceof String) {
			final String s = oneLine((String) value);
			return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
		}
		if (value instanceof Number || value instanceof Boolean) return value.toString();
		if (value instanceof List) return "a list";
		if (value instanceof Map) return "a mapping";
		return "a " + value.getClass().getSimpleName();
	}

	private static String oneLine(final String s) {
		return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
	}

	/** The error, on one line even when the field path holds a key with line breaks (YAML keys may span lines). */
	private DescriptorException fail(final String field, final String problem) {
		return new DescriptorException(source + ": " + oneLine((field.isEmpty() ? "" : field + ": ") + problem));
	}
}
