package io.github.xaiclip.image;

import java.util.Arrays;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

/**
 * A 3D scalar image in the project's display convention (DESIGN.md, "Images: orientation and physical size"), with
 * its physical calibration.
 * <p>
 * Axes are {@code (x, y, z)}: axial slices with the patient's right at column {@code x = 0} (the image's left),
 * the most anterior row at {@code y = 0} (the top), and slices ordered from inferior ({@code z = 0}) to superior.
 * A 2D image is a volume of depth 1.
 * <p>
 * Values are held as 32-bit floats, indexed {@code x + width * (y + height * z)}. {@link #dataType()} says how the
 * values are stored on disk: integer types (label maps, CT in Hounsfield units) are held exactly, since every
 * integer of magnitude up to 2<sup>24</sup> is a float; the reader refuses a stored integer that has no exact float
 * rather than round it.
 * <p>
 * {@link #affine()} maps voxel indices {@code (x, y, z, 1)} to NIfTI world coordinates in {@link #unit()}. NIfTI's
 * world is RAS+: world +x points to the patient's right, +y anterior, +z superior. In the display convention the
 * column axis (x) therefore points mostly along world -x (to the patient's left), the row axis (y) along world -y
 * (posterior) and the slice axis (z) along world +z (superior): axis codes "LPS", as DICOM's patient coordinates.
 * The constructor checks this.
 * <p>
 * The calibration is immutable; the image is not copied and its values may be changed in place (writers check
 * that the values fit {@link #dataType()} when they write).
 */
public final class Volume {

	/**
	 * How values are stored on disk, with NIfTI codes. Values of 8- and 16-bit types are always exact floats; 32-bit
	 * integers are exact up to magnitude 2<sup>24</sup> (and beyond where the float happens to be exact).
	 */
	public enum DataType {
		UINT8(2, 1, 0, 255), INT8(256, 1, -128, 127), INT16(4, 2, -32768, 32767), UINT16(512, 2, 0, 65535),
		INT32(8, 4, Integer.MIN_VALUE, Integer.MAX_VALUE), UINT32(768, 4, 0, 4294967295.0), FLOAT32(16, 4, Double.NaN, Double.NaN);

		private final int code, bytes;
		private final double min, max;

		DataType(final int code, final int bytes, final double min, final double max) {
			this.code = code;
			this.bytes = bytes;
			this.min = min;
			this.max = max;
		}

		/** The NIfTI-1 {@code datatype} code. */
		public int code() {
			return code;
		}

		/** Bytes per voxel on disk. */
		public int bytes() {
			return bytes;
		}

		public boolean isInteger() {
			return this != FLOAT32;
		}

		/**
		 * Whether {@code v} is stored exactly by this type: any float for FLOAT32, else an integer in the type's range.
		 */
		public boolean holds(final float v) {
			return this == FLOAT32 || (v >= min && v <= max && v == Math.rint(v));
		}

		@Override
		public String toString() {
			return name().toLowerCase();
		}
	}

	private final ArrayImg<FloatType, FloatArray> image;
	private final float[] values;
	private final int width, height, depth;
	private final double[] voxelSize;
	private final String unit;
	private final double[][] affine, sourceAffine;
	private final DataType dataType;

	/**
	 * @param image        3D, {@code (x, y, z)} in the display convention; not copied
	 * @param voxelSize    spacing along x, y, z in {@code unit}; positive and finite
	 * @param unit         e.g. "mm"
	 * @param affine       4x4 (or its first 3 rows): voxel {@code (x, y, z)} to RAS+ world coordinates in
	 *                     {@code unit}; its dominant directions must be world -x, -y, +z (see the class comment)
	 * @param sourceAffine the affine of the array as it was stored in the file it was read from (file voxel indices
	 *                     to world); {@code null} for {@code affine}
	 * @param dataType     how the values are stored on disk
	 */
	public Volume(final ArrayImg<FloatType, FloatArray> image, final double[] voxelSize, final String unit, final double[][] affine,
		final double[][] sourceAffine, final DataType dataType) {
		if (image.numDimensions() != 3)
			throw new IllegalArgumentException("volume: expected a 3D image (x, y, z), got " + image.numDimensions() + " dimensions");
		if (image.size() > Integer.MAX_VALUE) throw new IllegalArgumentException("volume: " + image.size() + " voxels are too many");
		this.image = image;
		this.values = image.update(null).getCurrentStorageArray();
		width = (int) image.dimension(0);
		height = (int) image.dimension(1);
		depth = (int) image.dimension(2);
		if (voxelSize.length != 3) throw new IllegalArgumentException("voxel size: expected 3 values (x, y, z), got " + voxelSize.length);
		for (final double s : voxelSize)
			if (!(s > 0) || Double.isInfinite(s)) throw new IllegalArgumentException("voxel size: expected positive finite values, got " + Arrays.toString(voxelSize));
		if (unit == null || unit.trim().isEmpty()) throw new IllegalArgumentException("unit: expected a length unit such as mm, got '" + unit + "'");
		if (dataType == null) throw new IllegalArgumentException("data type: missing");
		this.voxelSize = voxelSize.clone();
		this.unit = unit;
		this.affine = checkedAffine(affine, "affine");
		final int[] axes = Orientation.dominantAxes(this.affine);
		if (axes == null || axes[0] != -1 || axes[1] != -2 || axes[2] != 3)
			throw new IllegalArgumentException("affine: the axes point to " + Orientation.describe(this.affine)
				+ "; expected x towards the patient's left, y posterior, z superior (the display convention)");
		this.sourceAffine = sourceAffine == null ? copy(this.affine) : checkedAffine(sourceAffine, "source affine");
		this.dataType = dataType;
	}

	/**
	 * A volume with an axis-aligned affine (origin at voxel 0) in the display convention and no source file.
	 *
	 * @see #Volume(ArrayImg, double[], String, double[][], double[][], DataType)
	 */
	public static Volume of(final ArrayImg<FloatType, FloatArray> image, final double[] voxelSize, final String unit, final DataType dataType) {
		if (voxelSize.length != 3) throw new IllegalArgumentException("voxel size: expected 3 values (x, y, z), got " + voxelSize.length);
		final double[][] a = { { -voxelSize[0], 0, 0, 0 }, { 0, -voxelSize[1], 0, 0 }, { 0, 0, voxelSize[2], 0 }, { 0, 0, 0, 1 } };
		return new Volume(image, voxelSize, unit, a, null, dataType);
	}

	/** The same geometry (size, calibration, affines) with other values, e.g. a saliency map over this scan. */
	public Volume withValues(final ArrayImg<FloatType, FloatArray> other, final DataType type) {
		if (other.numDimensions() != 3 || other.dimension(0) != width || other.dimension(1) != height || other.dimension(2) != depth)
			throw new IllegalArgumentException("volume: the new image is " + Arrays.toString(other.dimensionsAsLongArray()) + ", expected "
				+ width + " x " + height + " x " + depth);
		return new Volume(other, voxelSize, unit, affine, sourceAffine, type);
	}

	/** A new float image of the given size, for callers that fill one in. */
	public static ArrayImg<FloatType, FloatArray> newImage(final int width, final int height, final int depth) {
		return ArrayImgs.floats(width, height, depth);
	}

	/** The image; not a copy. */
	public ArrayImg<FloatType, FloatArray> image() {
		return image;
	}

	/** The backing values, indexed {@code x + width * (y + height * z)}; not a copy. */
	public float[] values() {
		return values;
	}

	public float get(final int x, final int y, final int z) {
		if (x < 0 || y < 0 || z < 0 || x >= width || y >= height || z >= depth)
			throw new IndexOutOfBoundsException("voxel (" + x + ", " + y + ", " + z + ") is outside " + width + " x " + height + " x " + depth);
		return values[x + width * (y + height * z)];
	}

	public int width() {
		return width;
	}

	public int height() {
		return height;
	}

	public int depth() {
		return depth;
	}

	/** Voxel spacing along x, y, z in {@link #unit()}; a copy. */
	public double[] voxelSize() {
		return voxelSize.clone();
	}

	public String unit() {
		return unit;
	}

	/** 4x4, voxel {@code (x, y, z)} of this volume to RAS+ world coordinates; a copy. */
	public double[][] affine() {
		return copy(affine);
	}

	/** 4x4, voxel indices of the array as stored in the source file to RAS+ world coordinates; a copy. */
	public double[][] sourceAffine() {
		return copy(sourceAffine);
	}

	public DataType dataType() {
		return dataType;
	}

	@Override
	public String toString() {
		return "Volume[" + width + " x " + height + " x " + depth + " " + dataType + ", " + voxelSize[0] + " x " + voxelSize[1] + " x " + voxelSize[2] + " "
			+ unit + "]";
	}

	private static double[][] checkedAffine(final double[][] a, final String what) {
		if (a == null || (a.length != 3 && a.length != 4)) throw new IllegalArgumentException(what + ": expected a 4x4 matrix");
		final double[][] out = new double[4][4];
		for (int r = 0; r < a.length; r++) {
			if (a[r].length != 4) throw new IllegalArgumentException(what + ": expected a 4x4 matrix, row " + r + " has " + a[r].length + " values");
			for (int c = 0; c < 4; c++) {
				if (!Double.isFinite(a[r][c])) throw new IllegalArgumentException(what + ": value " + a[r][c] + " at row " + r + ", column " + c + " is not finite");
				out[r][c] = a[r][c];
			}
		}
		if (a.length == 4 && (a[3][0] != 0 || a[3][1] != 0 || a[3][2] != 0 || a[3][3] != 1))
			throw new IllegalArgumentException(what + ": the last row must be 0 0 0 1, got " + Arrays.toString(a[3]));
		out[3][3] = 1;
		if (Orientation.dominantAxes(out) == null) throw new IllegalArgumentException(what + ": the matrix is singular");
		return out;
	}

	static double[][] copy(final double[][] a) {
		final double[][] out = new double[a.length][];
		for (int r = 0; r < a.length; r++)
			out[r] = a[r].clone();
		return out;
	}
}
