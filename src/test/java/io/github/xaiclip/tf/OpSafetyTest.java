package io.github.xaiclip.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.github.xaiclip.tf.OpSafety.Finding;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.FunctionDefLibrary;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NameAttrList;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.SaverDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.types.TFloat32;

class OpSafetyTest {

	static final Set<String> SERVE = Collections.singleton("serve");
	static final String REFUSING = "; refusing to run an untrusted model \u2014 pass the trust option if you trust its"
			+ " author";

	@TempDir
	static Path tmp;
	static Path segmentation;
	static Path visionLanguage;
	static Path hostile;
	static Path writeTarget;
	static Path functionWriteTarget;
	static Path secret;

	@BeforeAll
	static void exportModels() throws IOException {
		segmentation = tmp.resolve("segmentation");
		visionLanguage = tmp.resolve("vision-language");
		hostile = tmp.resolve("hostile");
		writeTarget = tmp.resolve("written-by-graph.txt");
		functionWriteTarget = tmp.resolve("written-by-function.txt");
		secret = Files.write(tmp.resolve("secret.txt"), "top secret".getBytes(StandardCharsets.UTF_8));
		Path listed = Files.createDirectories(tmp.resolve("listed"));
		TfTestModels.segmentation(segmentation, -1, -1, -1, 1);
		TfTestModels.visionLanguage(visionLanguage);
		TfTestModels.hostile(hostile, writeTarget, functionWriteTarget, secret, listed);
	}

	private static List<Finding> check(Path dir, String signature) {
		return OpSafety.check(SavedModelInspector.inspect(dir), SERVE, signature);
	}

	private static String refusal(SavedModelInfo info, String signature) {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> OpSafety.requireSafe(info, SERVE, signature));
		assertFalse(e.getMessage().contains("\n"), e.getMessage());
		return e.getMessage();
	}

	private static Set<String> opTypes(GraphDef g) {
		Set<String> ops = new TreeSet<>();
		for (NodeDef n : g.getNodeList()) {
			ops.add(n.getOp());
		}
		for (FunctionDef f : g.getLibrary().getFunctionList()) {
			for (NodeDef n : f.getNodeDefList()) {
				ops.add(n.getOp());
			}
		}
		return ops;
	}

	// ---- real models exported by TensorFlow Java

	@Test
	void segmentationModelPassesThoughItsGraphHoldsSaveAndRestore() {
		SavedModelInfo info = SavedModelInspector.inspect(segmentation);
		Set<String> ops = opTypes(info.metaGraph(SERVE).graphDef());
		// the exporter's saver: not reachable from the serving output, and the restore op may read checkpoints
		assertTrue(ops.containsAll(Arrays.asList("SaveV2", "RestoreV2")), ops.toString());
		assertEquals(Collections.emptyList(), OpSafety.check(info, SERVE, "serving_default"));
		OpSafety.requireSafe(info, SERVE, "serving_default");
	}

	@Test
	void visionLanguageModelPassesForBothSignatures() {
		assertEquals(Collections.emptyList(), check(visionLanguage, "encode_image"));
		assertEquals(Collections.emptyList(), check(visionLanguage, "encode_text"));
		Set<String> ops = opTypes(SavedModelInspector.inspect(visionLanguage).metaGraph(SERVE).graphDef());
		assertTrue(ops.containsAll(Arrays.asList("StringLower", "RegexReplace", "StringSplitV2",
				"StringToHashBucketFast", "GatherV2", "UnsortedSegmentSum")), ops.toString());
	}

	@Test
	void hostileModelsCleanSignaturePasses() {
		assertEquals(Collections.emptyList(), check(hostile, "clean"));
	}

	@Test
	void controlDependencyOnWriteFileIsRefused() {
		List<Finding> f = check(hostile, "write_control");
		assertEquals(1, f.size(), f.toString());
		assertEquals("WriteFile", f.get(0).opType());
		assertEquals("write_file", f.get(0).nodeName());
		assertNull(f.get(0).function());
		assertEquals(Collections.emptyList(), f.get(0).calledVia());
		assertEquals("signature 'write_control'", f.get(0).origin());
		assertEquals(hostile + ": signature 'write_control' reaches op WriteFile (node 'write_file' in the graph)"
				+ REFUSING, refusal(SavedModelInspector.inspect(hostile), "write_control"));
	}

	@Test
	void outputsOfReadFileAndMatchingFilesAreRefused() {
		List<Finding> read = check(hostile, "read_file");
		assertEquals(Collections.singletonList("ReadFile"), types(read));
		assertEquals("read_file", read.get(0).nodeName());
		List<Finding> match = check(hostile, "matching_files");
		assertEquals(Collections.singletonList("MatchingFiles"), types(match));
		assertEquals("matching_files", match.get(0).nodeName());
	}

	@Test
	void writeFileInsideACalledFunctionIsRefused() {
		SavedModelInfo info = SavedModelInspector.inspect(hostile);
		GraphDef g = info.metaGraph(SERVE).graphDef();
		NodeDef call = g.getNodeList().stream().filter(n -> n.getName().equals("call_evil")).findFirst().get();
		String function = call.getAttrOrThrow("f").getFunc().getName();
		assertTrue(function.startsWith("evil_fn"), function);

		List<Finding> f = OpSafety.check(info, SERVE, "write_in_function");
		assertEquals(1, f.size(), f.toString());
		assertEquals("WriteFile", f.get(0).opType());
		assertEquals("inner_write", f.get(0).nodeName());
		assertEquals(function, f.get(0).function());
		assertEquals(Collections.singletonList("node 'call_evil' in the graph"), f.get(0).calledVia());
		assertEquals(hostile + ": signature 'write_in_function' reaches op WriteFile (node 'inner_write' in function '"
				+ function + "', called via node 'call_evil' in the graph)" + REFUSING,
				refusal(info, "write_in_function"));
	}

	/** The refused signatures really do what the check says, and the clean one really does not. */
	@Test
	void hostileModelIsReallyHostileWhenRun() throws IOException {
		Files.deleteIfExists(writeTarget);
		Files.deleteIfExists(functionWriteTarget);
		try (SavedModelBundle b = SavedModelBundle.load(hostile.toString(), "serve");
				TFloat32 x = TFloat32.vectorOf(1f, 2f)) {
			Map<String, org.tensorflow.Tensor> in = new HashMap<>();
			in.put("x", x);
			b.function("clean").call(in).close();
			assertFalse(Files.exists(writeTarget), "pruned: the clean signature does not write");
			assertFalse(Files.exists(functionWriteTarget));
			b.function("write_control").call(in).close();
			assertTrue(Files.exists(writeTarget), "the control dependency ran WriteFile");
			b.function("write_in_function").call(in).close();
			assertTrue(Files.exists(functionWriteTarget), "the function ran WriteFile");
		}
	}

	@Test
	void unknownSignatureOrTagsListWhatExists() {
		SavedModelInfo info = SavedModelInspector.inspect(hostile);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> OpSafety.check(info, SERVE, "serving_default"));
		assertEquals(hostile + ": no signature 'serving_default' in the meta graph with tags [serve]; signatures: "
				+ "clean, matching_files, read_file, write_control, write_in_function", e.getMessage());
		e = assertThrows(IllegalArgumentException.class,
				() -> OpSafety.check(info, Collections.singleton("train"), "clean"));
		assertEquals(hostile + ": no meta graph with tags [train]; the model has [serve]", e.getMessage());
	}

	// ---- the allow-list

	@Test
	void allowListHoldsOnlyOpsTensorFlowKnowsAndNoDeniedOnes() {
		Set<String> registered = TensorFlow.registeredOpList().getOpList().stream().map(OpDef::getName)
				.collect(Collectors.toSet());
		List<String> unknown = new ArrayList<>();
		for (String op : OpSafety.allowList()) {
			assertTrue(OpSafety.isAllowed(op), op);
			if (!op.startsWith("_") && !registered.contains(op)) {
				unknown.add(op);
			}
		}
		assertEquals(Collections.emptyList(), unknown, "allow-listed but not registered in TensorFlow");
	}

	@Test
	void allowedAndRefusedOps() {
		for (String op : Arrays.asList("Conv2D", "MatMul", "BiasAdd", "Relu", "Softmax", "Sigmoid", "Add", "AddV2",
				"Mul", "Sub", "RealDiv", "Mean", "Sum", "Max", "ConcatV2", "Reshape", "Transpose", "Pad", "MaxPool",
				"AvgPool", "ResizeBilinear", "ResizeNearestNeighbor", "Const", "Placeholder", "Identity",
				"IdentityN", "NoOp", "VariableV2", "VarHandleOp", "ReadVariableOp", "StringLower", "StringSplitV2",
				"RegexReplace", "StringToHashBucketFast", "GatherV2", "PartitionedCall", "StatefulPartitionedCall",
				"If", "While", "Case")) {
			assertTrue(OpSafety.isAllowed(op), op);
		}
		for (String op : Arrays.asList("ReadFile", "WriteFile", "MatchingFiles", "Save", "SaveV2", "Restore",
				"RestoreV2", "MergeV2Checkpoints", "PyFunc", "EagerPyFunc", "Print", "PrintV2", "DebugIdentity",
				"DebugIdentityV2", "TFRecordDataset", "FixedLengthRecordDataset", "TextLineDataset",
				"WriteSummary", "WriteScalarSummary", "CreateSummaryFileWriter", "ImmutableConst",
				"InitializeTableFromTextFileV2", "DecodeJpeg", "RemoteCall", "SymbolicGradient", "MyCustomOp",
				"", "conv2d")) {
			assertFalse(OpSafety.isAllowed(op), op);
		}
	}

	@Test
	void nodeNamesFromInputs() {
		assertEquals("a/b", OpSafety.nodeName("a/b"));
		assertEquals("a/b", OpSafety.nodeName("a/b:2"));
		assertEquals("a/b", OpSafety.nodeName("^a/b"));
	}

	// ---- hand-built graphs and function libraries (no native library needed)

	static NodeDef node(String name, String op, String... inputs) {
		return NodeDef.newBuilder().setName(name).setOp(op).addAllInput(Arrays.asList(inputs)).build();
	}

	static NodeDef withFunc(NodeDef n, String attr, String... functions) {
		AttrValue v;
		if (functions.length == 1) {
			v = AttrValue.newBuilder().setFunc(NameAttrList.newBuilder().setName(functions[0])).build();
		} else {
			AttrValue.ListValue.Builder l = AttrValue.ListValue.newBuilder();
			for (String f : functions) {
				l.addFunc(NameAttrList.newBuilder().setName(f));
			}
			v = AttrValue.newBuilder().setList(l).build();
		}
		return n.toBuilder().putAttr(attr, v).build();
	}

	static FunctionDef function(String name, NodeDef... body) {
		FunctionDef.Builder f = FunctionDef.newBuilder().setSignature(OpDef.newBuilder().setName(name)
				.addInputArg(OpDef.ArgDef.newBuilder().setName("in").setType(DataType.DT_FLOAT))
				.addOutputArg(OpDef.ArgDef.newBuilder().setName("out").setType(DataType.DT_FLOAT)));
		f.addAllNodeDef(Arrays.asList(body));
		f.putRet("out", body.length == 0 ? "in" : body[body.length - 1].getName() + ":output:0");
		return f.build();
	}

	static TensorInfo tensor(String name) {
		return TensorInfo.newBuilder().setName(name).setDtype(DataType.DT_FLOAT).build();
	}

	/** A model with signature 'sig' (input x:0, output out:0) over these nodes and functions. */
	static MetaGraphDef.Builder meta(List<NodeDef> nodes, FunctionDef... functions) {
		GraphDef g = GraphDef.newBuilder().addAllNode(nodes)
				.setLibrary(FunctionDefLibrary.newBuilder().addAllFunction(Arrays.asList(functions))).build();
		return MetaGraphDef.newBuilder().setMetaInfoDef(MetaGraphDef.MetaInfoDef.newBuilder().addTags("serve"))
				.setGraphDef(g).putSignatureDef("sig", SignatureDef.newBuilder().putInputs("x", tensor("x:0"))
						.putOutputs("out", tensor("out:0")).build());
	}

	static SavedModelInfo info(MetaGraphDef.Builder meta) {
		Path dir = tmp.resolve("hand-built");
		return SavedModelInspector.fromProto(dir, dir.resolve("saved_model.pb"), 1,
				SavedModel.newBuilder().addMetaGraphs(meta).build());
	}

	static List<Finding> check(MetaGraphDef.Builder meta) {
		return OpSafety.check(info(meta), SERVE, "sig");
	}

	static List<String> types(List<Finding> findings) {
		return findings.stream().map(Finding::opType).collect(Collectors.toList());
	}

	static List<NodeDef> graph(NodeDef... last) {
		List<NodeDef> nodes = new ArrayList<>();
		nodes.add(node("x", "Placeholder"));
		nodes.addAll(Arrays.asList(last));
		return nodes;
	}

	@Test
	void partitionedCallIntoAFunctionWithAWriteFileNotFeedingItsOutput() {
		List<Finding> f = check(meta(graph(
				withFunc(node("call", "PartitionedCall", "x"), "f", "fn1"),
				node("out", "Identity", "call:0")),
				function("fn1", node("w", "WriteFile", "in", "in"), node("id", "Identity", "in"))));
		assertEquals(Collections.singletonList("WriteFile"), types(f));
		assertEquals("w", f.get(0).nodeName());
		assertEquals("fn1", f.get(0).function());
		assertEquals("node 'w' in function 'fn1', called via node 'call' in the graph", f.get(0).where());
	}

	@Test
	void nestedFunctionsCalledByOpName() {
		List<Finding> f = check(meta(graph(
				withFunc(node("call", "StatefulPartitionedCall", "x"), "f", "outer"),
				node("out", "Identity", "call:0")),
				function("outer", node("inner_call", "inner", "in")),
				function("inner", node("r", "ReadFile", "in"), node("id", "Identity", "in"))));
		assertEquals(Collections.singletonList("ReadFile"), types(f));
		assertEquals("inner", f.get(0).function());
		assertEquals(Arrays.asList("node 'call' in the graph", "node 'inner_call' in function 'outer'"),
				f.get(0).calledVia());
	}

	@Test
	void ifBranchesWhileBodiesAndCaseBranchesAreWalked() {
		FunctionDef safe = function("safe", node("s", "Sigmoid", "in"));
		List<Finding> f = check(meta(graph(
				node("cond", "Const"),
				withFunc(withFunc(node("if", "If", "cond", "x"), "then_branch", "safe"), "else_branch", "evil_else"),
				withFunc(withFunc(node("while", "While", "if:0"), "cond", "safe"), "body", "evil_body"),
				withFunc(node("case", "Case", "cond", "while:0"), "branches", "safe", "evil_branch"),
				node("out", "Identity", "case:0")),
				safe,
				function("evil_else", node("p", "PyFunc", "in")),
				function("evil_body", node("m", "MatchingFiles", "in")),
				function("evil_branch", node("e", "EagerPyFunc", "in"))));
		assertEquals(new HashSet<>(Arrays.asList("PyFunc", "MatchingFiles", "EagerPyFunc")),
				new HashSet<>(types(f)));
		Map<String, String> functionOf = new HashMap<>();
		for (Finding x : f) {
			functionOf.put(x.opType(), x.function());
		}
		assertEquals("evil_else", functionOf.get("PyFunc"));
		assertEquals("evil_body", functionOf.get("MatchingFiles"));
		assertEquals("evil_branch", functionOf.get("EagerPyFunc"));
	}

	@Test
	void functionsNamedInsideFunctionAttrsAreWalked() {
		NameAttrList inner = NameAttrList.newBuilder().setName("g").build();
		NodeDef call = node("call", "PartitionedCall", "x").toBuilder().putAttr("f", AttrValue.newBuilder()
				.setFunc(NameAttrList.newBuilder().setName("f")
						.putAttr("helper", AttrValue.newBuilder().setFunc(inner).build()))
				.build()).build();
		List<Finding> found = check(meta(graph(call, node("out", "Identity", "call:0")),
				function("f", node("id", "Identity", "in")),
				function("g", node("w", "WriteFile", "in", "in"))));
		assertEquals(Collections.singletonList("WriteFile"), types(found));
		assertEquals("g", found.get(0).function());
	}

	@Test
	void functionAttrNamingAPlainOpIsCheckedAsThatOp() {
		List<Finding> f = check(meta(graph(
				withFunc(node("call", "PartitionedCall", "x"), "f", "WriteFile"),
				node("out", "Identity", "call:0"))));
		assertEquals(Collections.singletonList("WriteFile"), types(f));
		assertEquals("call", f.get(0).nodeName());
	}

	@Test
	void controlInputsAreFollowedAndUnreachableNodesIgnored() {
		List<Finding> f = check(meta(graph(
				node("evil", "EagerPyFunc"),
				node("lonely", "WriteFile"),
				node("out", "Identity", "x", "^evil"))));
		assertEquals(Collections.singletonList("EagerPyFunc"), types(f));
		assertEquals("evil", f.get(0).nodeName());
	}

	@Test
	void cyclesTerminate() {
		List<Finding> f = check(meta(graph(
				node("enter", "Enter", "x"),
				node("merge", "Merge", "enter", "next"),
				node("next", "NextIteration", "merge"),
				withFunc(node("call", "PartitionedCall", "merge"), "f", "rec"),
				node("out", "Identity", "call:0")),
				function("rec", node("again", "rec", "in"), node("id", "Identity", "in"))));
		assertEquals(Collections.emptyList(), f);
	}

	@Test
	void customOpsAreRefusedAndAllFindingsAreCounted() {
		SavedModelInfo info = info(meta(graph(
				node("a", "MyCustomOp", "x"),
				node("b", "PrintV2", "a"),
				node("c", "WriteSummary", "b"),
				node("out", "Identity", "c"))));
		List<Finding> f = OpSafety.check(info, SERVE, "sig");
		assertEquals(new HashSet<>(Arrays.asList("MyCustomOp", "PrintV2", "WriteSummary")),
				new HashSet<>(types(f)));
		String m = refusal(info, "sig");
		assertTrue(m.startsWith(info.directory() + ": signature 'sig' reaches op "), m);
		assertTrue(m.contains(" and 2 more ("), m);
		assertTrue(m.endsWith(REFUSING), m);
	}

	@Test
	void sparseOutputsAreFollowedThroughAllTheirTensors() {
		MetaGraphDef.Builder m = meta(graph(
				node("r", "ReadFile"),
				node("indices", "Identity", "r"),
				node("values", "Identity", "x"),
				node("shape", "Const"),
				node("out", "Identity", "x")));
		m.putSignatureDef("sparse", SignatureDef.newBuilder().putOutputs("s", TensorInfo.newBuilder()
				.setCooSparse(TensorInfo.CooSparse.newBuilder().setValuesTensorName("values:0")
						.setIndicesTensorName("indices:0").setDenseShapeTensorName("shape:0"))
				.setDtype(DataType.DT_FLOAT).build()).build());
		SavedModelInfo info = info(m);
		assertEquals("sparse", info.metaGraph(SERVE).signature("sparse").output("s").encoding());
		assertEquals(Collections.singletonList("ReadFile"), types(OpSafety.check(info, SERVE, "sparse")));
		assertEquals(Collections.emptyList(), OpSafety.check(info, SERVE, "sig"));
	}

	@Test
	void outputNamingAMissingTensorIsAnError() {
		SavedModelInfo info = info(meta(graph(node("y", "Identity", "x"))));
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> OpSafety.check(info, SERVE, "sig"));
		assertEquals(info.directory() + ": signature 'sig' output 'out' names tensor 'out:0', which is not in "
				+ "the graph", e.getMessage());
	}

	/** The loader's restore op may read the checkpoint; anything else it runs is checked like a signature. */
	@Test
	void restoreOpIsCheckedWithCheckpointReadsAllowed() {
		List<NodeDef> nodes = graph(
				node("out", "Identity", "x"),
				node("save/filename", "Placeholder"),
				node("save/Const", "Const"),
				node("save/RestoreV2", "RestoreV2", "save/filename", "save/Const", "save/Const"),
				node("w", "VariableV2"),
				node("save/Assign", "Assign", "w", "save/RestoreV2"),
				node("save/restore_all", "NoOp", "^save/Assign"));
		MetaGraphDef.Builder m = meta(nodes);
		m.setSaverDef(SaverDef.newBuilder().setFilenameTensorName("save/filename:0")
				.setRestoreOpName("save/restore_all"));
		assertEquals(Collections.emptyList(), check(m));

		nodes.add(node("save/exfiltrate", "WriteFile", "save/Const", "save/Const"));
		nodes.set(nodes.size() - 2, node("save/restore_all", "NoOp", "^save/Assign", "^save/exfiltrate"));
		MetaGraphDef.Builder hostileRestore = meta(nodes).setSaverDef(m.getSaverDef());
		List<Finding> f = check(hostileRestore);
		assertEquals(Collections.singletonList("WriteFile"), types(f));
		assertEquals("the restore op 'save/restore_all' (run when the model loads)", f.get(0).origin());

		MetaGraphDef.Builder readsCheckpoint = meta(graph(
				node("c", "Const"),
				node("out", "RestoreV2", "c", "c", "c")));
		assertEquals(Collections.singletonList("RestoreV2"), types(check(readsCheckpoint)));
	}

	@Test
	void initOpsAreChecked() {
		MetaGraphDef.Builder bySignature = meta(graph(
				node("out", "Identity", "x"),
				node("w", "WriteFile"),
				node("init", "NoOp", "^w")));
		bySignature.putSignatureDef(OpSafety.INIT_OP_SIGNATURE, SignatureDef.newBuilder()
				.putOutputs(OpSafety.INIT_OP_SIGNATURE, tensor("init")).build());
		List<Finding> f = check(bySignature);
		assertEquals(Collections.singletonList("WriteFile"), types(f));
		assertEquals("the init op 'init' (run when the model loads)", f.get(0).origin());

		MetaGraphDef.Builder byCollection = meta(graph(
				node("out", "Identity", "x"),
				node("p", "PyFunc"),
				node("legacy", "NoOp", "^p")));
		byCollection.putCollectionDef("legacy_init_op", CollectionDef.newBuilder()
				.setNodeList(CollectionDef.NodeList.newBuilder().addValue("legacy")).build());
		assertEquals(Collections.singletonList("PyFunc"), types(check(byCollection)));

		MetaGraphDef.Builder vocabulary = meta(graph(
				node("out", "Identity", "x"),
				node("table", "HashTableV2"),
				node("vocab", "Placeholder"),
				node("fill", "InitializeTableFromTextFileV2", "table", "vocab"),
				node("main", "NoOp", "^fill")));
		vocabulary.putCollectionDef("saved_model_main_op", CollectionDef.newBuilder()
				.setNodeList(CollectionDef.NodeList.newBuilder().addValue("main")).build());
		assertEquals(Collections.emptyList(), check(vocabulary), "a vocabulary table filled at load");
	}
}
