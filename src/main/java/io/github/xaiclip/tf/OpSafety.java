package io.github.xaiclip.tf;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NameAttrList;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * Decides whether running a SavedModel signature can only compute — no files, network, processes, Python or custom
 * kernels. Walks, without loading TensorFlow, every op that running the signature may execute and checks it against
 * an allow-list of pure math / NN / image / array / string / variable / control-flow ops:
 * <ul>
 * <li>in the top-level graph: the nodes reachable backwards from the signature's output tensors, through data and
 * control ({@code ^name}) inputs (a session run prunes everything else);</li>
 * <li>every function reached — a node whose op is a library function, or a function-valued attr such as {@code f} of
 * (Stateful)PartitionedCall, the branches of If/Case, cond/body of While — with its whole body, because TensorFlow
 * runs a function's stateful ops even when no output depends on them;</li>
 * <li>what the loader runs before any signature: the saver's restore op (where checkpoint reads are allowed) and the
 * init op ({@code __saved_model_init_op}, {@code saved_model_main_op}, {@code legacy_init_op}).</li>
 * </ul>
 * Everything not allowed — ReadFile, WriteFile, MatchingFiles, Save/Restore outside the restore op, PyFunc, Print,
 * summaries, datasets, unknown or custom ops — is reported as a {@link Finding}.
 */
public final class OpSafety {

	/** The signature TensorFlow's loader treats as the init op. */
	static final String INIT_OP_SIGNATURE = "__saved_model_init_op";

	private static final Set<String> ALLOWED = words(
			// graph structure, functions, control flow (TF1 and TF2 style)
			"Const Placeholder PlaceholderWithDefault PlaceholderV2 Identity IdentityN NoOp StopGradient "
					+ "PreventGradient Snapshot EnsureShape CheckNumerics CheckNumericsV2 Assert OptionalNone "
					+ "PartitionedCall StatefulPartitionedCall If StatelessIf While StatelessWhile Case StatelessCase "
					+ "Switch Merge Enter Exit NextIteration LoopCond RefSwitch RefMerge RefEnter RefExit "
					+ "RefNextIteration RefIdentity ControlTrigger _Arg _Retval "
					// variables and lookup tables (state inside the process only)
					+ "Variable VariableV2 VarHandleOp ReadVariableOp VarIsInitializedOp IsVariableInitialized "
					+ "Assign AssignAdd AssignSub AssignVariableOp AssignAddVariableOp AssignSubVariableOp "
					+ "ResourceGather ResourceGatherNd VariableShape DestroyResourceOp DisableCopyOnRead "
					+ "HashTable HashTableV2 MutableHashTableV2 MutableHashTableOfTensorsV2 MutableDenseHashTableV2 "
					+ "LookupTableFindV2 LookupTableSizeV2 LookupTableImportV2 LookupTableInsertV2 "
					+ "LookupTableExportV2 InitializeTableV2 "
					// elementwise math, comparisons, casts
					+ "Add AddV2 AddN Sub Mul MulNoNan Div DivNoNan RealDiv FloorDiv FloorMod TruncateDiv "
					+ "TruncateMod Mod Maximum Minimum Pow SquaredDifference Neg Abs Sign Reciprocal Inv Square "
					+ "Sqrt Rsqrt Exp Expm1 Log Log1p Sin Cos Tan Asin Acos Atan Atan2 Sinh Cosh Tanh Asinh Acosh "
					+ "Atanh Erf Erfc Erfinv Ndtri Lgamma Digamma Igamma Igammac Betainc Floor Ceil Round Rint "
					+ "IsNan IsInf IsFinite Xlogy Xdivy Xlog1py Cast Bitcast ClipByValue Equal NotEqual Less "
					+ "LessEqual Greater GreaterEqual ApproximateEqual LogicalAnd LogicalOr LogicalNot Select "
					+ "SelectV2 BitwiseAnd BitwiseOr BitwiseXor Invert LeftShift RightShift Complex Real Imag "
					+ "Angle Conj ComplexAbs "
					// reductions, scans, linear algebra
					+ "Sum Mean Max Min Prod All Any ArgMax ArgMin Cumsum Cumprod CumulativeLogsumexp "
					+ "EuclideanNorm MatMul BatchMatMul BatchMatMulV2 BatchMatMulV3 Einsum Cholesky MatrixInverse "
					+ "MatrixDeterminant LogMatrixDeterminant MatrixTriangularSolve MatrixSolve Qr Svd "
					+ "SelfAdjointEigV2 MatrixDiag MatrixDiagV2 MatrixDiagV3 MatrixDiagPart MatrixDiagPartV2 "
					+ "MatrixDiagPartV3 MatrixSetDiag MatrixSetDiagV2 MatrixSetDiagV3 MatrixBandPart "
					// neural network layers, activations
					+ "Conv2D Conv3D Conv DepthwiseConv2dNative Conv2DBackpropInput Conv3DBackpropInputV2 "
					+ "DepthwiseConv2dNativeBackpropInput BiasAdd BiasAddV1 MaxPool MaxPoolV2 MaxPool3D AvgPool "
					+ "AvgPool3D MaxPoolWithArgmax FractionalMaxPool Dilation2D Relu Relu6 Elu Selu LeakyRelu "
					+ "Sigmoid Softplus Softsign Softmax LogSoftmax FusedBatchNorm FusedBatchNormV2 "
					+ "FusedBatchNormV3 BatchNormWithGlobalNormalization LRN L2Loss TopKV2 InTopKV2 "
					+ "SoftmaxCrossEntropyWithLogits SparseSoftmaxCrossEntropyWithLogits DataFormatDimMap "
					+ "DataFormatVecPermute _FusedConv2D _FusedMatMul _FusedBatchNormEx "
					// gradients (saliency by gradient uses them)
					+ "BroadcastGradientArgs ReluGrad Relu6Grad EluGrad SeluGrad LeakyReluGrad SigmoidGrad "
					+ "TanhGrad SoftplusGrad SoftsignGrad RsqrtGrad SqrtGrad ReciprocalGrad BiasAddGrad "
					+ "Conv2DBackpropFilter Conv3DBackpropFilterV2 DepthwiseConv2dNativeBackpropFilter MaxPoolGrad "
					+ "MaxPoolGradV2 AvgPoolGrad ResizeBilinearGrad ResizeNearestNeighborGrad "
					+ "FusedBatchNormGrad FusedBatchNormGradV2 FusedBatchNormGradV3 "
					// random numbers
					+ "RandomUniform RandomUniformInt RandomStandardNormal TruncatedNormal RandomShuffle "
					+ "Multinomial StatelessRandomUniform StatelessRandomUniformInt StatelessRandomNormal "
					+ "StatelessTruncatedNormal StatelessRandomUniformV2 StatelessRandomUniformIntV2 "
					+ "StatelessRandomNormalV2 StatelessTruncatedNormalV2 StatelessRandomGetKeyCounter "
					+ "StatelessRandomGetKeyCounterAlg StatelessRandomGetAlg StatelessMultinomial "
					// images (no decoders/encoders)
					+ "ResizeBilinear ResizeNearestNeighbor ResizeBicubic ResizeArea ScaleAndTranslate CropAndResize "
					+ "ExtractImagePatches ExtractVolumePatches AdjustContrastv2 AdjustHue AdjustSaturation "
					+ "RGBToHSV HSVToRGB NonMaxSuppressionV3 NonMaxSuppressionV4 NonMaxSuppressionV5 "
					+ "ImageProjectiveTransformV2 ImageProjectiveTransformV3 "
					// arrays
					+ "Reshape Transpose ConjugateTranspose Pad PadV2 MirrorPad Concat ConcatV2 ConcatOffset Split "
					+ "SplitV Slice StridedSlice Squeeze ExpandDims Shape ShapeN Size Rank Fill ZerosLike OnesLike "
					+ "Empty Tile BroadcastTo BroadcastArgs Pack Unpack Gather GatherV2 GatherNd ScatterNd "
					+ "TensorScatterUpdate TensorScatterAdd TensorScatterSub TensorScatterMax TensorScatterMin "
					+ "Range LinSpace OneHot Where Reverse ReverseV2 ReverseSequence Roll Unique UniqueV2 "
					+ "UniqueWithCounts ListDiff InvertPermutation SpaceToDepth DepthToSpace SpaceToBatchND "
					+ "BatchToSpaceND Diag DiagPart Bincount DenseBincount Bucketize HistogramFixedWidth "
					+ "LowerBound UpperBound UnsortedSegmentSum UnsortedSegmentMax UnsortedSegmentMin "
					+ "UnsortedSegmentProd SegmentSum SegmentSumV2 SegmentMean SegmentMax SegmentMin SegmentProd "
					+ "SparseSegmentSum SparseSegmentMean SparseSegmentSqrtN SparseToDense SparseReshape "
					+ "SparseTensorDenseMatMul SparseFillEmptyRows QuantizeAndDequantizeV2 "
					+ "QuantizeAndDequantizeV3 QuantizeAndDequantizeV4 FakeQuantWithMinMaxArgs "
					+ "FakeQuantWithMinMaxVars FakeQuantWithMinMaxVarsPerChannel "
					+ "TensorListReserve TensorListFromTensor TensorListStack TensorListGetItem TensorListSetItem "
					+ "TensorListPushBack TensorListPopBack TensorListLength TensorListElementShape "
					+ "TensorListConcatV2 TensorListSplit TensorListGather TensorListScatterIntoExistingList "
					+ "TensorArrayV3 TensorArrayReadV3 TensorArrayWriteV3 TensorArrayGatherV3 TensorArrayScatterV3 "
					+ "TensorArraySizeV3 TensorArrayConcatV3 TensorArraySplitV3 TensorArrayCloseV3 "
					+ "RaggedTensorToTensor RaggedTensorToSparse RaggedTensorFromVariant RaggedTensorToVariant "
					+ "RaggedGather RaggedRange "
					// strings
					+ "StringLower StringUpper StringSplit StringSplitV2 StringJoin StringLength StringStrip "
					+ "RegexReplace StaticRegexReplace RegexFullMatch StaticRegexFullMatch Substr "
					+ "StringToHashBucket StringToHashBucketFast StringToHashBucketStrong StringToNumber AsString "
					+ "StringFormat ReduceJoin UnicodeDecode UnicodeDecodeWithOffsets UnicodeEncode UnicodeScript "
					+ "UnicodeTranscode StringNGrams UnsortedSegmentJoin EncodeBase64 DecodeBase64 Fingerprint");

	/** Also allowed inside the saver's restore op: reading the model's own checkpoint. */
	private static final Set<String> RESTORE_ONLY = words("Restore RestoreV2 RestoreSlice");

	/** Also allowed inside the init op: filling lookup tables from the model's vocabulary assets. */
	private static final Set<String> INIT_ONLY = words("InitializeTableFromTextFile InitializeTableFromTextFileV2");

	/** Refused even if someone adds a matching name above. */
	private static final String[] DENIED_PARTS = {"Print", "Socket", "Http", "Shell", "Exec", "PyFunc", "File",
		"Summary", "Debug", "Dataset", "Save"};

	private OpSafety() {
	}

	/** One op that running the signature (or loading the model) may execute and that is not allowed. */
	public static final class Finding {
		private final String opType;
		private final String nodeName;
		private final String function;
		private final List<String> calledVia;
		private final String origin;

		Finding(String opType, String nodeName, String function, List<String> calledVia, String origin) {
			this.opType = opType;
			this.nodeName = nodeName;
			this.function = function;
			this.calledVia = Collections.unmodifiableList(new ArrayList<>(calledVia));
			this.origin = origin;
		}

		/** The op, e.g. {@code WriteFile}. */
		public String opType() {
			return opType;
		}

		/** The node that runs it. */
		public String nodeName() {
			return nodeName;
		}

		/** The library function holding the node, or null for the top-level graph. */
		public String function() {
			return function;
		}

		/** The call chain that reached that function, outermost first ("node 'f' in the graph", ...). */
		public List<String> calledVia() {
			return calledVia;
		}

		/** What runs it: {@code signature 'serving_default'}, or the restore / init op run at load. */
		public String origin() {
			return origin;
		}

		/** Where the node is, e.g. {@code node 'w' in function 'f', called via node 'call' in the graph}. */
		public String where() {
			String s = location(nodeName, function);
			return calledVia.isEmpty() ? s : s + ", called via " + String.join(" -> ", calledVia);
		}

		@Override
		public String toString() {
			return opType + " (" + where() + ")";
		}
	}

	/** Whether {@code opType} is on the allow-list (pure computation or in-process state). */
	public static boolean isAllowed(String opType) {
		return ALLOWED.contains(opType) && !denied(opType);
	}

	/**
	 * Every op not allowed that running {@code signatureKey} of the meta graph tagged {@code tags} may execute,
	 * including what the loader runs (restore and init ops).
	 *
	 * @return the offending ops, empty if the signature only computes
	 * @throws IllegalArgumentException (one line) for an unknown tag set or signature, or a signature naming a tensor
	 *         that is not in the graph
	 */
	public static List<Finding> check(SavedModelInfo info, Set<String> tags, String signatureKey) {
		SavedModelInfo.MetaGraph meta = info.metaGraph(tags);
		meta.signature(signatureKey);
		MetaGraphDef proto = meta.proto();
		GraphDef graph = meta.graphDef();
		Map<String, NodeDef> nodes = new HashMap<>();
		for (NodeDef n : graph.getNodeList()) {
			nodes.put(n.getName(), n);
		}
		Map<String, FunctionDef> library = new HashMap<>();
		for (FunctionDef f : graph.getLibrary().getFunctionList()) {
			library.put(f.getSignature().getName(), f);
		}

		String origin = "signature '" + signatureKey + "'";
		List<String> outputs = new ArrayList<>();
		for (Map.Entry<String, TensorInfo> e : proto.getSignatureDefMap().get(signatureKey).getOutputsMap()
				.entrySet()) {
			for (String t : SavedModelInspector.tensorNames(e.getValue())) {
				if (!nodes.containsKey(nodeName(t))) {
					throw SavedModelInspector.userError(info.directory() + ": " + origin + " output '" + e.getKey()
							+ "' names tensor '" + t + "', which is not in the graph");
				}
				outputs.add(nodeName(t));
			}
		}
		List<Finding> findings = new ArrayList<>();
		new Walk(nodes, library, origin, Collections.<String>emptySet(), findings).run(outputs);

		if (proto.hasSaverDef() && !proto.getSaverDef().getRestoreOpName().isEmpty()) {
			String restore = nodeName(proto.getSaverDef().getRestoreOpName());
			new Walk(nodes, library, "the restore op '" + restore + "' (run when the model loads)", RESTORE_ONLY,
					findings).run(Collections.singletonList(restore));
		}
		Set<String> init = new LinkedHashSet<>();
		SignatureDef initSignature = proto.getSignatureDefMap().get(INIT_OP_SIGNATURE);
		if (initSignature != null) {
			for (TensorInfo t : initSignature.getOutputsMap().values()) {
				for (String name : SavedModelInspector.tensorNames(t)) {
					init.add(nodeName(name));
				}
			}
		}
		for (String key : Arrays.asList("saved_model_main_op", "legacy_init_op")) {
			CollectionDef c = proto.getCollectionDefMap().get(key);
			if (c != null && c.hasNodeList()) {
				for (String name : c.getNodeList().getValueList()) {
					init.add(nodeName(name));
				}
			}
		}
		for (String name : init) {
			new Walk(nodes, library, "the init op '" + name + "' (run when the model loads)", INIT_ONLY, findings)
					.run(Collections.singletonList(name));
		}
		return Collections.unmodifiableList(findings);
	}

	/**
	 * Refuses a model whose signature (or loading) may run anything but computation.
	 *
	 * @throws IllegalArgumentException with one line naming the first offending op and where it is, e.g.
	 *         {@code <dir>: signature 'serving_default' reaches op WriteFile (node 'w' in the graph); refusing ...}
	 */
	public static void requireSafe(SavedModelInfo info, Set<String> tags, String signatureKey) {
		List<Finding> findings = check(info, tags, signatureKey);
		if (findings.isEmpty()) {
			return;
		}
		Finding first = findings.get(0);
		StringBuilder sb = new StringBuilder();
		sb.append(info.directory()).append(": ").append(first.origin()).append(" reaches op ").append(first.opType())
				.append(" (").append(first.where()).append(')');
		if (findings.size() > 1) {
			Set<String> others = new LinkedHashSet<>();
			for (Finding f : findings.subList(1, findings.size())) {
				others.add(f.opType());
			}
			sb.append(" and ").append(findings.size() - 1).append(" more (").append(String.join(", ", others))
					.append(')');
		}
		sb.append("; refusing to run an untrusted model \u2014 pass the trust option if you trust its author");
		throw SavedModelInspector.userError(sb.toString());
	}

	/** The allow-list itself (for tests). */
	static Set<String> allowList() {
		return ALLOWED;
	}

	private static String location(String node, String function) {
		return "node '" + node + "' " + (function == null ? "in the graph" : "in function '" + function + "'");
	}

	/** {@code "^name"}, {@code "name:1"}, {@code "name"} -> {@code "name"}. */
	static String nodeName(String input) {
		String s = input.startsWith("^") ? input.substring(1) : input;
		int colon = s.indexOf(':');
		return colon < 0 ? s : s.substring(0, colon);
	}

	private static boolean denied(String op) {
		for (String part : DENIED_PARTS) {
			if (op.contains(part)) {
				return true;
			}
		}
		return false;
	}

	private static Set<String> words(String s) {
		return Collections.unmodifiableSet(new HashSet<>(Arrays.asList(s.trim().split("\\s+"))));
	}

	/** One traversal: graph nodes backwards from start nodes, then whole bodies of the functions reached. */
	private static final class Walk {
		private final Map<String, NodeDef> nodes;
		private final Map<String, FunctionDef> library;
		private final String origin;
		private final Set<String> extra;
		private final List<Finding> findings;
		private final Set<String> seenFunctions = new HashSet<>();
		private final Deque<Object[]> pendingFunctions = new ArrayDeque<>();

		Walk(Map<String, NodeDef> nodes, Map<String, FunctionDef> library, String origin, Set<String> extra,
				List<Finding> findings) {
			this.nodes = nodes;
			this.library = library;
			this.origin = origin;
			this.extra = extra;
			this.findings = findings;
		}

		void run(Collection<String> start) {
			Set<String> seen = new HashSet<>();
			Deque<String> todo = new ArrayDeque<>(start);
			while (!todo.isEmpty()) {
				NodeDef n = nodes.get(todo.removeFirst());
				if (n == null || !seen.add(n.getName())) {
					continue;
				}
				visit(n, null, Collections.<String>emptyList());
				for (String in : n.getInputList()) {
					todo.addLast(nodeName(in));
				}
			}
			while (!pendingFunctions.isEmpty()) {
				Object[] p = pendingFunctions.removeFirst();
				String name = (String) p[0];
				@SuppressWarnings("unchecked")
				List<String> via = (List<String>) p[1];
				for (NodeDef n : library.get(name).getNodeDefList()) {
					visit(n, name, via);
				}
			}
		}

		private void visit(NodeDef n, String function, List<String> via) {
			List<String> here = new ArrayList<>(via);
			here.add(location(n.getName(), function));
			callOrCheck(n.getOp(), n, function, via, here);
			for (AttrValue a : n.getAttrMap().values()) {
				attr(a, n, function, via, here);
			}
		}

		private void attr(AttrValue a, NodeDef n, String function, List<String> via, List<String> here) {
			if (a.hasFunc()) {
				func(a.getFunc(), n, function, via, here);
			} else if (a.hasList()) {
				for (NameAttrList f : a.getList().getFuncList()) {
					func(f, n, function, via, here);
				}
			}
		}

		private void func(NameAttrList f, NodeDef n, String function, List<String> via, List<String> here) {
			if (!f.getName().isEmpty()) {
				callOrCheck(f.getName(), n, function, via, here);
			}
			for (AttrValue a : f.getAttrMap().values()) {
				attr(a, n, function, via, here);
			}
		}

		/** A library function is entered; anything else is an op (a func attr may also name a plain op). */
		private void callOrCheck(String op, NodeDef n, String function, List<String> via, List<String> here) {
			if (library.containsKey(op)) {
				if (seenFunctions.add(op)) {
					pendingFunctions.addLast(new Object[] {op, here});
				}
			} else if (!(isAllowed(op) || extra.contains(op))) {
				findings.add(new Finding(op.isEmpty() ? "(no op)" : op, n.getName(), function, via, origin));
			}
		}
	}
}
