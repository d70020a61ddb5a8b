package io.github.xaiclip.image;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * Run by {@link LargerThanHeapTest} in a JVM with a small heap: streams a NIfTI volume several times the heap into a
 * float TIFF stack, printing one line per slice ({@code slice Z CHECKSUM}), what was refused, and the heap it used.
 * <p>
 * Arguments: the .nii to stream, the .tif to write, a non-axial .nii.gz too large to read whole, a .nii.gz whose
 * header claims far more than its data.
 */
public final class StreamingChild {

	private StreamingChild() {}

	/** An order-sensitive hash of a slice's values (their bits), the same in the test that checks them. */
	static long checksum(final float[] v) {
		long h = 17;
		for (final float f : v)
			h = h * 1_000_003 + Float.floatToIntBits(f);
		return h;
	}

	public static void main(final String[] args) throws InterruptedException {
		final Set<String> heap = new HashSet<>();
		for (final MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans())
			if (p.getType() == MemoryType.HEAP) heap.add(p.getName());
		final AtomicLong liveAfterGc = new AtomicLong(), collections = new AtomicLong();
		for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
			((NotificationEmitter) gc).addNotificationListener((n, hb) -> {
				if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) return;
				long used = 0;
				for (final java.util.Map.Entry<String, MemoryUsage> e : GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo()
					.getMemoryUsageAfterGc().entrySet())
					if (heap.contains(e.getKey())) used += e.getValue().getUsed();
				liveAfterGc.accumulateAndGet(used, Math::max);
				collections.incrementAndGet();
			}, null, null);

		final long t0 = System.nanoTime();
		final Path nii = Paths.get(args[0]), tif = Paths.get(args[1]);
		try {
			Images.read(nii);
			System.out.println("read: whole");
		}
		catch (final IllegalArgumentException e) {
			System.out.println("read refused: " + e.getMessage());
		}
		try (SliceSource s = Images.open(nii);
			TiffStackWriter w = TiffStackWriter.create(tif, TiffStackWriter.Kind.FLOAT32, s.width(), s.height(), s.depth(), s.voxelSizeMm())) {
			System.out.println("resident " + s.residentBytes());
			for (final int z : s.readingOrder()) {
				final float[] v = s.slice(z);
				System.out.println("slice " + z + " " + checksum(v));
				w.writeSlice(z, v);
			}
			w.finish();
		}
		final long t1 = System.nanoTime();
		try (SliceSource s = Images.open(Paths.get(args[2]))) {
			System.out.println("open: whole " + s.residentBytes());
		}
		catch (final IllegalArgumentException e) {
			System.out.println("open refused: " + e.getMessage());
		}
		try (SliceSource s = Images.open(Paths.get(args[3]))) {
			s.slice(s.readingOrder()[0]);
			System.out.println("slice: read");
		}
		catch (final IllegalArgumentException e) {
			System.out.println("slice refused: " + e.getMessage());
		}
		long peaks = 0;
		for (final MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans())
			if (p.getType() == MemoryType.HEAP) peaks += p.getPeakUsage().getUsed();
		Thread.sleep(200); // the collectors' notifications arrive on their own thread
		System.out.println("heap max " + Runtime.getRuntime().maxMemory() + " live-after-gc " + liveAfterGc.get() + " pool-peaks " + peaks + " collections "
			+ collections.get() + " stream-ms " + (t1 - t0) / 1_000_000);
	}
}
