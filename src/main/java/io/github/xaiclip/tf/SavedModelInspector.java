package io.github.xaiclip.tf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;

import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Reads what a TensorFlow SavedModel declares (meta graphs, tags, signatures with their tensors' names, dtypes and
 * shapes) from its {@code saved_model.pb} — pure protobuf parsing, the TensorFlow native library is never loaded.
 * Every refusal is an {@link IllegalArgumentException} with a one-line message that starts with the path.
 */
public final class SavedModelInspector {

	/** The SavedModel protobuf file name. */
	public static final String SAVED_MODEL_PB = "saved_model.pb";
	/** The text-format variant TensorFlow also loads when there is no {@value #SAVED_MODEL_PB}. */
	public static final String SAVED_MODEL_PBTXT = "saved_model.pbtxt";
	/** Largest file read: protobuf messages (and TensorFlow's own SavedModel reader) stop at 2 GiB. */
	public static final long MAX_BYTES = Integer.MAX_VALUE;

	private SavedModelInspector() {
	}

	/**
	 * Inspects a SavedModel.
	 *
	 * @param path the SavedModel folder, or its {@code saved_model.pb} file
	 * @return what the model declares
	 * @throws IllegalArgumentException (one line) if there is no readable SavedModel there
	 */
	public static SavedModelInfo inspect(Path path) {
		Path dir = path;
		Path file;
		if (Files.isRegularFile(path)) {
			file = path;
			dir = path.toAbsolutePath().getParent();
		} else if (!Files.isDirectory(path)) {
			throw new IllegalArgumentException(path + ": no such folder (expected a TensorFlow SavedModel folder)");
		} else {
			file = path.resolve(SAVED_MODEL_PB);
			if (!Files.exists(file) && Files.exists(path.resolve(SAVED_MODEL_PBTXT))) {
				file = path.resolve(SAVED_MODEL_PBTXT);
			}
			if (!Files.exists(file)) {
				throw new IllegalArgumentException(
						path + ": missing " + SAVED_MODEL_PB + " (expected a TensorFlow SavedModel folder)");
			}
			if (!Files.isRegularFile(file)) {
				throw new IllegalArgumentException(file + ": not a regular file (expected a SavedModel protobuf)");
			}
		}
		long size;
		try {
			size = Files.size(file);
		} catch (IOException e) {
			throw new IllegalArgumentException(file + ": cannot read (" + describe(e) + ")");
		}
		if (size > MAX_BYTES) {
			throw new IllegalArgumentException(file + ": " + size + " bytes is over the 2 GiB protobuf limit ("
					+ MAX_BYTES + " bytes); not a readable SavedModel");
		}
		if (size == 0) {
			throw new IllegalArgumentException(file + ": not a readable SavedModel (empty file)");
		}
		return fromProto(dir, file, size, read(file));
	}

	private static SavedModel read(Path file) {
		boolean text = file.getFileName().toString().endsWith(".pbtxt");
		try {
			if (text) {
				SavedModel.Builder b = SavedModel.newBuilder();
				TextFormat.merge(new String(Files.readAllBytes(file), StandardCharsets.UTF_8), b);
				return b.build();
			}
			try (InputStream in = Files.newInputStream(file)) {
				return SavedModel.parseFrom(in);
			}
		} catch (InvalidProtocolBufferException | TextFormat.ParseException e) {
			String why = describe(e);
			int end = why.indexOf(". ");
			throw notReadable(file, (text ? "bad text format: " : "corrupt or truncated protobuf: ")
					+ (end > 0 ? why.substring(0, end) : why));
		} catch (NoSuchFileException e) {
			throw new IllegalArgumentException(file + ": cannot read (no such file)");
		} catch (IOException e) {
			throw new IllegalArgumentException(file + ": cannot read (" + describe(e) + ")");
		} catch (RuntimeException e) {
			throw notReadable(file, describe(e));
		} catch (OutOfMemoryError e) {
			throw new IllegalArgumentException(
					file + ": not enough Java heap to read it; give Java more memory (-Xmx)");
		} catch (StackOverflowError e) {
			// protobuf-java parses nested messages recursively: its text parser has no depth limit, and its binary
			// parser none for groups inside map entries (CVE-2024-7254, fixed in 3.25.5); the stack is unwound
			// here and nothing but the discarded builder saw the input
			throw notReadable(file, "messages nested too deeply to parse");
		}
	}

	/** Turns a parsed SavedModel proto into the info; checks that it looks like a SavedModel at all. */
	static SavedModelInfo fromProto(Path dir, Path file, long size, SavedModel proto) {
		if (proto.getMetaGraphsCount() == 0) {
			throw notReadable(file, "no meta graphs");
		}
		List<SavedModelInfo.MetaGraph> metaGraphs = new ArrayList<>();
		for (int i = 0; i < proto.getMetaGraphsCount(); i++) {
			MetaGraphDef m = proto.getMetaGraphs(i);
			if (!m.hasGraphDef()) {
				throw notReadable(file, "meta graph " + (i + 1) + " has no graph");
			}
			List<SavedModelInfo.SignatureInfo> signatures = new ArrayList<>();
			for (Map.Entry<String, SignatureDef> s : m.getSignatureDefMap().entrySet()) {
				signatures.add(new SavedModelInfo.SignatureInfo(s.getKey(), s.getValue().getMethodName(),
						tensors(s.getValue().getInputsMap()), tensors(s.getValue().getOutputsMap())));
			}
			metaGraphs.add(new SavedModelInfo.MetaGraph(dir, m.getMetaInfoDef().getTagsList(),
					m.getMetaInfoDef().getTensorflowVersion(), signatures, m));
		}
		return new SavedModelInfo(dir, file, size, metaGraphs);
	}

	private static List<SavedModelInfo.TensorSpec> tensors(Map<String, TensorInfo> map) {
		List<SavedModelInfo.TensorSpec> list = new ArrayList<>();
		for (Map.Entry<String, TensorInfo> e : new TreeMap<>(map).entrySet()) {
			TensorInfo t = e.getValue();
			String encoding;
			switch (t.getEncodingCase()) {
				case COO_SPARSE:
					encoding = "sparse";
					break;
				case COMPOSITE_TENSOR:
					encoding = "composite";
					break;
				default:
					encoding = "dense";
			}
			List<String> names = tensorNames(t);
			list.add(new SavedModelInfo.TensorSpec(e.getKey(), names.isEmpty() ? "" : names.get(0),
					dtypeName(t.getDtypeValue()), shape(t), encoding));
		}
		return list;
	}

	/** All graph tensors behind a signature tensor (one for dense, three for sparse, the components of composites). */
	static List<String> tensorNames(TensorInfo t) {
		List<String> names = new ArrayList<>();
		switch (t.getEncodingCase()) {
			case NAME:
				names.add(t.getName());
				break;
			case COO_SPARSE:
				names.add(t.getCooSparse().getValuesTensorName());
				names.add(t.getCooSparse().getIndicesTensorName());
				names.add(t.getCooSparse().getDenseShapeTensorName());
				break;
			case COMPOSITE_TENSOR:
				for (TensorInfo c : t.getCompositeTensor().getComponentsList()) {
					names.addAll(tensorNames(c));
				}
				break;
			default:
		}
		names.removeIf(String::isEmpty);
		return names;
	}

	private static long[] shape(TensorInfo t) {
		if (!t.hasTensorShape() || t.getTensorShape().getUnknownRank()) {
			return null;
		}
		TensorShapeProto s = t.getTensorShape();
		long[] dims = new long[s.getDimCount()];
		for (int i = 0; i < dims.length; i++) {
			dims[i] = Math.max(-1, s.getDim(i).getSize());
		}
		return dims;
	}

	/** TensorFlow's dtype number as users know it: float32, float64, float16, int64, string, bool, ... */
	static String dtypeName(int value) {
		DataType d = DataType.forNumber(value);
		if (d == null) {
			return "unknown dtype " + value;
		}
		if (d == DataType.DT_INVALID) {
			return "invalid";
		}
		String n = d.name().substring(3).toLowerCase(Locale.ROOT);
		String ref = "";
		if (n.endsWith("_ref")) {
			ref = "_ref";
			n = n.substring(0, n.length() - 4);
		}
		switch (n) {
			case "float":
				n = "float32";
				break;
			case "double":
				n = "float64";
				break;
			case "half":
				n = "float16";
				break;
			default:
		}
		return n + ref;
	}

	/**
	 * A user error naming things the model file names (signatures, tags, nodes, ops): those are arbitrary strings,
	 * so line breaks and other control characters in them are written as escapes, keeping the message on one line.
	 */
	static IllegalArgumentException userError(String message) {
		StringBuilder sb = new StringBuilder(message.length());
		for (int i = 0; i < message.length(); i++) {
			char c = message.charAt(i);
			if (c == '\n') {
				sb.append("\\n");
			} else if (c == '\r') {
				sb.append("\\r");
			} else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
				sb.append(String.format("\\u%04x", (int) c));
			} else {
				sb.append(c);
			}
		}
		return new IllegalArgumentException(sb.toString());
	}

	private static IllegalArgumentException notReadable(Path file, String why) {
		return new IllegalArgumentException(file + ": not a readable SavedModel (" + why + ")");
	}

	static String describe(Throwable e) {
		String m = e.getMessage();
		String s = m == null || m.isEmpty() ? e.getClass().getSimpleName() : m;
		s = s.replaceAll("\\s+", " ").trim();
		return s.length() > 200 ? s.substring(0, 200) + "..." : s;
	}
}
