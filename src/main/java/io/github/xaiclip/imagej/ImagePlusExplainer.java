package io.github.xaiclip.imagej;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;

import ij.ImagePlus;
import ij.process.ByteProcessor;
import io.github.xaiclip.explain.Mode;
import io.github.xaiclip.model.InputSpec;
import io.github.xaiclip.model.ModelDescriptor;
import io.github.xaiclip.model.ModelRuntimes;
import io.github.xaiclip.model.RuntimeOptions;
import io.github.xaiclip.model.VisionLanguageModel;
import io.github.xaiclip.pipeline.ExplainSettings;
import io.github.xaiclip.pipeline.ExplainSettings.RoiSourceKind;
import io.github.xaiclip.pipeline.Explainer;
import io.github.xaiclip.pipeline.Overlay;
import io.github.xaiclip.pipeline.SliceResult;
import io.github.xaiclip.roi.Roi;
import io.github.xaiclip.roi.TextRegionLocalizer;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;

/**
 * The one path from an open image to XAI-CLIP's outputs, shared by the Fiji commands and the ImageJ 1.x plugins:
 * checks the image and the request, wraps each plane without copying, runs {@link Explainer} plane by plane with
 * progress and cancellation, and builds the saliency and overlay images, table rows and regions. Nothing is shown
 * or added anywhere until every plane is done, so a canceled or failed run leaves nothing half made.
 */
final class ImagePlusExplainer {

	/** One explanation to make of each plane: a method in a mode. */
	static final class Run {

		final String method;
		final Mode mode;

		Run(final String method, final Mode mode) {
			this.method = method;
			this.mode = mode;
		}

		@Override
		public String toString() {
			return method + " " + mode.id();
		}
	}

	/** What to explain and how. */
	static final class Request {

		ImagePlus image;
		ExplainSettings settings;
		String roiSource = "text";
		ImagePlus roiImage, gtImage;
		boolean allPlanes;
		List<Run> runs = new ArrayList<>();
	}

	/** What a request gave: the rows (per plane, its runs in order), the region per plane, the notes. */
	static final class Result {

		final List<SliceResult> rows = new ArrayList<>();
		final List<ij.gui.Roi> regions = new ArrayList<>();
		final List<String> notes = new ArrayList<>();
	}

	private final Host host;

	ImagePlusExplainer(final Host host) {
		this.host = host;
	}

	/** The settings' region source for a command's {@code roi_source} ({@code selection} is a mask). */
	static RoiSourceKind roiSourceKind(final String roiSource, final double roiValue) {
		switch (roiSource == null ? "" : roiSource.trim().toLowerCase(Locale.ROOT)) {
			case "text":
				return RoiSourceKind.TEXT;
			case "selection":
				return RoiSourceKind.MASK;
			case "label":
				return roiValue == 0 ? RoiSourceKind.MASK : RoiSourceKind.LABEL;
			case "prediction":
				return RoiSourceKind.PREDICTION;
			case "none":
				return RoiSourceKind.NONE;
			default:
				throw new IllegalArgumentException("roi_source: expected text, selection, label, prediction or none, got '" + roiSource + "'");
		}
	}

	/** The image a command works on, or an error that says to open one. */
	static ImagePlus requireImage(final ImagePlus image) {
		if (image == null) throw new IllegalArgumentException("image: no image is open; open the image to explain first (File>Open...)");
		return image;
	}

	/**
	 * Explains the planes the request names with each of its runs.
	 *
	 * @throws IllegalArgumentException naming the parameter to fix
	 * @throws CancellationException    when the user stopped it; nothing is kept
	 */
	Result explain(final Request r) {
		final ImagePlus imp = requireImage(r.image);
		ImageSlices.checkShape(imp, "image");
		final ExplainSettings s = r.settings;
		if (s.target().isEmpty() && s.segModel() != null && java.nio.file.Files.isDirectory(s.segModel()))
			throw new IllegalArgumentException("target: missing; expected one of " + segmentationDescriptor(s.segModel()).classes());
		s.check();
		if (r.runs.isEmpty()) throw new IllegalArgumentException("methods: none chosen; expected occlusion, rise or lime");
		final boolean selection = "selection".equalsIgnoreCase(r.roiSource.trim());
		ByteProcessor selectionMask = null;
		if (selection) {
			final ij.gui.Roi sel = imp.getRoi();
			if (sel == null || !sel.isArea())
				throw new IllegalArgumentException("roi_source: selection, but '" + imp.getTitle() + "' has no area selection; draw one or choose another roi_source");
			selectionMask = Displays.mask(sel, imp.getWidth(), imp.getHeight());
		}
		final boolean labels = s.roiSource() == RoiSourceKind.LABEL || s.roiSource() == RoiSourceKind.MASK && !selection;
		if (labels && r.roiImage == null) throw new IllegalArgumentException("roi_labels: none chosen; roi_source=label needs the label image");
		if (labels) ImageSlices.checkShape(r.roiImage, "roi_labels");
		if (r.gtImage != null) ImageSlices.checkShape(r.gtImage, "gt_labels");
		final ModelDescriptor.Segmentation seg = segmentationDescriptor(s);
		final double[] px = ImageSlices.pixelSizeMm(imp);
		checkSize(imp, seg, px);
		for (final Run run : r.runs) {
			s.perturbation(run.method);
			if (run.mode == Mode.ROI && s.roiSource() == RoiSourceKind.NONE)
				throw new IllegalArgumentException("mode: roi needs a region; choose a roi_source (text, selection, label, prediction) or mode=full");
		}

		final List<Integer> planes = planes(imp, r.allPlanes);
		final Result out = new Result();
		out.notes.addAll(ImageSlices.notes(imp, r.allPlanes));
		if (labels) out.notes.addAll(companionNotes(r.roiImage, "roi_labels"));
		if (r.gtImage != null) out.notes.addAll(companionNotes(r.gtImage, "gt_labels"));
		for (final String n : out.notes)
			host.note(n);

		final String name = imp.getTitle();
		final int total = planes.size() * r.runs.size();
		host.status("XAI-CLIP: loading " + s.segModel().getFileName() + (s.roiSource() == RoiSourceKind.TEXT ? " and " + s.clipModel().getFileName() : ""));
		try (Explainer explainer = Explainer.open(s, RuntimeOptions.defaults())) {
			explainer.canceled(host::canceled);
			for (int i = 0; i < planes.size(); i++) {
				final int plane = planes.get(i);
				if (host.canceled()) throw canceled(i, planes.size());
				final String where = planes.size() > 1 ? " slice " + plane + " (" + (i + 1) + "/" + planes.size() + ")" : "";
				host.status("XAI-CLIP: finding the region" + where);
				final RandomAccessibleInterval<? extends RealType<?>> roiPlane = selection ? ArrayImgs.unsignedBytes((byte[]) selectionMask.getPixels(),
					imp.getWidth(), imp.getHeight()) : labels ? ImageSlices.companion(r.roiImage, "roi_labels", imp, plane) : null;
				final RandomAccessibleInterval<FloatType> gtPlane = r.gtImage == null ? null : ImageSlices.companion(r.gtImage, "gt_labels", imp, plane);
				final Explainer.Prepared prepared;
				try {
					prepared = explainer.prepare(new Explainer.SliceInput(name, plane, ImageSlices.plane(imp, plane), px, roiPlane, gtPlane));
				}
				catch (final CancellationException e) {
					throw canceled(i, planes.size());
				}
				for (int k = 0; k < r.runs.size(); k++) {
					final Run run = r.runs.get(k);
					final int step = i * r.runs.size() + k;
					final String what = "XAI-CLIP: " + run + where;
					explainer.listener((done, of) -> {
						host.status(what + ", " + done + "/" + of + " evaluations");
						host.progress((step + (of > 0 ? done / (double) of : 0)) / total);
					});
					final SliceResult result;
					try {
						result = explainer.explain(prepared, s.perturbation(run.method), run.mode);
					}
					catch (final CancellationException e) {
						throw canceled(i, planes.size());
					}
					out.rows.add(result);
				}
				if (prepared.roi() != null)
					out.regions.add(Displays.selection(prepared.roi(), regionName(s, r.roiSource, plane, planes.size() > 1), imp.getStackSize() > 1 ? plane : 0));
			}
		}
		host.progress(1);
		host.status("XAI-CLIP: " + out.rows.size() + " explanation" + (out.rows.size() == 1 ? "" : "s") + " of '" + name + "' done");
		return out;
	}

	private static CancellationException canceled(final int done, final int planes) {
		return new CancellationException("canceled" + (planes > 1 ? " after " + done + " of " + planes + " slices" : "")
			+ "; no images, rows or regions were added");
	}

	private static List<String> companionNotes(final ImagePlus companion, final String parameter) {
		final List<String> notes = new ArrayList<>();
		if (companion.getType() == ImagePlus.COLOR_RGB || companion.getType() == ImagePlus.COLOR_256)
			notes.add(parameter + ": '" + companion.getTitle() + "' is a colour image; its labels are read as the mean of red, green and blue");
		return notes;
	}

	private static String regionName(final ExplainSettings s, final String roiSource, final int plane, final boolean stack) {
		final String source = s.roiSource() == RoiSourceKind.TEXT ? "text '" + s.prompt() + "'" : roiSource.trim().toLowerCase(Locale.ROOT);
		return "XAI-CLIP region for " + s.target() + " (" + source + ")" + (stack ? " slice " + plane : "");
	}

	/** The descriptor of the segmentation model, with the target checked against its classes. */
	private static ModelDescriptor.Segmentation segmentationDescriptor(final ExplainSettings s) {
		final ModelDescriptor.Segmentation d = segmentationDescriptor(s.segModel());
		if (!d.classes().contains(s.target()))
			throw new IllegalArgumentException("target: '" + s.target() + "' is not a class of " + s.segModel() + "; expected one of " + d.classes());
		return d;
	}

	private static ModelDescriptor.Segmentation segmentationDescriptor(final Path folder) {
		final ModelDescriptor d = ModelDescriptor.read(folder);
		if (d.kind() != ModelDescriptor.Kind.SEGMENTATION)
			throw new IllegalArgumentException("seg_model: " + d.source() + " describes a " + d.kind() + " model; expected kind: segmentation");
		return d.asSegmentation();
	}

	/**
	 * Refuses an image with fewer pixels, at the model's pixel size, than one block of the size the model's input
	 * must be a multiple of.
	 */
	static void checkSize(final ImagePlus imp, final ModelDescriptor d, final double[] pixelSizeMm) {
		final InputSpec spec = d.input().spec();
		if (spec.isFixed()) return;
		final int m = Math.max(2, spec.multipleOf());
		final double[] model = d.pixelSize();
		final double sx = model != null && pixelSizeMm != null ? pixelSizeMm[0] / model[0] : 1;
		final double sy = model != null && pixelSizeMm != null ? pixelSizeMm[1] / model[1] : 1;
		final long w = Math.round(imp.getWidth() * sx), h = Math.round(imp.getHeight() * sy);
		if (w >= m && h >= m) return;
		final String scaled = sx != 1 || sy != 1 ? String.format(Locale.ROOT, " (%dx%d at the model's %.3g mm pixels)", w, h, model[0]) : "";
		throw new IllegalArgumentException("image: '" + imp.getTitle() + "' is " + imp.getWidth() + "x" + imp.getHeight() + " pixels" + scaled
			+ ", smaller than the model needs; " + d.folder() + " takes images of at least " + m + "x" + m + " pixels");
	}

	private static List<Integer> planes(final ImagePlus imp, final boolean all) {
		final List<Integer> planes = new ArrayList<>();
		if (all) for (int z = 1; z <= imp.getStackSize(); z++)
			planes.add(z);
		else planes.add(imp.getCurrentSlice());
		return planes;
	}

	/** A saliency map and an overlay of the first run, one plane per explained plane. */
	static ImagePlus[] images(final ImagePlus source, final List<SliceResult> results) {
		final SliceResult first = results.get(0);
		final String title = Displays.stem(source) + "_" + first.explanation().method() + "_" + first.explanation().mode().id();
		final List<float[]> maps = new ArrayList<>();
		final List<BufferedImage> overlays = new ArrayList<>();
		final List<String> labels = new ArrayList<>();
		for (final SliceResult r : results) {
			final float[] s = r.explanation().saliencyValues();
			maps.add(s);
			final Roi outline = r.explanation().roi() != null ? r.explanation().roi() : r.roi();
			overlays.add(Overlay.of(r.preprocessed(), s, r.width(), r.height(), outline, r.truth(), 1));
			labels.add(source.getStackSize() > 1 ? "slice " + r.slice() : source.getTitle());
		}
		final ImagePlus saliency = Displays.map(title + "_saliency", maps, labels, first.width(), first.height(), source);
		final ImagePlus overlay = Displays.rgb(title + "_overlay", overlays, labels, source);
		return new ImagePlus[] { saliency, overlay };
	}

	/** What a text prompt finds on the requested planes: the similarity maps and the regions. */
	static final class Localized {

		ImagePlus similarity;
		final List<ij.gui.Roi> regions = new ArrayList<>();
		final List<String> notes = new ArrayList<>();
	}

	/**
	 * Localizes {@code prompt} with the vision-language model in {@code clipModel} on the current or every plane.
	 *
	 * @throws CancellationException when the user stopped it; nothing is kept
	 */
	Localized localize(final ImagePlus image, final Path clipModel, final String prompt, final boolean allPlanes) {
		final ImagePlus imp = requireImage(image);
		ImageSlices.checkShape(imp, "image");
		if (clipModel == null) throw new IllegalArgumentException("clip_model: missing; expected the folder of a vision-language model");
		if (!java.nio.file.Files.isDirectory(clipModel))
			throw new IllegalArgumentException("clip_model: " + clipModel + " is not a folder; expected a vision-language model folder with xai-clip.yaml");
		if (prompt == null || prompt.trim().isEmpty()) throw new IllegalArgumentException("prompt: empty; expected the structure to find, e.g. 'liver'");
		final ModelDescriptor d = ModelDescriptor.read(clipModel);
		if (d.kind() != ModelDescriptor.Kind.VISION_LANGUAGE)
			throw new IllegalArgumentException("clip_model: " + d.source() + " describes a " + d.kind() + " model; expected kind: vision-language");
		final List<Integer> planes = planes(imp, allPlanes);
		final Localized out = new Localized();
		out.notes.addAll(ImageSlices.notes(imp, allPlanes));
		for (final String n : out.notes)
			host.note(n);
		final List<float[]> maps = new ArrayList<>();
		final List<String> labels = new ArrayList<>();
		host.status("XAI-CLIP: loading " + clipModel.getFileName());
		try (VisionLanguageModel clip = ModelRuntimes.get().visionLanguage(clipModel, RuntimeOptions.defaults())) {
			final TextRegionLocalizer localizer = new TextRegionLocalizer(clip);
			for (int i = 0; i < planes.size(); i++) {
				final int plane = planes.get(i);
				if (host.canceled()) throw canceled(i, planes.size());
				host.status("XAI-CLIP: finding '" + prompt.trim() + "'" + (planes.size() > 1 ? " on slice " + plane : ""));
				host.progress(i / (double) planes.size());
				final TextRegionLocalizer.Result found = localizer.localizeAll(localizer.embed(d.preprocessing().apply(ImageSlices.plane(imp, plane))),
					prompt, TextRegionLocalizer.Options.defaults());
				maps.add(found.prompts().get(0).similarity());
				labels.add(planes.size() > 1 || imp.getStackSize() > 1 ? "slice " + plane : imp.getTitle());
				out.regions.add(Displays.selection(found.region(), "XAI-CLIP region of '" + prompt.trim() + "'" + (planes.size() > 1 ? " slice " + plane : ""),
					imp.getStackSize() > 1 ? plane : 0));
			}
		}
		host.progress(1);
		out.similarity = Displays.map(Displays.stem(imp) + "_similarity", maps, labels, imp.getWidth(), imp.getHeight(), imp);
		host.status("XAI-CLIP: '" + prompt.trim() + "' found on " + planes.size() + " plane" + (planes.size() == 1 ? "" : "s"));
		return out;
	}

	/** The names of {@link ExplainSettings#METHODS} in a comma-separated list, checked. */
	static List<String> methods(final String list) {
		final List<String> out = new ArrayList<>();
		for (final String m : (list == null ? "" : list).split("[,\\s]+")) {
			final String t = m.trim().toLowerCase(Locale.ROOT);
			if (t.isEmpty()) continue;
			boolean known = false;
			for (final String k : ExplainSettings.METHODS)
				known |= k.equals(t);
			if (!known) throw new IllegalArgumentException("methods: '" + t + "' is not a method; expected a list of occlusion, rise, lime");
			if (!out.contains(t)) out.add(t);
		}
		if (out.isEmpty()) throw new IllegalArgumentException("methods: empty; expected e.g. occlusion,rise,lime");
		return Collections.unmodifiableList(out);
	}
}
