package io.github.xaiclip.model;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;

/**
 * The model contract: {@value #FILE_NAME} beside a TensorFlow SavedModel, saying how to feed the model and read its
 * answer (see DESIGN.md, "The model contract"). Read with {@link #read(Path)}; the result is a {@link Segmentation}
 * or a {@link VisionLanguage} descriptor, both immutable.
 * <p>
 * Keys common to both kinds: {@code kind}, {@code format} (only {@code tensorflow-saved-model}), {@code tags}
 * (default {@code [serve]}), {@code input}, {@code preprocessing}, and the optional {@code pixel_size} and
 * {@code receptive_field}. Only the defaults named here exist: every other key is required, unknown keys are
 * errors (a typo must not pass silently), and every error is a one-line {@link DescriptorException} naming the
 * file, the field and what was expected.
 */
public abstract class ModelDescriptor {

	/** The descriptor's file name in a model folder. */
	public static final String FILE_NAME = "xai-clip.yaml";

	/** What the model does. */
	public enum Kind {
		SEGMENTATION("segmentation"), VISION_LANGUAGE("vision-language");

		private final String yaml;

		Kind(final String yaml) {
			this.yaml = yaml;
		}

		@Override
		public String toString() {
			return yaml;
		}
	}

	/** Tensor layouts: batch, then rows, columns and channels in either order. */
	public enum Axes {
		BYXC, BCYX;

		@Override
		public String toString() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	/** What a segmentation model's output still needs to become probabilities. */
	public enum Activation {
		NONE, SIGMOID, SOFTMAX;

		@Override
		public String toString() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	private final Path source;
	private final String format;
	private final List<String> tags;
	private final Input input;
	private final Preprocessing preprocessing;
	private final double[] pixelSize;
	private final ReceptiveField receptiveField;

	ModelDescriptor(final Path source, final String format, final List<String> tags, final Input input, final Preprocessing preprocessing,
		final double[] pixelSize, final ReceptiveField receptiveField) {
		this.source = source;
		this.format = format;
		this.tags = List.copyOf(tags);
		this.input = input;
		this.preprocessing = preprocessing;
		this.pixelSize = pixelSize == null ? null : pixelSize.clone();
		this.receptiveField = receptiveField;
	}

	/**
	 * Reads {@code modelDir/xai-clip.yaml}.
	 *
	 * @throws DescriptorException when the folder or the file is missing, unreadable or not a valid descriptor
	 */
	public static ModelDescriptor read(final Path modelDir) {
		return DescriptorParser.read(modelDir);
	}

	/**
	 * Parses descriptor text. {@code source} is the file the text came from: messages name it, and files the
	 * descriptor refers to (a tokenizer's vocabulary) are looked up beside it.
	 *
	 * @throws DescriptorException when the text is not a valid descriptor
	 */
	public static ModelDescriptor parse(final String yaml, final Path source) {
		return DescriptorParser.parse(yaml, source);
	}

	public abstract Kind kind();

	/** The descriptor file, as given. */
	public Path source() {
		return source;
	}

	/** The model folder: the folder holding the descriptor (and the SavedModel). */
	public Path folder() {
		return folderOf(source);
	}

	static Path folderOf(final Path descriptorFile) {
		final Path parent = descriptorFile.getParent();
		return parent == null ? Paths.get("") : parent;
	}

	/** Always {@code tensorflow-saved-model} for now. */
	public String format() {
		return format;
	}

	/** The SavedModel tags to load. */
	public List<String> tags() {
		return tags;
	}

	public Input input() {
		return input;
	}

	/** The channels and image sizes the model accepts. */
	public InputSpec toInputSpec() {
		return input.spec();
	}

	public Preprocessing preprocessing() {
		return preprocessing;
	}

	/** The pixel size the model was trained at, {@code {x, y}} in mm (a copy), or null when the descriptor names none. */
	public double[] pixelSize() {
		return pixelSize == null ? null : pixelSize.clone();
	}

	/**
	 * The model's receptive field ({@code receptive_field: {radius, stride}} or {@code {global: true}}), or null when
	 * the descriptor names none.
	 */
	public ReceptiveField receptiveField() {
		return receptiveField;
	}

	/** This descriptor as a segmentation one, or an error naming the file and the kind it has. */
	public Segmentation asSegmentation() {
		if (this instanceof Segmentation) return (Segmentation) this;
		throw new DescriptorException(source + ": kind: expected segmentation, got " + kind());
	}

	/** This descriptor as a vision-language one, or an error naming the file and the kind it has. */
	public VisionLanguage asVisionLanguage() {
		if (this instanceof VisionLanguage) return (VisionLanguage) this;
		throw new DescriptorException(source + ": kind: expected vision-language, got " + kind());
	}

	@Override
	public String toString() {
		return kind() + " model described by " + source;
	}

	/**
	 * A segmentation model: {@code signature} (default {@code serving_default}), {@code output} and {@code classes},
	 * the class names in the order of the output channels.
	 */
	public static final class Segmentation extends ModelDescriptor {

		private final String signature;
		private final Output output;
		private final List<String> classes;

		Segmentation(final Path source, final String format, final List<String> tags, final Input input, final Preprocessing preprocessing,
			final double[] pixelSize, final ReceptiveField receptiveField, final String signature, final Output output, final List<String> classes) {
			super(source, format, tags, input, preprocessing, pixelSize, receptiveField);
			this.signature = signature;
			this.output = output;
			this.classes = List.copyOf(classes);
		}

		@Override
		public Kind kind() {
			return Kind.SEGMENTATION;
		}

		public String signature() {
			return signature;
		}

		public Output output() {
			return output;
		}

		/** Class names in the order of the output channels; unique, at least one. */
		public List<String> classes() {
			return classes;
		}
	}

	/**
	 * A CLIP-like model: an image encoder giving patch embeddings {@code [b, gh, gw, d]} and a text encoder giving
	 * {@code [b, d]}, each its own signature; a {@code tokenizer} (none: the text signature takes strings) and
	 * {@code prompt_templates} (default {@code ["{}"]}), each with one {@code {}} where the prompt goes.
	 */
	public static final class VisionLanguage extends ModelDescriptor {

		private final Encoder image;
		private final Encoder text;
		private final Tokenizer tokenizer;
		private final List<String> promptTemplates;

		VisionLanguage(final Path source, final String format, final List<String> tags, final Input input, final Preprocessing preprocessing,
			final double[] pixelSize, final ReceptiveField receptiveField, final Encoder image, final Encoder text, final Tokenizer tokenizer,
			final List<String> promptTemplates) {
			super(source, format, tags, input, preprocessing, pixelSize, receptiveField);
			this.image = image;
			this.text = text;
			this.tokenizer = tokenizer;
			this.promptTemplates = List.copyOf(promptTemplates);
		}

		@Override
		public Kind kind() {
			return Kind.VISION_LANGUAGE;
		}

		public Encoder image() {
			return image;
		}

		public Encoder text() {
			return text;
		}

		public Tokenizer tokenizer() {
			return tokenizer;
		}

		public List<String> promptTemplates() {
			return promptTemplates;
		}
	}

	/**
	 * {@code input}: the image tensor's name (segmentation only; a vision-language model names it in
	 * {@code image.input}), its axes, and the accepted sizes and channels.
	 */
	public static final class Input {

		private final String name;
		private final Axes axes;
		private final InputSpec spec;

		Input(final String name, final Axes axes, final InputSpec spec) {
			this.name = name;
			this.axes = axes;
			this.spec = spec;
		}

		/** The input tensor's name, or null for a vision-language descriptor. */
		public String name() {
			return name;
		}

		public Axes axes() {
			return axes;
		}

		public InputSpec spec() {
			return spec;
		}
	}

	/** {@code output} of a segmentation model: tensor name, axes, and the activation still to apply. */
	public static final class Output {

		private final String name;
		private final Axes axes;
		private final Activation activation;

		Output(final String name, final Axes axes, final Activation activation) {
			this.name = name;
			this.axes = axes;
			this.activation = activation;
		}

		public String name() {
			return name;
		}

		public Axes axes() {
			return axes;
		}

		public Activation activation() {
			return activation;
		}
	}

	/** One encoder of a vision-language model: its signature and the names of its input and output tensors. */
	public static final class Encoder {

		private final String signature;
		private final String input;
		private final String output;

		Encoder(final String signature, final String input, final String output) {
			this.signature = signature;
			this.input = input;
			this.output = output;
		}

		public String signature() {
			return signature;
		}

		public String input() {
			return input;
		}

		public String output() {
			return output;
		}
	}

	/** {@code tokenizer}: none, or CLIP's byte-pair encoding with its files (resolved against the model folder). */
	public static final class Tokenizer {

		/** No tokenizer: the text signature takes strings. */
		public static final Tokenizer NONE = new Tokenizer("none", null, null, 0);

		private final String type;
		private final Path vocab;
		private final Path merges;
		private final int length;

		private Tokenizer(final String type, final Path vocab, final Path merges, final int length) {
			this.type = type;
			this.vocab = vocab;
			this.merges = merges;
			this.length = length;
		}

		static Tokenizer clipBpe(final Path vocab, final Path merges, final int length) {
			return new Tokenizer("clip-bpe", vocab, merges, length);
		}

		/** {@code none} or {@code clip-bpe}. */
		public String type() {
			return type;
		}

		public boolean isNone() {
			return vocab == null;
		}

		/** The vocabulary file, or null for none. */
		public Path vocab() {
			return vocab;
		}

		/** The merges file, or null for none. */
		public Path merges() {
			return merges;
		}

		/** Tokens per text (padded or truncated), or 0 for none. */
		public int length() {
			return length;
		}
	}
}
