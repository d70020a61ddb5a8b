package io.github.xaiclip.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class RidgeTest {

	/** All 8 patterns of 3 binary features, and y = 0.3 + 2 z0 - z1 + 0 z2. */
	static boolean[][] patterns() {
		final boolean[][] z = new boolean[8][3];
		for (int i = 0; i < 8; i++)
			for (int j = 0; j < 3; j++)
				z[i][j] = (i >> j & 1) == 1;
		return z;
	}

	static double truth(final boolean[] z) {
		return 0.3 + 2 * (z[0] ? 1 : 0) - (z[1] ? 1 : 0) + 0 * (z[2] ? 1 : 0);
	}

	@Test
	void recoversKnownCoefficientsFromNoiselessData() {
		final boolean[][] z = patterns();
		final double[] y = new double[8], w = new double[8];
		for (int i = 0; i < 8; i++) {
			y[i] = truth(z[i]);
			w[i] = 1;
		}
		assertArrayEquals(new double[] { 2, -1, 0 }, Ridge.fit(z, y, w, 1e-9), 1e-6);
	}

	@Test
	void anyPositiveWeightsRecoverNoiselessCoefficients() {
		final boolean[][] z = patterns();
		final double[] y = new double[8], w = new double[8];
		final Random random = new Random(3);
		for (int i = 0; i < 8; i++) {
			y[i] = truth(z[i]);
			w[i] = 0.1 + 5 * random.nextDouble();
		}
		assertArrayEquals(new double[] { 2, -1, 0 }, Ridge.fit(z, y, w, 1e-9), 1e-6);
	}

	@Test
	void aRowOfZeroWeightIsIgnored() {
		// the 8 clean rows and a contaminated ninth: pattern (1, 1, 1) with y = 50 instead of 1.3
		final boolean[][] clean = patterns();
		final boolean[][] z = Arrays.copyOf(clean, 9);
		z[8] = new boolean[] { true, true, true };
		final double[] y = new double[9], w = new double[9];
		for (int i = 0; i < 8; i++) {
			y[i] = truth(z[i]);
			w[i] = 1;
		}
		y[8] = 50;
		w[8] = 0;
		assertArrayEquals(new double[] { 2, -1, 0 }, Ridge.fit(z, y, w, 1e-9), 1e-6);
		// with weight 1 the outlier pulls the fit away: the test above would notice a fit that ignored weights
		w[8] = 1;
		final double[] pulled = Ridge.fit(z, y, w, 1e-9);
		double change = 0;
		for (int j = 0; j < 3; j++)
			change = Math.max(change, Math.abs(pulled[j] - new double[] { 2, -1, 0 }[j]));
		assertTrue(change > 1, "outlier moved the coefficients by only " + change);
	}

	@Test
	void weightedFitOfOneFeatureIsTheDifferenceOfWeightedGroupMeans() {
		// z = 0, 1, 1 and y = 0, 1, 3: with an unpenalized intercept and no penalty,
		// beta = (weighted mean of y where z = 1) - (mean where z = 0)
		final boolean[][] z = { { false }, { true }, { true } };
		final double[] y = { 0, 1, 3 };
		// equal weights: (1 + 3) / 2 - 0 = 2
		assertEquals(2, Ridge.fit(z, y, new double[] { 1, 1, 1 }, 0)[0], 1e-12);
		// weights 1, 3, 1: (3 * 1 + 1 * 3) / 4 - 0 = 1.5
		assertEquals(1.5, Ridge.fit(z, y, new double[] { 1, 3, 1 }, 0)[0], 1e-12);
	}

	@Test
	void penaltyShrinksTheCoefficient() {
		// one feature: beta = Sxy / (Sxx + alpha), Sxx = sum w (z - zm)^2, Sxy = sum w (z - zm)(y - ym)
		// z = 0, 1; y = 0, 1; w = 1, 1: zm = ym = 0.5, Sxx = 0.5, Sxy = 0.5
		final boolean[][] z = { { false }, { true } };
		final double[] y = { 0, 1 };
		assertEquals(1.0, Ridge.fit(z, y, new double[] { 1, 1 }, 0)[0], 1e-12);
		assertEquals(0.5 / (0.5 + 0.5), Ridge.fit(z, y, new double[] { 1, 1 }, 0.5)[0], 1e-12);
		// weights 2, 2: Sxx = Sxy = 1, beta = 1 / 1.5 (the penalty is not scaled by the weights)
		assertEquals(1 / 1.5, Ridge.fit(z, y, new double[] { 2, 2 }, 0.5)[0], 1e-12);
	}

	@Test
	void solveSpdSolvesAHand3x3System() {
		// A = [4 2 0; 2 5 1; 0 1 3] (leading minors 4, 16, 44: positive definite), x = (1, -2, 3):
		// A x = (4 - 4 + 0, 2 - 10 + 3, 0 - 2 + 9) = (0, -5, 7)
		final double[] a = { 4, 2, 0, 2, 5, 1, 0, 1, 3 };
		assertArrayEquals(new double[] { 1, -2, 3 }, Ridge.solveSpd(a, new double[] { 0, -5, 7 }, 3), 1e-12);
		// 1x1: 4 x = 2
		assertArrayEquals(new double[] { 0.5 }, Ridge.solveSpd(new double[] { 4 }, new double[] { 2 }, 1), 1e-15);
		// diagonal
		assertArrayEquals(new double[] { 3, -0.25 }, Ridge.solveSpd(new double[] { 2, 0, 0, 8 }, new double[] { 6, -2 }, 2), 1e-15);
	}

	@Test
	void solveSpdLeavesTheRightHandSideAlone() {
		final double[] b = { 0, -5, 7 };
		Ridge.solveSpd(new double[] { 4, 2, 0, 2, 5, 1, 0, 1, 3 }, b, 3);
		assertArrayEquals(new double[] { 0, -5, 7 }, b, 0);
	}

	@Test
	void solveSpdRefusesAnIndefiniteMatrix() {
		// [1 2; 2 1] has eigenvalues 3 and -1
		assertThrows(IllegalStateException.class, () -> Ridge.solveSpd(new double[] { 1, 2, 2, 1 }, new double[] { 1, 1 }, 2));
		assertThrows(IllegalStateException.class, () -> Ridge.solveSpd(new double[] { 0 }, new double[] { 1 }, 1));
	}
}
