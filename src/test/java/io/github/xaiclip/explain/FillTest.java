package io.github.xaiclip.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.github.xaiclip.model.PackedImage;

class FillTest {

	@Test
	void parsesEveryKind() {
		assertEquals(Fill.zero(), Fill.parse("zero"));
		assertEquals(Fill.mean(), Fill.parse("mean"));
		assertEquals(Fill.blur(5), Fill.parse("blur"));
		assertEquals(Fill.blur(2.5), Fill.parse("blur:2.5"));
		assertEquals(Fill.constant(-3), Fill.parse("constant:-3"));
		// case and surrounding blanks do not matter
		assertEquals(Fill.zero(), Fill.parse("  Zero "));
		assertEquals(Fill.blur(2.5), Fill.parse("BLUR: 2.5"));
		assertEquals(Fill.constant(0.25), Fill.parse("constant:0.25"));
		assertNotEquals(Fill.blur(2.5), Fill.blur(2.4));
		assertNotEquals(Fill.zero(), Fill.constant(0));
		assertNotEquals(Fill.zero(), Fill.mean());
	}

	@Test
	void toStringRoundTrips() {
		assertEquals("zero", Fill.zero().toString());
		assertEquals("mean", Fill.mean().toString());
		assertEquals("blur:5.0", Fill.parse("blur").toString());
		assertEquals("blur:2.5", Fill.parse("blur:2.5").toString());
		assertEquals("constant:-3.0", Fill.parse("constant:-3").toString());
		for (final Fill f : new Fill[] { Fill.zero(), Fill.mean(), Fill.blur(5), Fill.blur(2.5), Fill.blur(0.1), Fill.constant(-3), Fill.constant(1e-7) }) {
			final Fill back = Fill.parse(f.toString());
			assertEquals(f, back, f.toString());
			assertEquals(f.hashCode(), back.hashCode(), f.toString());
			assertEquals(f.toString(), back.toString());
		}
	}

	@Test
	void badStringsAreRefusedWithAFillMessage() {
		for (final String s : new String[] { "foo", "constant", "blur:-1", "constant:x", "blur:0", "blur:", "zero:1", "mean:2", "", "blur:abc",
			"constant:NaN", "constant:Infinity", "blur:Infinity" }) {
			final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fill.parse(s), "'" + s + "'");
			assertTrue(e.getMessage().startsWith("fill:"), "'" + s + "': " + e.getMessage());
		}
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fill.parse(null));
		assertTrue(e.getMessage().startsWith("fill:"), e.getMessage());
		assertThrows(IllegalArgumentException.class, () -> Fill.blur(-1));
		assertThrows(IllegalArgumentException.class, () -> Fill.blur(Double.NaN));
		assertThrows(IllegalArgumentException.class, () -> Fill.constant(Double.POSITIVE_INFINITY));
	}

	static PackedImage ramp(final int w, final int h, final int c) {
		final float[] v = new float[w * h * c];
		for (int i = 0; i < v.length; i++)
			v[i] = i * 0.5f - 3;
		return new PackedImage(w, h, c, v);
	}

	@Test
	void zeroAndConstantBaselines() {
		final PackedImage image = ramp(4, 3, 2);
		final PackedImage zero = Fill.zero().baseline(image);
		assertEquals(4, zero.width());
		assertEquals(3, zero.height());
		assertEquals(2, zero.channels());
		assertArrayEquals(new float[24], zero.data());
		final float[] minus3 = new float[24];
		Arrays.fill(minus3, -3f);
		assertArrayEquals(minus3, Fill.parse("constant:-3").baseline(image).data());
		// the image is left alone
		assertArrayEquals(ramp(4, 3, 2).data(), image.data());
	}

	@Test
	void meanBaselineIsPerChannel() {
		// 3x1, 2 channels (packed yxc): channel 0 = 1, 2, 6 (mean 3); channel 1 = 10, 20, 60 (mean 30)
		final PackedImage image = new PackedImage(3, 1, 2, new float[] { 1, 10, 2, 20, 6, 60 });
		assertArrayEquals(new float[] { 3, 30, 3, 30, 3, 30 }, Fill.mean().baseline(image).data(), 1e-6f);
		// one channel, 2x2: (1 + 2 + 3 + 4) / 4 = 2.5
		assertArrayEquals(new float[] { 2.5f, 2.5f, 2.5f, 2.5f }, Fill.mean().baseline(new PackedImage(2, 2, 1, new float[] { 1, 2, 3, 4 })).data(),
			1e-6f);
	}

	@Test
	void blurOfAConstantImageStaysConstant() {
		final int w = 9, h = 7;
		final float[] v = new float[w * h * 2];
		for (int p = 0; p < w * h; p++) {
			v[p * 2] = 4.25f;
			v[p * 2 + 1] = -1.5f;
		}
		for (final double sigma : new double[] { 0.3, 1, 2.5, 10 }) {
			final float[] out = Fill.blur(sigma).baseline(new PackedImage(w, h, 2, v)).data();
			for (int p = 0; p < w * h; p++) {
				assertEquals(4.25f, out[p * 2], 1e-5f, "sigma " + sigma + " pixel " + p);
				assertEquals(-1.5f, out[p * 2 + 1], 1e-5f, "sigma " + sigma + " pixel " + p);
			}
		}
		// a 1-pixel-wide image: mirroring has nothing to reflect
		assertArrayEquals(new float[] { 7, 7, 7 }, Fill.blur(2).baseline(new PackedImage(1, 3, 1, new float[] { 7, 7, 7 })).data(), 1e-5f);
	}

	@Test
	void blurOfOneBrightPixelIsSymmetricAndKeepsItsTotal() {
		// 21x21, pixel (10, 10) = 100 in channel 1 only; sigma 1.5 reaches 5 px, far from the borders
		final int w = 21, h = 21, c = 2, cx = 10, cy = 10;
		final float[] v = new float[w * h * c];
		v[(cy * w + cx) * c + 1] = 100;
		final PackedImage out = Fill.blur(1.5).baseline(new PackedImage(w, h, c, v));
		double total = 0;
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				assertEquals(0f, out.get(x, y, 0), "channel 0 stays dark at " + x + "," + y);
				total += out.get(x, y, 1);
			}
		assertEquals(100, total, 1e-3);
		for (int dy = -6; dy <= 6; dy++)
			for (int dx = -6; dx <= 6; dx++) {
				final float o = out.get(cx + dx, cy + dy, 1);
				assertEquals(o, out.get(cx - dx, cy + dy, 1), 1e-5f, "mirror x at " + dx + "," + dy);
				assertEquals(o, out.get(cx + dx, cy - dy, 1), 1e-5f, "mirror y at " + dx + "," + dy);
				assertEquals(o, out.get(cx + dy, cy + dx, 1), 1e-5f, "transpose at " + dx + "," + dy);
				if (dx > 0 && dx <= 5 && Math.abs(dy) <= 5) assertTrue(o < out.get(cx + dx - 1, cy + dy, 1), "decreases away from the centre at " + dx + "," + dy);
			}
		assertTrue(out.get(cx, cy, 1) < 100 && out.get(cx, cy, 1) > 0);
		// separable Gaussian: the ratio of neighbours along an axis is exp(-(2 d + 1) / (2 sigma^2))
		final double r1 = out.get(cx + 1, cy, 1) / (double) out.get(cx, cy, 1);
		assertEquals(Math.exp(-1 / (2 * 1.5 * 1.5)), r1, 1e-5);
		final double r2 = out.get(cx + 2, cy + 1, 1) / (double) out.get(cx + 1, cy + 1, 1);
		assertEquals(Math.exp(-3 / (2 * 1.5 * 1.5)), r2, 1e-5);
	}

	@Test
	void blurMirrorsAtTheBorder() {
		// a 6x1 image with bright ends, against a brute-force 1D Gaussian (truncated at 3 sigma) with mirrored borders
		final float[] v = { 8, 0, 0, 0, 0, 4 };
		final double sigma = 1.0;
		final int r = 3;
		final double[] k = new double[2 * r + 1];
		double sum = 0;
		for (int i = -r; i <= r; i++)
			sum += k[i + r] = Math.exp(-i * i / (2 * sigma * sigma));
		// mirror without repeating the edge: index -1 -> 1, -2 -> 2, 6 -> 4, 7 -> 3
		final int[][] mirrored = new int[6][2 * r + 1];
		for (int x = 0; x < 6; x++)
			for (int i = -r; i <= r; i++) {
				int q = x + i;
				if (q < 0) q = -q;
				if (q > 5) q = 10 - q;
				mirrored[x][i + r] = q;
			}
		final float[] expected = new float[6];
		for (int x = 0; x < 6; x++) {
			double s = 0;
			for (int i = -r; i <= r; i++)
				s += k[i + r] / sum * v[mirrored[x][i + r]];
			expected[x] = (float) s;
		}
		assertArrayEquals(expected, Fill.blur(sigma).baseline(new PackedImage(6, 1, 1, v.clone())).data(), 1e-5f);
	}
}
