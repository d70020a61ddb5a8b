package io.github.xaiclip.explain;

/** Weighted ridge regression with an unpenalized intercept, on binary features, solved by Cholesky. */
final class Ridge {

	private Ridge() {}

	/**
	 * The coefficients {@code beta} minimizing {@code sum_i w_i (y_i - b0 - z_i . beta)^2 + alpha |beta|^2}.
	 */
	static double[] fit(final boolean[][] z, final double[] y, final double[] w, final double alpha) {
		final int n = y.length, f = z[0].length;
		double sw = 0, ym = 0;
		final double[] xm = new double[f];
		for (int i = 0; i < n; i++) {
			sw += w[i];
			ym += w[i] * y[i];
			for (int j = 0; j < f; j++)
				if (z[i][j]) xm[j] += w[i];
		}
		ym /= sw;
		for (int j = 0; j < f; j++)
			xm[j] /= sw;
		final double[] a = new double[f * f], b = new double[f], xc = new double[f];
		for (int i = 0; i < n; i++) {
			for (int j = 0; j < f; j++)
				xc[j] = (z[i][j] ? 1 : 0) - xm[j];
			final double r = w[i] * (y[i] - ym);
			for (int j = 0; j < f; j++) {
				b[j] += r * xc[j];
				final double wx = w[i] * xc[j];
				for (int k = 0; k <= j; k++)
					a[j * f + k] += wx * xc[k];
			}
		}
		for (int j = 0; j < f; j++) {
			a[j * f + j] += alpha;
			for (int k = 0; k < j; k++)
				a[k * f + j] = a[j * f + k];
		}
		return solveSpd(a, b, f);
	}

	/** Solves {@code A x = b} for symmetric positive definite {@code A} (row-major, overwritten). */
	static double[] solveSpd(final double[] a, final double[] b, final int n) {
		for (int j = 0; j < n; j++) {
			double d = a[j * n + j];
			for (int k = 0; k < j; k++)
				d -= a[j * n + k] * a[j * n + k];
			if (!(d > 0)) throw new IllegalStateException("ridge: the system is not positive definite");
			final double l = Math.sqrt(d);
			a[j * n + j] = l;
			for (int i = j + 1; i < n; i++) {
				double s = a[i * n + j];
				for (int k = 0; k < j; k++)
					s -= a[i * n + k] * a[j * n + k];
				a[i * n + j] = s / l;
			}
		}
		final double[] x = b.clone();
		for (int i = 0; i < n; i++) {
			double s = x[i];
			for (int k = 0; k < i; k++)
				s -= a[i * n + k] * x[k];
			x[i] = s / a[i * n + i];
		}
		for (int i = n - 1; i >= 0; i--) {
			double s = x[i];
			for (int k = i + 1; k < n; k++)
				s -= a[k * n + i] * x[k];
			x[i] = s / a[i * n + i];
		}
		return x;
	}
}
