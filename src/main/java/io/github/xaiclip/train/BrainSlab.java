package io.github.xaiclip.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.xaiclip.image.Nifti;
import io.github.xaiclip.image.Volume;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

/**
 * Derives the demo MRI from the mricron templates: the Colin27 T1 ({@code ch2.nii.gz}, 1 mm) and the AAL atlas on
 * the same grid ({@code aal.nii.gz}), reduced to a slab of 2 mm axial slices through the deep grey matter with only
 * the atlas regions of {@link DemoDomain#MRI}.
 * <p>
 * Both volumes are taken in the display convention (as {@link Nifti#read} gives them) and cut into blocks of 2 x 2 x 2
 * voxels, starting at voxel (0, 0, {@link #FIRST_SLICE}); a last row or column that does not fill a block is dropped.
 * A block of the scan becomes the mean of its 8 values, rounded to the nearest integer (uint8 stays uint8); a block of
 * the atlas becomes its most frequent value after every region not kept is set to 0, ties going to the smaller
 * value. The affine follows: a new voxel's centre is the centre of its block.
 */
public final class BrainSlab {

	/** The first 1 mm slice of the slab (in the display convention: counted from inferior). */
	static final int FIRST_SLICE = 36;
	/** Slices of 2 mm in the slab: from 8 mm below the lowest kept region to 8 mm above the highest. */
	static final int SLICES = 35;

	/** The derived scan and its label map. */
	public static final class Derived {

		public final Volume scan, labels;

		Derived(final Volume scan, final Volume labels) {
			this.scan = scan;
			this.labels = labels;
		}
	}

	private BrainSlab() {}

	/**
	 * Reads {@code ch2.nii.gz}, {@code aal.nii.gz} and {@code aal.nii.txt} from {@code source}, derives the slab and
	 * writes it into {@code target} as {@link DemoDomain#MRI} reads it: the scan, the label map, and
	 * {@code labels.tsv} (value, tab, the atlas's name) for the kept regions.
	 */
	public static Derived write(final Path source, final Path target) throws IOException {
		final Path t1 = source.resolve("ch2.nii.gz"), aal = source.resolve("aal.nii.gz"), names = source.resolve("aal.nii.txt");
		for (final Path p : new Path[] { t1, aal, names })
			if (!Files.isRegularFile(p)) throw new IllegalArgumentException("--mri-source: " + p + " not found (expected the mricron templates)");
		final Derived d = derive(Nifti.read(t1), Nifti.read(aal), DemoDomain.MRI.labels);
		Files.createDirectories(target);
		Nifti.write(d.scan, target.resolve(DemoDomain.MRI.scanFile));
		Nifti.write(d.labels, target.resolve(DemoDomain.MRI.labelsFile));
		final List<String> tsv = new ArrayList<>();
		for (final String line : Files.readAllLines(names, StandardCharsets.UTF_8)) {
			final String[] f = line.trim().split("\\s+");
			if (f.length >= 2 && f[0].matches("\\d+") && DemoDomain.MRI.classOf(Integer.parseInt(f[0])) > 0) tsv.add(f[0] + "\t" + f[1]);
		}
		if (tsv.size() != DemoDomain.MRI.labels.length - 1)
			throw new IllegalArgumentException("--mri-source: " + names + " names " + tsv.size() + " of the " + (DemoDomain.MRI.labels.length - 1) + " regions kept");
		Files.write(target.resolve("labels.tsv"), (String.join("\n", tsv) + "\n").getBytes(StandardCharsets.UTF_8));
		return d;
	}

	/** The slab of {@code t1} and {@code aal} (same grid), keeping the atlas values {@code keep} (0 is background). */
	static Derived derive(final Volume t1, final Volume aal, final int[] keep) {
		if (t1.width() != aal.width() || t1.height() != aal.height() || t1.depth() != aal.depth())
			throw new IllegalArgumentException("atlas: " + aal + " is not on the grid of the scan " + t1);
		if (FIRST_SLICE + 2 * SLICES > t1.depth())
			throw new IllegalArgumentException("scan: " + t1.depth() + " slices, the slab needs " + (FIRST_SLICE + 2 * SLICES));
		final int w = t1.width() / 2, h = t1.height() / 2, d = SLICES;
		final ArrayImg<FloatType, FloatArray> scan = Volume.newImage(w, h, d), labels = Volume.newImage(w, h, d);
		final float[] s = scan.update(null).getCurrentStorageArray(), l = labels.update(null).getCurrentStorageArray();
		final int[] votes = new int[8];
		final float[] values = new float[8];
		for (int z = 0; z < d; z++)
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					double sum = 0;
					int n = 0;
					for (int dz = 0; dz < 2; dz++)
						for (int dy = 0; dy < 2; dy++)
							for (int dx = 0; dx < 2; dx++) {
								final int ox = 2 * x + dx, oy = 2 * y + dy, oz = FIRST_SLICE + 2 * z + dz;
								sum += t1.get(ox, oy, oz);
								final float a = aal.get(ox, oy, oz);
								values[n++] = kept(a, keep) ? a : 0;
							}
					final int p = x + w * (y + h * z);
					s[p] = t1.dataType().isInteger() ? Math.round(sum / 8) : (float) (sum / 8);
					l[p] = mode(values, votes);
				}
		final double[][] a = t1.affine();
		final double[][] affine = new double[4][4];
		final double[] centre = { 0.5, 0.5, FIRST_SLICE + 0.5 };
		for (int r = 0; r < 3; r++) {
			affine[r][3] = a[r][3];
			for (int c = 0; c < 3; c++) {
				affine[r][c] = 2 * a[r][c];
				affine[r][3] += a[r][c] * centre[c];
			}
		}
		affine[3][3] = 1;
		final double[] size = t1.voxelSize();
		final double[] voxel = { 2 * size[0], 2 * size[1], 2 * size[2] };
		return new Derived(new Volume(scan, voxel, t1.unit(), affine, null, t1.dataType()),
			new Volume(labels, voxel, aal.unit(), affine, null, Volume.DataType.UINT8));
	}

	private static boolean kept(final float value, final int[] keep) {
		for (final int k : keep)
			if (k == value) return true;
		return false;
	}

	/** The most frequent of {@code values}; ties go to the smaller value. */
	static float mode(final float[] values, final int[] counts) {
		java.util.Arrays.fill(counts, 0);
		for (int i = 0; i < values.length; i++)
			for (int j = 0; j <= i; j++)
				if (values[j] == values[i]) {
					counts[j]++;
					break;
				}
		float best = values[0];
		int bestCount = 0;
		for (int i = 0; i < values.length; i++)
			if (counts[i] > bestCount || counts[i] == bestCount && counts[i] > 0 && values[i] < best) {
				best = values[i];
				bestCount = counts[i];
			}
		return best;
	}
}
