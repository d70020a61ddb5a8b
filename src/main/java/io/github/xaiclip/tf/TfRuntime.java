package io.github.xaiclip.tf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.DeviceSpec;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

import io.github.xaiclip.model.ModelDescriptor;
import io.github.xaiclip.model.ModelRuntime;
import io.github.xaiclip.model.RuntimeOptions;
import io.github.xaiclip.model.SegmentationModel;
import io.github.xaiclip.model.VisionLanguageModel;

/**
 * The TensorFlow model runtime. Before a model runs, its descriptor is checked against what the SavedModel declares
 * and the ops its signatures reach against the allow-list; then the SavedModel is loaded once per folder and
 * options and shared: each {@code segmentation}/{@code visionLanguage} call takes a reference that
 * {@code close()} gives back, and {@link #closeIdle()} frees models nobody holds.
 */
public final class TfRuntime implements ModelRuntime {

	private static final class Key {

		final Path folder;
		final RuntimeOptions options;

		Key(final Path folder, final RuntimeOptions options) {
			this.folder = folder;
			this.options = options.trusted(false);
		}

		@Override
		public boolean equals(final Object o) {
			return o instanceof Key && ((Key) o).folder.equals(folder) && ((Key) o).options.equals(options);
		}

		@Override
		public int hashCode() {
			return Objects.hash(folder, options);
		}
	}

	private static final class Entry {

		final SavedModelBundle bundle;
		int references;

		Entry(final SavedModelBundle bundle) {
			this.bundle = bundle;
		}
	}

	private final Map<Key, Entry> cache = new HashMap<>();
	private Boolean gpu;

	@Override
	public SegmentationModel segmentation(final Path folder, final RuntimeOptions options) {
		final ModelDescriptor d = ModelDescriptor.read(folder);
		if (!(d instanceof ModelDescriptor.Segmentation))
			throw new IllegalArgumentException(d.source() + ": kind: expected segmentation for a segmentation model, got " + d.kind());
		final ModelDescriptor.Segmentation s = (ModelDescriptor.Segmentation) d;
		check(d, options, s.signature());
		final Key key = new Key(folder(folder), options);
		return new TfSegmentationModel(acquire(key), releaser(key), s.signature(), d.input().name(), s.output().name(),
			d.input().axes() == ModelDescriptor.Axes.BCYX, s.output().activation(), d.input().spec(), d.receptiveField(), s.classes(), folder.toString());
	}

	@Override
	public VisionLanguageModel visionLanguage(final Path folder, final RuntimeOptions options) {
		final ModelDescriptor d = ModelDescriptor.read(folder);
		if (!(d instanceof ModelDescriptor.VisionLanguage))
			throw new IllegalArgumentException(d.source() + ": kind: expected vision-language for a vision-language model, got " + d.kind());
		final ModelDescriptor.VisionLanguage v = (ModelDescriptor.VisionLanguage) d;
		check(d, options, v.image().signature(), v.text().signature());
		final Key key = new Key(folder(folder), options);
		return new TfVisionLanguageModel(acquire(key), v, releaser(key));
	}

	@Override
	public Inspection inspect(final Path folder) {
		final SavedModelInfo info = SavedModelInspector.inspect(folder);
		final List<String> problems = new ArrayList<>();
		final StringBuilder report = new StringBuilder(info.report());
		ModelDescriptor d = null;
		try {
			d = ModelDescriptor.read(folder);
		}
		catch (final IllegalArgumentException e) {
			problems.add(e.getMessage());
		}
		if (d != null) {
			problems.addAll(DescriptorCheck.problems(d, info));
			if (problems.isEmpty()) for (final String sig : signatures(d))
				for (final OpSafety.Finding f : OpSafety.check(info, new LinkedHashSet<>(d.tags()), sig))
					problems.add(folder + ": signature '" + sig + "' reaches op " + f);
		}
		if (d != null) report.append(System.lineSeparator()).append("receptive field: ").append(d.receptiveField() == null
			? "not declared (cropped explanations need it declared, or probed: Cropping.AUTO, inspect --probe)" : d.receptiveField() + " (declared)");
		report.append(System.lineSeparator()).append(problems.isEmpty() ? "descriptor: fits the SavedModel; all ops allowed" : "problems:");
		for (final String p : problems)
			report.append(System.lineSeparator()).append("  ").append(p);
		return new Inspection(report.toString(), problems);
	}

	@Override
	public synchronized void closeIdle() {
		for (final Iterator<Entry> it = cache.values().iterator(); it.hasNext();) {
			final Entry e = it.next();
			if (e.references == 0) {
				e.bundle.close();
				it.remove();
			}
		}
	}

	@Override
	public String version() {
		return "TensorFlow " + org.tensorflow.TensorFlow.version() + " (TensorFlow Java)";
	}

	/** Loaded SavedModels (for tests and diagnostics). */
	synchronized int cached() {
		return cache.size();
	}

	private static List<String> signatures(final ModelDescriptor d) {
		final List<String> s = new ArrayList<>();
		if (d instanceof ModelDescriptor.Segmentation) s.add(((ModelDescriptor.Segmentation) d).signature());
		else {
			s.add(((ModelDescriptor.VisionLanguage) d).image().signature());
			s.add(((ModelDescriptor.VisionLanguage) d).text().signature());
		}
		return s;
	}

	private void check(final ModelDescriptor d, final RuntimeOptions options, final String... signatures) {
		final SavedModelInfo info = SavedModelInspector.inspect(d.folder());
		final List<String> problems = DescriptorCheck.problems(d, info);
		if (!problems.isEmpty())
			throw new IllegalArgumentException(problems.get(0) + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more: run inspect on the model)" : ""));
		if (!options.trusted()) for (final String sig : signatures)
			OpSafety.requireSafe(info, new LinkedHashSet<>(d.tags()), sig);
		if (options.device() == RuntimeOptions.Device.GPU && !hasGpu())
			throw new IllegalArgumentException("device: gpu requested, but TensorFlow finds no GPU here (a CPU build of the natives, or no CUDA device); "
				+ "use device=cpu or auto, or build with -Pgpu on a machine with CUDA");
	}

	private static Path folder(final Path folder) {
		try {
			return folder.toRealPath();
		}
		catch (final IOException e) {
			return folder.toAbsolutePath().normalize();
		}
	}

	private synchronized SavedModelBundle acquire(final Key key) {
		Entry e = cache.get(key);
		if (e == null) {
			final ModelDescriptor d = ModelDescriptor.read(key.folder);
			e = new Entry(SavedModelBundle.loader(key.folder.toString()).withTags(d.tags().toArray(new String[0])).withConfigProto(config(key.options))
				.load());
			cache.put(key, e);
		}
		e.references++;
		return e.bundle;
	}

	private Runnable releaser(final Key key) {
		final AtomicBoolean released = new AtomicBoolean();
		return () -> {
			if (released.compareAndSet(false, true)) synchronized (this) {
				final Entry e = cache.get(key);
				if (e != null) e.references--;
			}
		};
	}

	private static ConfigProto config(final RuntimeOptions o) {
		final ConfigProto.Builder b = ConfigProto.newBuilder();
		if (o.intraOpThreads() > 0) b.setIntraOpParallelismThreads(o.intraOpThreads());
		if (o.interOpThreads() > 0) b.setInterOpParallelismThreads(o.interOpThreads());
		if (o.device() == RuntimeOptions.Device.CPU) b.putDeviceCount("GPU", 0);
		if (o.device() == RuntimeOptions.Device.GPU) b.setAllowSoftPlacement(true).getGpuOptionsBuilder().setAllowGrowth(true);
		return b.build();
	}

	/** Whether an op can be placed on a GPU: a constant pinned to GPU:0 without soft placement. */
	private synchronized boolean hasGpu() {
		if (gpu == null) {
			try (Graph g = new Graph()) {
				final Ops tf = Ops.create(g).withDevice(DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.GPU).deviceIndex(0).build());
				final org.tensorflow.Operand<TFloat32> c = tf.withName("gpu_probe").constant(1f);
				try (Session s = new Session(g, ConfigProto.newBuilder().setAllowSoftPlacement(false).build());
					org.tensorflow.Result r = s.runner().fetch(c).run())
				{
					gpu = true;
				}
			}
			catch (final RuntimeException e) {
				gpu = false;
			}
		}
		return gpu;
	}
}
