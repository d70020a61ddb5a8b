package io.github.xaiclip.tf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.github.xaiclip.model.InputSpec;
import io.github.xaiclip.model.ModelDescriptor;
import io.github.xaiclip.model.ModelDescriptor.Axes;
import io.github.xaiclip.tf.SavedModelInfo.MetaGraph;
import io.github.xaiclip.tf.SavedModelInfo.SignatureInfo;
import io.github.xaiclip.tf.SavedModelInfo.TensorSpec;

/**
 * Every disagreement between a model descriptor and what its SavedModel declares, one line each, naming the
 * descriptor file and field: so that a model that does not fit is refused before it runs, with the exact mismatch.
 */
final class DescriptorCheck {

	private DescriptorCheck() {}

	static List<String> problems(final ModelDescriptor d, final SavedModelInfo info) {
		final List<String> out = new ArrayList<>();
		final String file = d.source().toString();
		final MetaGraph mg;
		try {
			mg = info.metaGraph(d.tags().toArray(new String[0]));
		}
		catch (final IllegalArgumentException e) {
			out.add(file + ": tags: " + e.getMessage().substring(e.getMessage().indexOf(": ") + 2));
			return out;
		}
		if (d instanceof ModelDescriptor.Segmentation) {
			final ModelDescriptor.Segmentation s = (ModelDescriptor.Segmentation) d;
			final SignatureInfo sig = signature(mg, s.signature(), file, "signature", out);
			if (sig == null) return out;
			final TensorSpec in = tensor(sig, s.input().name(), true, file, "input.name", out);
			if (in != null) image(in, "float32", s.input().axes(), s.input().spec(), file, "input", out);
			final TensorSpec o = tensor(sig, s.output().name(), false, file, "output.name", out);
			if (o != null) {
				dtype(o, "float32", file, "output", out);
				rank(o, 4, file, "output", out);
				final int ch = s.output().axes() == Axes.BYXC ? 3 : 1;
				if (o.hasKnownRank() && o.shape().length == 4 && o.shape()[ch] >= 0 && o.shape()[ch] != s.classes().size())
					out.add(file + ": classes: " + s.classes().size() + " names, but output '" + o.key() + "' has " + o.shape()[ch] + " channels " + o.shapeString()
						+ " (axes " + s.output().axes() + ")");
			}
		}
		else {
			final ModelDescriptor.VisionLanguage v = (ModelDescriptor.VisionLanguage) d;
			final SignatureInfo image = signature(mg, v.image().signature(), file, "image.signature", out);
			if (image != null) {
				final TensorSpec in = tensor(image, v.image().input(), true, file, "image.input", out);
				if (in != null) image(in, "float32", v.input().axes(), v.input().spec(), file, "input", out);
				final TensorSpec o = tensor(image, v.image().output(), false, file, "image.output", out);
				if (o != null) {
					dtype(o, "float32", file, "image.output", out);
					rank(o, 4, file, "image.output", out);
				}
			}
			final SignatureInfo text = signature(mg, v.text().signature(), file, "text.signature", out);
			if (text != null) {
				final TensorSpec in = tensor(text, v.text().input(), true, file, "text.input", out);
				if (in != null) {
					dtype(in, v.tokenizer().isNone() ? "string" : "int32", file, "text.input", out);
					rank(in, v.tokenizer().isNone() ? 1 : 2, file, "text.input", out);
				}
				final TensorSpec o = tensor(text, v.text().output(), false, file, "text.output", out);
				if (o != null) {
					dtype(o, "float32", file, "text.output", out);
					rank(o, 2, file, "text.output", out);
				}
			}
		}
		return out;
	}

	private static SignatureInfo signature(final MetaGraph mg, final String key, final String file, final String field, final List<String> out) {
		try {
			return mg.signature(key);
		}
		catch (final IllegalArgumentException e) {
			out.add(file + ": " + field + ": '" + key + "' is not in the SavedModel; it has " + String.join(", ", mg.signatures().keySet()));
			return null;
		}
	}

	private static TensorSpec tensor(final SignatureInfo sig, final String key, final boolean input, final String file, final String field,
		final List<String> out)
	{
		final TensorSpec t = input ? sig.input(key) : sig.output(key);
		if (t == null) {
			final List<String> keys = new ArrayList<>();
			for (final TensorSpec s : input ? sig.inputs() : sig.outputs())
				keys.add(s.key());
			out.add(file + ": " + field + ": signature '" + sig.key() + "' has no " + (input ? "input" : "output") + " '" + key + "'; its "
				+ (input ? "inputs" : "outputs") + " are " + keys);
		}
		return t;
	}

	private static void image(final TensorSpec t, final String dtype, final Axes axes, final InputSpec spec, final String file, final String field,
		final List<String> out)
	{
		dtype(t, dtype, file, field, out);
		if (!rank(t, 4, file, field, out) || !t.hasKnownRank()) return;
		final long[] s = t.shape();
		final int c = axes == Axes.BYXC ? 3 : 1, y = axes == Axes.BYXC ? 1 : 2, x = axes == Axes.BYXC ? 2 : 3;
		if (s[c] >= 0 && s[c] != spec.channels())
			out.add(file + ": " + field + ".channels: " + spec.channels() + ", but input '" + t.key() + "' has shape " + t.shapeString() + " (axes " + axes
				+ ": " + s[c] + " channel(s))");
		if (spec.isFixed()) {
			if (s[x] >= 0 && s[x] != spec.fixedWidth() || s[y] >= 0 && s[y] != spec.fixedHeight())
				out.add(file + ": " + field + ".size: " + spec.fixedWidth() + "x" + spec.fixedHeight() + ", but input '" + t.key() + "' has shape "
					+ t.shapeString() + " (axes " + axes + ")");
		}
		else if (s[x] >= 0 || s[y] >= 0)
			out.add(file + ": " + field + ".size: a variable size (multiple_of " + spec.multipleOf() + "), but input '" + t.key() + "' is fixed at "
				+ t.shapeString() + " (axes " + axes + "); declare size: [" + s[x] + ", " + s[y] + "]");
	}

	private static void dtype(final TensorSpec t, final String dtype, final String file, final String field, final List<String> out) {
		if (!t.dtype().equals(dtype)) out.add(file + ": " + field + ": tensor '" + t.key() + "' is " + t.dtype() + ", expected " + dtype);
	}

	private static boolean rank(final TensorSpec t, final int rank, final String file, final String field, final List<String> out) {
		if (t.hasKnownRank() && t.shape().length != rank) {
			out.add(file + ": " + field + ": tensor '" + t.key() + "' has rank " + t.shape().length + " " + Arrays.toString(t.shape()) + ", expected "
				+ rank);
			return false;
		}
		return true;
	}
}
