package io.github.xaiclip.tf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;

/**
 * What a TensorFlow SavedModel declares: its meta graphs (tag sets), and per signature the inputs and outputs with
 * tensor names, dtypes and shapes. Immutable; made by {@link SavedModelInspector#inspect(Path)} without loading the
 * TensorFlow native library. The graphs themselves stay inside (package-private) for {@link OpSafety}.
 */
public final class SavedModelInfo {

	private final Path directory;
	private final Path file;
	private final long fileSize;
	private final List<MetaGraph> metaGraphs;

	SavedModelInfo(Path directory, Path file, long fileSize, List<MetaGraph> metaGraphs) {
		this.directory = directory;
		this.file = file;
		this.fileSize = fileSize;
		this.metaGraphs = Collections.unmodifiableList(new ArrayList<>(metaGraphs));
	}

	/** The SavedModel folder. */
	public Path directory() {
		return directory;
	}

	/** The file that was read: {@code saved_model.pb} (or {@code saved_model.pbtxt}). */
	public Path file() {
		return file;
	}

	/** All meta graphs, in file order. */
	public List<MetaGraph> metaGraphs() {
		return metaGraphs;
	}

	/**
	 * The meta graph whose tag set is exactly {@code tags} (as TensorFlow's loader matches them).
	 *
	 * @throws IllegalArgumentException (one line) naming the tag sets that exist, if none matches
	 */
	public MetaGraph metaGraph(Set<String> tags) {
		for (MetaGraph m : metaGraphs) {
			if (m.tagSet().equals(tags)) {
				return m;
			}
		}
		List<String> sets = new ArrayList<>();
		for (MetaGraph m : metaGraphs) {
			sets.add(m.tags().toString());
		}
		throw SavedModelInspector.userError(directory + ": no meta graph with tags " + new ArrayList<>(tags)
				+ "; the model has " + String.join(", ", sets));
	}

	/** Same as {@link #metaGraph(Set)}. */
	public MetaGraph metaGraph(String... tags) {
		return metaGraph(new LinkedHashSet<>(Arrays.asList(tags)));
	}

	/** A readable block of everything declared, for a user writing a model descriptor. */
	public String report() {
		StringBuilder sb = new StringBuilder();
		sb.append("SavedModel ").append(directory).append('\n');
		sb.append("  file ").append(file.getFileName()).append(", ").append(fileSize).append(" bytes, ")
				.append(metaGraphs.size()).append(metaGraphs.size() == 1 ? " meta graph" : " meta graphs")
				.append('\n');
		for (MetaGraph m : metaGraphs) {
			sb.append("meta graph with tags ").append(m.tags());
			if (!m.tensorflowVersion().isEmpty()) {
				sb.append(" (written by TensorFlow ").append(m.tensorflowVersion()).append(')');
			}
			sb.append(": ").append(m.signatures().size())
					.append(m.signatures().size() == 1 ? " signature" : " signatures").append('\n');
			for (SignatureInfo s : m.signatures().values()) {
				sb.append("  signature '").append(s.key()).append('\'');
				if (!s.methodName().isEmpty()) {
					sb.append(" (method ").append(s.methodName()).append(')');
				}
				sb.append('\n');
				int w = 1;
				for (TensorSpec t : s.inputs()) {
					w = Math.max(w, t.key().length());
				}
				for (TensorSpec t : s.outputs()) {
					w = Math.max(w, t.key().length());
				}
				appendTensors(sb, "input ", s.inputs(), w);
				appendTensors(sb, "output", s.outputs(), w);
			}
		}
		return sb.toString();
	}

	private static void appendTensors(StringBuilder sb, String kind, List<TensorSpec> tensors, int keyWidth) {
		if (tensors.isEmpty()) {
			sb.append("    ").append(kind).append("  (none)\n");
		}
		for (TensorSpec t : tensors) {
			sb.append("    ").append(kind).append("  ").append(pad(t.key(), keyWidth)).append("  ")
					.append(pad(t.dtype(), 8)).append("  ").append(pad(t.shapeString(), 18))
					.append("  tensor '").append(t.tensorName()).append('\'');
			if (!t.encoding().equals("dense")) {
				sb.append(" (").append(t.encoding()).append(')');
			}
			sb.append('\n');
		}
	}

	private static String pad(String s, int width) {
		StringBuilder b = new StringBuilder(s);
		while (b.length() < width) {
			b.append(' ');
		}
		return b.toString();
	}

	@Override
	public String toString() {
		return "SavedModelInfo[" + directory + ", " + metaGraphs.size() + " meta graphs]";
	}

	/** One meta graph: a tag set, its signatures and (package-private) the graph and function library. */
	public static final class MetaGraph {
		private final Path directory;
		private final List<String> tags;
		private final Set<String> tagSet;
		private final String tensorflowVersion;
		private final Map<String, SignatureInfo> signatures;
		private final MetaGraphDef proto;

		MetaGraph(Path directory, List<String> tags, String tensorflowVersion, List<SignatureInfo> signatures,
				MetaGraphDef proto) {
			this.directory = directory;
			this.tags = Collections.unmodifiableList(new ArrayList<>(tags));
			this.tagSet = Collections.unmodifiableSet(new LinkedHashSet<>(tags));
			this.tensorflowVersion = tensorflowVersion;
			Map<String, SignatureInfo> m = new TreeMap<>();
			for (SignatureInfo s : signatures) {
				m.put(s.key(), s);
			}
			this.signatures = Collections.unmodifiableMap(m);
			this.proto = proto;
		}

		/** The tags, as declared. */
		public List<String> tags() {
			return tags;
		}

		/** The tags as a set (what a loader matches). */
		public Set<String> tagSet() {
			return tagSet;
		}

		/** The TensorFlow version that wrote this meta graph, or "" if not recorded. */
		public String tensorflowVersion() {
			return tensorflowVersion;
		}

		/** The signatures by key, sorted by key. */
		public Map<String, SignatureInfo> signatures() {
			return signatures;
		}

		/**
		 * The signature with this key.
		 *
		 * @throws IllegalArgumentException (one line) listing the signatures that exist, if there is none
		 */
		public SignatureInfo signature(String key) {
			SignatureInfo s = signatures.get(key);
			if (s == null) {
				throw SavedModelInspector.userError(directory + ": no signature '" + key + "' in the meta graph "
						+ "with tags " + tags + "; signatures: "
						+ (signatures.isEmpty() ? "(none)" : String.join(", ", signatures.keySet())));
			}
			return s;
		}

		/** The whole meta graph proto (graph, function library, saver, collections). */
		MetaGraphDef proto() {
			return proto;
		}

		/** The graph with its function library. */
		GraphDef graphDef() {
			return proto.getGraphDef();
		}

		@Override
		public String toString() {
			return "MetaGraph" + tags + signatures.keySet();
		}
	}

	/** One signature: a named function of the model with named inputs and outputs. */
	public static final class SignatureInfo {
		private final String key;
		private final String methodName;
		private final List<TensorSpec> inputs;
		private final List<TensorSpec> outputs;

		SignatureInfo(String key, String methodName, List<TensorSpec> inputs, List<TensorSpec> outputs) {
			this.key = key;
			this.methodName = methodName;
			this.inputs = Collections.unmodifiableList(new ArrayList<>(inputs));
			this.outputs = Collections.unmodifiableList(new ArrayList<>(outputs));
		}

		/** The signature key, e.g. {@code serving_default}. */
		public String key() {
			return key;
		}

		/** The declared method name (may be ""). */
		public String methodName() {
			return methodName;
		}

		/** Inputs, sorted by key. */
		public List<TensorSpec> inputs() {
			return inputs;
		}

		/** Outputs, sorted by key. */
		public List<TensorSpec> outputs() {
			return outputs;
		}

		/** The input with this key, or null. */
		public TensorSpec input(String key) {
			return find(inputs, key);
		}

		/** The output with this key, or null. */
		public TensorSpec output(String key) {
			return find(outputs, key);
		}

		private static TensorSpec find(List<TensorSpec> list, String key) {
			for (TensorSpec t : list) {
				if (t.key().equals(key)) {
					return t;
				}
			}
			return null;
		}

		@Override
		public String toString() {
			return key + inputs + " -> " + outputs;
		}
	}

	/** One input or output of a signature. */
	public static final class TensorSpec {
		private final String key;
		private final String tensorName;
		private final String dtype;
		private final long[] shape;
		private final String encoding;

		TensorSpec(String key, String tensorName, String dtype, long[] shape, String encoding) {
			this.key = key;
			this.tensorName = tensorName;
			this.dtype = dtype;
			this.shape = shape == null ? null : shape.clone();
			this.encoding = encoding;
		}

		/** The key callers use, e.g. {@code image}. */
		public String key() {
			return key;
		}

		/** The graph tensor, e.g. {@code image:0} (for sparse tensors: the values tensor). */
		public String tensorName() {
			return tensorName;
		}

		/** The element type, e.g. {@code float32}, {@code int64}, {@code string}. */
		public String dtype() {
			return dtype;
		}

		/** Whether the number of dimensions is known. */
		public boolean hasKnownRank() {
			return shape != null;
		}

		/** The dimensions, -1 where unknown; null when even the rank is unknown. A copy. */
		public long[] shape() {
			return shape == null ? null : shape.clone();
		}

		/** The shape as {@code [-1, 128, 128, 1]}, {@code []} for a scalar, or {@code unknown rank}. */
		public String shapeString() {
			return shape == null ? "unknown rank" : Arrays.toString(shape);
		}

		/** {@code dense}, {@code sparse} (COO) or {@code composite}. */
		public String encoding() {
			return encoding;
		}

		@Override
		public String toString() {
			return key + " " + dtype + " " + shapeString() + " '" + tensorName + "'";
		}
	}
}
