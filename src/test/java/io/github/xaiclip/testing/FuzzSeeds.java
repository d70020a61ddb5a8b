package io.github.xaiclip.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import io.github.xaiclip.image.Nifti;
import io.github.xaiclip.image.Volume;
import net.imglib2.img.array.ArrayImgs;

/**
 * Writes the seed inputs of the fuzz tests into {@code src/test/resources}, from the real files where they are small
 * enough to fuzz and from small files written the way the project writes them otherwise. The seeds are committed;
 * this documents where they come from and rewrites them when a format changes:
 * {@code mvn -q test-compile exec:exec@bench -Dbench.class=io.github.xaiclip.testing.FuzzSeeds}.
 * <p>
 * Seeds are kept small (a few kB): the fuzzer mutates whole inputs, so every extra byte slows every execution.
 */
public final class FuzzSeeds {

	static final Path RESOURCES = Paths.get("src", "test", "resources", "io", "github", "xaiclip");

	private FuzzSeeds() {}

	public static void main(final String[] args) throws IOException {
		nifti(RESOURCES.resolve("image/NiftiFuzzTestInputs/read"));
	}

	// ---------------------------------------------------------------------------------------------------- NIfTI

	static void nifti(final Path out) throws IOException {
		Files.createDirectories(out);
		// the bundled CT and label map, cropped, each with its real header (dims patched to the crop)
		final byte[] ct = crop(gunzip(CtSlices.CT), 40, 30, 14, 6, 5, 2, 352);
		Files.write(out.resolve("ct-crop.nii"), ct);
		Files.write(out.resolve("ct-crop.nii.gz"), gzip(ct));
		Files.write(out.resolve("seg-crop.nii"), crop(gunzip(CtSlices.LABELS), 50, 40, 14, 8, 6, 2, 400));
		// written by the project: an oblique float32 volume, and an integer one compressed
		final double c = Math.cos(0.3), s = Math.sin(0.3);
		final double[][] oblique = { { -c * 0.8, s * 0.8, 0, 12.5 }, { -s * 0.8, -c * 0.8, 0, -30 }, { 0, 0, 2.5, 7 }, { 0, 0, 0, 1 } };
		final float[] values = new float[4 * 3 * 2];
		for (int i = 0; i < values.length; i++)
			values[i] = i * 1.5f - 7;
		Nifti.write(new Volume(ArrayImgs.floats(values, 4, 3, 2), new double[] { 0.8, 0.8, 2.5 }, "mm", oblique, oblique, Volume.DataType.FLOAT32),
			out.resolve("written-float32.nii"));
		final float[] labels = new float[5 * 4 * 1];
		for (int i = 0; i < labels.length; i++)
			labels[i] = i % 3;
		Nifti.write(Volume.of(ArrayImgs.floats(labels, 5, 4, 1), new double[] { 1, 1, 3 }, "mm", Volume.DataType.UINT16), out.resolve("written-uint16.nii.gz"));
		Files.write(out.resolve("big-endian-2d-float64.nii"), bigEndian2d());
	}

	/**
	 * A crop of a plain NIfTI-1 file's data with its header: {@code w x h x d} voxels from {@code (x0, y0, z0)}, data
	 * at {@code offset} (352, or more to keep the start of the header extension).
	 */
	private static byte[] crop(final byte[] nii, final int x0, final int y0, final int z0, final int w, final int h, final int d, final int offset) {
		final ByteBuffer in = ByteBuffer.wrap(nii).order(ByteOrder.LITTLE_ENDIAN);
		final int nx = in.getShort(42), ny = in.getShort(44), bytes = in.getShort(72) / 8, from = (int) in.getFloat(108);
		final ByteBuffer out = ByteBuffer.allocate(offset + w * h * d * bytes).order(ByteOrder.LITTLE_ENDIAN);
		out.put(nii, 0, offset);
		out.putShort(42, (short) w).putShort(44, (short) h).putShort(46, (short) d).putFloat(108, offset);
		if (offset > 352) out.putInt(352, offset - 352); // the extension's esize, shortened with it
		for (int z = 0; z < d; z++)
			for (int y = 0; y < h; y++)
				out.put(nii, from + (((z0 + z) * ny + y0 + y) * nx + x0) * bytes, w * bytes);
		return out.array();
	}

	/** A big-endian 2D float64 image with scaling and a qform only: the header paths the other seeds do not take. */
	private static byte[] bigEndian2d() {
		final int w = 3, h = 2;
		final ByteBuffer b = ByteBuffer.allocate(352 + w * h * 8).order(ByteOrder.BIG_ENDIAN);
		b.putInt(0, 348);
		b.putShort(40, (short) 2).putShort(42, (short) w).putShort(44, (short) h);
		b.putShort(70, (short) 64).putShort(72, (short) 64);
		b.putFloat(76, -1).putFloat(80, 0.5f).putFloat(84, 0.7f).putFloat(88, 1);
		b.putFloat(108, 352).putFloat(112, 2).putFloat(116, -1);
		b.put(123, (byte) 2);
		b.putShort(252, (short) 1);
		b.putFloat(256, 0).putFloat(260, 0).putFloat(264, 1).putFloat(268, 10).putFloat(272, 20).putFloat(276, 30);
		b.put(344, (byte) 'n').put(345, (byte) '+').put(346, (byte) '1');
		for (int i = 0; i < w * h; i++)
			b.putDouble(352 + 8 * i, i * 0.25 - 1);
		return b.array();
	}

	// ---------------------------------------------------------------------------------------------------- helpers

	static byte[] gunzip(final Path file) throws IOException {
		try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
			return in.readAllBytes();
		}
	}

	static byte[] gzip(final byte[] data) throws IOException {
		final ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (GZIPOutputStream z = new GZIPOutputStream(out)) {
			z.write(data);
		}
		return out.toByteArray();
	}
}
