package io.github.xaiclip.model;

import java.nio.file.Path;

/**
 * Loads and inspects models of one format. The TensorFlow implementation lives in its own class loader and is
 * reached only through this interface: get it from {@link ModelRuntimes#get()}.
 */
public interface ModelRuntime {

	/**
	 * The segmentation model in {@code folder} (a SavedModel with its {@code xai-clip.yaml}). Models are cached by
	 * folder and options: a model loads once per JVM, and {@link SegmentationModel#close()} on what this returns
	 * releases it.
	 *
	 * @throws IllegalArgumentException when the folder, its descriptor or the model is unusable, naming the file
	 *                                  and the field
	 */
	SegmentationModel segmentation(Path folder, RuntimeOptions options);

	/** The vision-language model in {@code folder}; cached as {@link #segmentation} is. */
	VisionLanguageModel visionLanguage(Path folder, RuntimeOptions options);

	/**
	 * What the model in {@code folder} declares (tags, signatures, tensor names, dtypes, shapes), then every
	 * mismatch between its descriptor and the SavedModel, and whether its ops are allowed; for users writing a
	 * descriptor for a model they exported.
	 */
	Inspection inspect(Path folder);

	/** Closes cached models that nothing holds any more. */
	void closeIdle();

	/** The runtime and its version, e.g. {@code TensorFlow 2.18.0}. */
	String version();

	/** What {@link #inspect} found. */
	final class Inspection {

		private final String report;
		private final java.util.List<String> problems;

		public Inspection(final String report, final java.util.List<String> problems) {
			this.report = report;
			this.problems = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(problems));
		}

		/** The readable report, problems included. */
		public String report() {
			return report;
		}

		/** Each mismatch or refused op, one line each; empty when the descriptor fits. */
		public java.util.List<String> problems() {
			return problems;
		}

		public boolean fits() {
			return problems.isEmpty();
		}
	}
}
