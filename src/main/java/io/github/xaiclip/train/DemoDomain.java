package io.github.xaiclip.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import io.github.xaiclip.image.Nifti;
import io.github.xaiclip.image.Volume;
import io.github.xaiclip.model.Preprocessing;

/**
 * A domain the demo models are built for: the bundled scan and label map they learn from, the classes and the label
 * values that mark them, the intensity preprocessing (the same as their descriptors declare, so the plugin feeds them
 * what they learned on), the prompts of the CLIP-like model and the default training lengths.
 */
public final class DemoDomain {

	/** The abdominal CT (TotalSegmentator's test scan): five organs. */
	public static final DemoDomain CT = new DemoDomain("ct", "CT", "totalseg-abdomen-ct", "example_ct_sm.nii.gz", "example_seg.nii.gz",
		Arrays.asList("background", "liver", "spleen", "kidney_right", "kidney_left", "stomach"), new int[] { 0, 5, 1, 2, 3, 6 },
		Preprocessing.window(-160, 240), 128, 128, Prompts::ct, 8, false, 2000, 1500);

	/**
	 * The brain MRI (the Colin27 T1 with the AAL atlas, as {@link BrainSlab} derives it): the deep grey matter, left
	 * and right apart (AAL values: 77/78 thalamus, 71/72 caudate, 73/74 putamen, 75/76 pallidum, 37/38
	 * hippocampus, left/right).
	 */
	public static final DemoDomain MRI = new DemoDomain("mri", "MRI", "mricron-ch2-aal", "ch2_t1_2mm.nii.gz", "aal_deep_2mm.nii.gz",
		Arrays.asList("background", "thalamus_left", "thalamus_right", "caudate_left", "caudate_right", "putamen_left", "putamen_right",
			"pallidum_left", "pallidum_right", "hippocampus_left", "hippocampus_right"),
		new int[] { 0, 77, 78, 71, 72, 73, 74, 75, 76, 37, 38 }, Preprocessing.percentile(1, 99), 96, 112, Prompts::mri, 4, true, 2000, 1500);

	/** Every domain, in the order train-demo builds them. */
	public static final List<DemoDomain> ALL = Collections.unmodifiableList(Arrays.asList(CT, MRI));

	/** Short name: the models are {@code models/NAME-unet} and {@code models/NAME-clip}. */
	public final String name;
	/** How the report names the scans, e.g. "CT". */
	public final String modality;
	/** The folder under the data folder, and the scan's and label map's files in it. */
	public final String folder, scanFile, labelsFile;
	/** The classes of the segmentation model, in output order; 0 is the background. */
	public final List<String> classes;
	/** The label value of each class in the label map (class 0: every value not listed). */
	final int[] labels;
	final Preprocessing preprocessing;
	/**
	 * The size the U-Net's training slices are padded to: CT 128 x 128 (its 122 x 101 slices), MRI 96 x 112 (its
	 * 90 x 108 slices with a margin: two thirds of the pixels of 128 x 128, so training stays within 20 minutes on
	 * 2 busy cores).
	 */
	final int unetWidth, unetHeight;
	private final Supplier<Prompts> prompts;
	/**
	 * The CLIP-like model's patch size ({@link ClipTrainer#stride}) and loss ({@link ClipTrainer#exclusive}): CT 8 px
	 * and a sigmoid per prompt (organs of several patches); MRI 4 px (8 mm) and a softmax over the prompts per patch,
	 * since its structures are a few patches wide and lie side by side (putamen and pallidum, caudate and thalamus).
	 */
	final int clipStride;
	final boolean clipExclusive;
	/** Default training steps (batches of 8 slices) of the U-Net and of the CLIP-like model. */
	public final int unetSteps, clipSteps;

	private DemoDomain(final String name, final String modality, final String folder, final String scanFile, final String labelsFile,
		final List<String> classes, final int[] labels, final Preprocessing preprocessing, final int unetWidth, final int unetHeight,
		final Supplier<Prompts> prompts, final int clipStride, final boolean clipExclusive, final int unetSteps, final int clipSteps)
	{
		if (classes.size() != labels.length) throw new IllegalArgumentException(name + ": " + classes.size() + " classes, " + labels.length + " labels");
		if (unetWidth > DemoData.SIZE || unetHeight > DemoData.SIZE || (DemoData.SIZE - unetWidth) % 2 != 0 || (DemoData.SIZE - unetHeight) % 2 != 0)
			throw new IllegalArgumentException(name + ": U-Net slices of " + unetWidth + "x" + unetHeight + " do not centre in " + DemoData.SIZE);
		this.name = name;
		this.modality = modality;
		this.folder = folder;
		this.scanFile = scanFile;
		this.labelsFile = labelsFile;
		this.classes = Collections.unmodifiableList(classes);
		this.labels = labels.clone();
		this.preprocessing = preprocessing;
		this.unetWidth = unetWidth;
		this.unetHeight = unetHeight;
		this.prompts = prompts;
		this.clipStride = clipStride;
		this.clipExclusive = clipExclusive;
		this.unetSteps = unetSteps;
		this.clipSteps = clipSteps;
	}

	/** The domain called {@code name} ("ct", "mri"). */
	public static DemoDomain named(final String name) {
		for (final DemoDomain d : ALL)
			if (d.name.equalsIgnoreCase(name)) return d;
		throw new IllegalArgumentException("domain: '" + name + "' is none of " + names());
	}

	/** The names of {@link #ALL}, e.g. "ct, mri". */
	public static String names() {
		final StringBuilder b = new StringBuilder();
		for (final DemoDomain d : ALL)
			b.append(b.length() == 0 ? "" : ", ").append(d.name);
		return b.toString();
	}

	/** The class of label value {@code label} (0 for any value no class has). */
	int classOf(final float label) {
		for (int c = 1; c < labels.length; c++)
			if (label == labels[c]) return c;
		return 0;
	}

	Prompts prompts() {
		return prompts.get();
	}

	/** The segmentation model's folder name. */
	public String unetFolder() {
		return name + "-unet";
	}

	/** The CLIP-like model's folder name. */
	public String clipFolder() {
		return name + "-clip";
	}

	/**
	 * Reads the scan and its label map from {@code data/folder}, refusing a folder without them in one line that names
	 * the missing file.
	 *
	 * @return {scan, labels}
	 */
	public Volume[] read(final Path data) {
		final Path scan = data.resolve(folder).resolve(scanFile), label = data.resolve(folder).resolve(labelsFile);
		for (final Path p : new Path[] { scan, label })
			if (!Files.isRegularFile(p)) throw new IllegalArgumentException("--data: " + p + " not found (expected the " + folder + " scan)");
		return new Volume[] { Nifti.read(scan), Nifti.read(label) };
	}

	/** The preprocessing as a descriptor writes it, e.g. {@code {type: window, min: -160, max: 240}}. */
	String preprocessingYaml() {
		switch (preprocessing.type()) {
		case WINDOW:
		case SCALE_RANGE:
			return "{type: " + preprocessing.type() + ", min: " + number(preprocessing.min()) + ", max: " + number(preprocessing.max()) + "}";
		case PERCENTILE:
			return "{type: " + preprocessing.type() + ", low: " + number(preprocessing.low()) + ", high: " + number(preprocessing.high()) + "}";
		default:
			return "{type: " + preprocessing.type() + "}";
		}
	}

	private static String number(final double v) {
		return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
	}

	@Override
	public String toString() {
		return name;
	}
}
