package io.github.xaiclip.tf;

import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;

import io.github.xaiclip.model.ClipBpeTokenizer;
import io.github.xaiclip.model.InputSpec;
import io.github.xaiclip.model.ModelDescriptor;
import io.github.xaiclip.model.VisionLanguageModel;

/**
 * A CLIP-like vision-language model in a SavedModel with two signatures: an image encoder
 * ({@code [b, h, w, c] -> [b, gh, gw, d]} patch embeddings) and a text encoder taking a string tensor
 * ({@code [n] -> [n, d]}) that tokenizes inside the graph, or token ids ({@code [n, length] -> [n, d]}) made by
 * the CLIP byte-pair-encoding tokenizer the descriptor names. Thread-safe.
 */
final class TfVisionLanguageModel implements VisionLanguageModel {

	private final SavedModelBundle bundle;
	private final ModelDescriptor.VisionLanguage d;
	private final SessionFunction image, text;
	private final boolean channelsFirst;
	private final Runnable onClose;
	/** For text encoders that take token ids; null when the encoder takes strings. */
	private final ClipBpeTokenizer tokenizer;

	TfVisionLanguageModel(final SavedModelBundle bundle, final ModelDescriptor.VisionLanguage d, final Runnable onClose) {
		this.tokenizer = d.tokenizer().isNone() ? null : ClipBpeTokenizer.read(d.tokenizer());
		this.bundle = bundle;
		this.d = d;
		this.image = bundle.function(d.image().signature());
		this.text = bundle.function(d.text().signature());
		this.channelsFirst = d.input().axes() == ModelDescriptor.Axes.BCYX;
		this.onClose = onClose;
	}

	@Override
	public InputSpec inputSpec() {
		return d.input().spec();
	}

	@Override
	public List<String> promptTemplates() {
		return d.promptTemplates();
	}

	@Override
	public PatchEmbeddings encodeImages(final float[] input, final int batch, final int height, final int width) {
		final int c = inputSpec().channels();
		final float[] fed = channelsFirst ? Layouts.toChannelsFirst(input, 0, batch, height, width, c) : input;
		final Shape shape = channelsFirst ? Shape.of(batch, c, height, width) : Shape.of(batch, height, width, c);
		try (TFloat32 in = TFloat32.tensorOf(shape, DataBuffers.of(fed, true, false).slice(0, batch * height * width * c));
			Result r = image.call(Collections.singletonMap(d.image().input(), in)))
		{
			final TFloat32 out = floats(r, d.image().output(), 4);
			final long[] s = out.shape().asArray();
			if (s[0] != batch) throw new IllegalStateException(d.folder() + ": image encoder gave " + s[0] + " embeddings for " + batch + " images");
			final float[] values = new float[(int) out.shape().size()];
			out.copyTo(DataBuffers.of(values, false, false));
			return new PatchEmbeddings(batch, (int) s[1], (int) s[2], (int) s[3], values);
		}
	}

	@Override
	public float[][] encodeTexts(final List<String> texts) {
		try (Tensor in = textTensor(texts); Result r = text.call(Collections.singletonMap(d.text().input(), in))) {
			final TFloat32 out = floats(r, d.text().output(), 2);
			final long[] s = out.shape().asArray();
			if (s[0] != texts.size()) throw new IllegalStateException(d.folder() + ": text encoder gave " + s[0] + " embeddings for " + texts.size() + " texts");
			final float[] values = new float[(int) out.shape().size()];
			out.copyTo(DataBuffers.of(values, false, false));
			final float[][] e = new float[texts.size()][(int) s[1]];
			for (int i = 0; i < e.length; i++)
				System.arraycopy(values, i * e[i].length, e[i], 0, e[i].length);
			return e;
		}
	}

	/** The texts as strings, or as token ids {@code [n, length]} for a tokenizer. */
	private Tensor textTensor(final List<String> texts) {
		if (tokenizer == null) return TString.vectorOf(texts.toArray(new String[0]));
		final int[][] ids = tokenizer.encodeBatch(texts);
		final int[] flat = new int[ids.length * tokenizer.length()];
		for (int i = 0; i < ids.length; i++)
			System.arraycopy(ids[i], 0, flat, i * tokenizer.length(), tokenizer.length());
		return TInt32.tensorOf(Shape.of(ids.length, tokenizer.length()), DataBuffers.of(flat, true, false));
	}

	private TFloat32 floats(final Result r, final String key, final int rank) {
		final Optional<Tensor> t = r.get(key);
		if (!t.isPresent()) throw new IllegalStateException(d.folder() + ": the signature gave no output '" + key + "'; it has " + r.keySet());
		if (!(t.get() instanceof TFloat32) || t.get().shape().numDimensions() != rank)
			throw new IllegalStateException(d.folder() + ": output '" + key + "' is " + t.get().dataType() + " " + t.get().shape() + ", expected float32 of rank "
				+ rank);
		return (TFloat32) t.get();
	}

	@Override
	public void close() {
		onClose.run();
	}
}
