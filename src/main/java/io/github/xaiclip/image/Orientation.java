package io.github.xaiclip.image;

/** The dominant world directions of an affine's voxel axes, and the quaternion arithmetic of NIfTI's qform. */
final class Orientation {

	private Orientation() {
	}

	/**
	 * For each voxel axis (column {@code a} of the affine's 3x3 part), the world axis it points along most, signed and
	 * 1-based: 1 = +x (R), -1 = -x (L), 2 = +y (A), -2 = -y (P), 3 = +z (S), -3 = -z (I). Always a permutation: the
	 * largest remaining entry of the column-normalised matrix is assigned first (as nibabel's io_orientation does
	 * for non-oblique data); among equal entries (exactly 45 degrees oblique) one on the diagonal wins, so that an
	 * axis keeps its place when it can and an affine already in a given orientation is recognised as such.
	 * {@code null} when the matrix is singular or not finite.
	 */
	static int[] dominantAxes(final double[][] affine) {
		final double[][] m = new double[3][3];
		for (int a = 0; a < 3; a++) {
			final double norm = Math.sqrt(affine[0][a] * affine[0][a] + affine[1][a] * affine[1][a] + affine[2][a] * affine[2][a]);
			if (!(norm > 0) || Double.isInfinite(norm)) return null;
			for (int w = 0; w < 3; w++)
				m[w][a] = affine[w][a] / norm;
		}
		if (!(Math.abs(det(m)) > 1e-6)) return null;
		final int[] out = new int[3];
		final boolean[] wUsed = new boolean[3], aUsed = new boolean[3];
		for (int k = 0; k < 3; k++) {
			int bw = -1, ba = -1;
			double best = -1;
			for (int w = 0; w < 3; w++)
				for (int a = 0; a < 3; a++)
					if (!wUsed[w] && !aUsed[a] && (Math.abs(m[w][a]) > best + 1e-9 || Math.abs(m[w][a]) >= best - 1e-9 && w == a && bw != ba)) {
						best = Math.abs(m[w][a]);
						bw = w;
						ba = a;
					}
			wUsed[bw] = true;
			aUsed[ba] = true;
			out[ba] = m[bw][ba] > 0 ? bw + 1 : -(bw + 1);
		}
		return out;
	}

	/** Axis codes such as "RAS" or "LPS" (nibabel's aff2axcodes), or "singular". */
	static String describe(final double[][] affine) {
		final int[] axes = dominantAxes(affine);
		if (axes == null) return "singular";
		final StringBuilder sb = new StringBuilder();
		for (final int w : axes)
			sb.append((w > 0 ? "RAS" : "LPI").charAt(Math.abs(w) - 1));
		return sb.toString();
	}

	static double det(final double[][] m) {
		return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
			+ m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
	}

	/**
	 * The qform affine (nifti1_io's nifti_quatern_to_mat44): rotation from the quaternion {@code (a, b, c, d)}, with
	 * {@code a = sqrt(1 - b^2 - c^2 - d^2)} (or 0 with b, c, d normalised when that is not positive), columns scaled by
	 * the voxel sizes (non-positive ones taken as 1) and the third by {@code qfac} (-1 when pixdim[0] < 0, else 1).
	 */
	static double[][] quaternToAffine(final double b0, final double c0, final double d0, final double qx, final double qy, final double qz,
		final double dx0, final double dy0, final double dz0, final double qfac) {
		double b = b0, c = c0, d = d0, a = 1 - (b * b + c * c + d * d);
		if (a < 1e-7) {
			final double s = 1 / Math.sqrt(b * b + c * c + d * d);
			b *= s;
			c *= s;
			d *= s;
			a = 0;
		}
		else a = Math.sqrt(a);
		final double dx = dx0 > 0 ? dx0 : 1, dy = dy0 > 0 ? dy0 : 1, dz = (dz0 > 0 ? dz0 : 1) * (qfac < 0 ? -1 : 1);
		return new double[][] { //
			{ (a * a + b * b - c * c - d * d) * dx, 2 * (b * c - a * d) * dy, 2 * (b * d + a * c) * dz, qx },
			{ 2 * (b * c + a * d) * dx, (a * a + c * c - b * b - d * d) * dy, 2 * (c * d - a * b) * dz, qy },
			{ 2 * (b * d - a * c) * dx, 2 * (c * d + a * b) * dy, (a * a + d * d - c * c - b * b) * dz, qz }, //
			{ 0, 0, 0, 1 } };
	}

	/**
	 * The qform of an affine (nifti1_io's nifti_mat44_to_quatern): {@code {b, c, d, qfac}} of the rotation nearest to
	 * the column-normalised 3x3 part (polar decomposition), with qfac = -1 when that part has a negative determinant.
	 */
	static double[] affineToQuatern(final double[][] affine) {
		double[][] r = new double[3][3];
		for (int col = 0; col < 3; col++) {
			final double n = Math.sqrt(affine[0][col] * affine[0][col] + affine[1][col] * affine[1][col] + affine[2][col] * affine[2][col]);
			for (int w = 0; w < 3; w++)
				r[w][col] = affine[w][col] / n;
		}
		for (int it = 0; it < 100; it++) {
			final double[][] next = polarStep(r);
			double change = 0;
			for (int i = 0; i < 3; i++)
				for (int j = 0; j < 3; j++)
					change = Math.max(change, Math.abs(next[i][j] - r[i][j]));
			r = next;
			if (change < 1e-15) break;
		}
		double qfac = 1;
		if (det(r) < 0) {
			qfac = -1;
			for (int w = 0; w < 3; w++)
				r[w][2] = -r[w][2];
		}
		final double r11 = r[0][0], r12 = r[0][1], r13 = r[0][2], r21 = r[1][0], r22 = r[1][1], r23 = r[1][2], r31 = r[2][0], r32 = r[2][1], r33 = r[2][2];
		double a = r11 + r22 + r33 + 1, b, c, d;
		if (a > 0.5) {
			a = 0.5 * Math.sqrt(a);
			b = 0.25 * (r32 - r23) / a;
			c = 0.25 * (r13 - r31) / a;
			d = 0.25 * (r21 - r12) / a;
		}
		else {
			final double xd = 1 + r11 - (r22 + r33), yd = 1 + r22 - (r11 + r33), zd = 1 + r33 - (r11 + r22);
			if (xd > 1) {
				b = 0.5 * Math.sqrt(xd);
				c = 0.25 * (r12 + r21) / b;
				d = 0.25 * (r13 + r31) / b;
				a = 0.25 * (r32 - r23) / b;
			}
			else if (yd > 1) {
				c = 0.5 * Math.sqrt(yd);
				b = 0.25 * (r12 + r21) / c;
				d = 0.25 * (r23 + r32) / c;
				a = 0.25 * (r13 - r31) / c;
			}
			else {
				d = 0.5 * Math.sqrt(zd);
				b = 0.25 * (r13 + r31) / d;
				c = 0.25 * (r23 + r32) / d;
				a = 0.25 * (r21 - r12) / d;
			}
			if (a < 0) {
				b = -b;
				c = -c;
				d = -d;
			}
		}
		return new double[] { b, c, d, qfac };
	}

	/** One step of {@code X <- (X + X^-T) / 2}, which converges to the orthogonal factor of X. */
	private static double[][] polarStep(final double[][] x) {
		final double det = det(x);
		final double[][] out = new double[3][3];
		for (int i = 0; i < 3; i++)
			for (int j = 0; j < 3; j++) {
				// (X^-T)[i][j] = cofactor(i, j) / det
				final int i1 = (i + 1) % 3, i2 = (i + 2) % 3, j1 = (j + 1) % 3, j2 = (j + 2) % 3;
				final double cof = x[i1][j1] * x[i2][j2] - x[i1][j2] * x[i2][j1];
				out[i][j] = 0.5 * (x[i][j] + cof / det);
			}
		return out;
	}
}
