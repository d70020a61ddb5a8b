package io.github.xaiclip.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

class PreprocessingTest {

	/** A 2D image {@code (x, y)} of doubles, {@code values} row by row. */
	static RandomAccessibleInterval<? extends RealType<?>> image(final int w, final int h, final double... values) {
		return ArrayImgs.doubles(values, w, h);
	}

	static void assertValues(final float[] expected, final PackedImage actual, final double tolerance) {
		assertEquals(expected.length, actual.data().length);
		for (int i = 0; i < expected.length; i++)
			assertEquals(expected[i], actual.data()[i], tolerance, "value " + i + " of " + Arrays.toString(actual.data()));
	}

	@Test
	void windowMapsMinToZeroAndMaxToOneAndClips() {
		final PackedImage out = Preprocessing.window(-160, 240).apply(image(5, 1, -1000, -160, 40, 240, 3000));
		assertEquals(5, out.width());
		assertEquals(1, out.height());
		assertEquals(1, out.channels());
		assertArrayEquals(new float[] { 0, 0, 0.5f, 1, 1 }, out.data());
	}

	@Test
	void percentilesInterpolateLinearlyBetweenSortedValuesAndAreNotClipped() {
		// values 0..9 in no order: p10 = 0 + 0.9 * (1 - 0) = 0.9, p90 = 8 + 0.1 * (9 - 8) = 8.1 (numpy's default)
		final double[] values = { 3, 7, 0, 9, 5, 1, 8, 2, 6, 4 };
		final PackedImage out = Preprocessing.percentile(10, 90).apply(image(5, 2, values));
		final float[] expected = new float[values.length];
		for (int i = 0; i < values.length; i++)
			expected[i] = (float) ((values[i] - 0.9) / 7.2);
		assertValues(expected, out, 1e-6);
		assertEquals(-0.125f, out.get(2, 0, 0), 1e-6, "0 lies below p10");
		assertEquals(1.125f, out.get(3, 0, 0), 1e-6, "9 lies above p90");

		// 0 and 100 are the smallest and largest values
		final PackedImage full = Preprocessing.percentile(0, 100).apply(image(5, 2, values));
		for (int i = 0; i < values.length; i++)
			assertEquals(values[i] / 9, full.data()[i], 1e-6);
	}

	@Test
	void percentileOfSortedValues() {
		// numpy: percentile([1, 2, 3, 4], [25, 50, 100]) = [1.75, 2.5, 4]; percentile([10], 30) = 10
		final double[] sorted = { 1, 2, 3, 4 };
		assertEquals(1.75, Preprocessing.percentile(sorted, 25), 1e-12);
		assertEquals(2.5, Preprocessing.percentile(sorted, 50), 1e-12);
		assertEquals(4, Preprocessing.percentile(sorted, 100), 0);
		assertEquals(1, Preprocessing.percentile(sorted, 0), 0);
		assertEquals(10, Preprocessing.percentile(new double[] { 10 }, 30), 0);
	}

	@Test
	void zeroMeanUnitVarianceUsesThePopulationStandardDeviation() {
		// mean 2.5, variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25
		final PackedImage out = Preprocessing.zeroMeanUnitVariance().apply(image(2, 2, 1, 2, 3, 4));
		final double std = Math.sqrt(1.25);
		assertValues(new float[] { (float) (-1.5 / std), (float) (-0.5 / std), (float) (0.5 / std), (float) (1.5 / std) }, out, 1e-6);
	}

	@Test
	void aConstantImageBecomesZeroNotNaN() {
		final RandomAccessibleInterval<? extends RealType<?>> constant = image(3, 1, 7, 7, 7);
		assertArrayEquals(new float[] { 0, 0, 0 }, Preprocessing.zeroMeanUnitVariance().apply(constant).data());
		assertArrayEquals(new float[] { 0, 0, 0 }, Preprocessing.percentile(1, 99).apply(constant).data());
		assertArrayEquals(new float[] { 0, 0, 0 }, Preprocessing.scaleRange(0, 1).apply(constant).data());
		assertArrayEquals(new float[] { -1, -1, -1 }, Preprocessing.scaleRange(-1, 1).apply(constant).data(), "the lower end of the range");
	}

	@Test
	void scaleRangeMapsTheImagesOwnRangeOntoTheGivenOne() {
		final RandomAccessibleInterval<? extends RealType<?>> img = image(4, 1, 2, 4, 6, 10);
		assertArrayEquals(new float[] { 0, 0.25f, 0.5f, 1 }, Preprocessing.scaleRange(0, 1).apply(img).data());
		assertArrayEquals(new float[] { -1, -0.5f, 0, 1 }, Preprocessing.scaleRange(-1, 1).apply(img).data());
	}

	@Test
	void noneKeepsTheValues() {
		assertArrayEquals(new float[] { 0, 255, 7, 128 }, Preprocessing.none().apply(ArrayImgs.unsignedBytes(new byte[] { 0, (byte) 255, 7, (byte) 128 }, 2, 2)).data());
	}

	@Test
	void everyRealTypeIsReadByValue() {
		final float[] expected = { 0, 0.5f, 1, 0.25f };
		final Preprocessing window = Preprocessing.window(0, 100);
		assertArrayEquals(expected, window.apply(ArrayImgs.unsignedBytes(new byte[] { 0, 50, 100, 25 }, 2, 2)).data());
		assertArrayEquals(expected, window.apply(ArrayImgs.unsignedShorts(new short[] { 0, 50, 100, 25 }, 2, 2)).data());
		assertArrayEquals(expected, window.apply(ArrayImgs.shorts(new short[] { 0, 50, 100, 25 }, 2, 2)).data());
		assertArrayEquals(expected, window.apply(ArrayImgs.ints(new int[] { 0, 50, 100, 25 }, 2, 2)).data());
		assertArrayEquals(expected, window.apply(ArrayImgs.floats(new float[] { 0, 50, 100, 25 }, 2, 2)).data());
		assertArrayEquals(expected, window.apply(ArrayImgs.doubles(new double[] { 0, 50, 100, 25 }, 2, 2)).data());
		// CT values below zero in a signed type
		assertArrayEquals(new float[] { 0, 0.5f, 1, 0 }, Preprocessing.window(-1000, 0).apply(ArrayImgs.shorts(new short[] { -1000, -500, 0, -1024 }, 2, 2)).data());
	}

	@Test
	void channelsArePackedLastAndNormalizedEachOnItsOwn() {
		// (x, y, c) = 2 x 2 x 2; ImgLib2 order: x fastest, then y, then c
		final double[] values = { 0, 1, 2, 3, /* channel 1: */ 10, 20, 30, 50 };
		final PackedImage out = Preprocessing.scaleRange(0, 1).apply(ArrayImgs.doubles(values, 2, 2, 2));
		assertEquals(2, out.channels());
		assertEquals(2, out.width());
		assertEquals(2, out.height());
		// yxc: (x0 y0 c0, x0 y0 c1, x1 y0 c0, x1 y0 c1, x0 y1 c0, ...)
		assertValues(new float[] { 0, 0, 1 / 3f, 0.25f, 2 / 3f, 0.5f, 1, 1 }, out, 1e-6);
		assertEquals(0.5f, out.get(0, 1, 1), 1e-6);
		assertEquals(1 / 3f, out.get(1, 0, 0), 1e-6);

		// percentiles per channel too: p0 and p100 of each channel
		final PackedImage p = Preprocessing.percentile(0, 100).apply(ArrayImgs.doubles(values, 2, 2, 2));
		assertValues(out.data(), p, 1e-6);
	}

	@Test
	void theInputIsNeverModified() {
		final double[] values = { 9, -3, 4, 4, 0, 12, 7, 1 };
		final double[] before = values.clone();
		final Preprocessing[] all = { Preprocessing.window(0, 5), Preprocessing.percentile(5, 95), Preprocessing.zeroMeanUnitVariance(),
			Preprocessing.scaleRange(0, 1), Preprocessing.none() };
		for (final Preprocessing p : all) {
			p.apply(ArrayImgs.doubles(values, 4, 2));
			assertArrayEquals(before, values, p.toString());
		}
		final float[] packed = { 9, -3, 4, 4, 0, 12 };
		final PackedImage image = new PackedImage(3, 2, 1, packed);
		final PackedImage out = Preprocessing.percentile(5, 95).apply(image);
		assertArrayEquals(new float[] { 9, -3, 4, 4, 0, 12 }, packed);
		assertEquals(3, out.width());
		assertEquals(2, out.height());
	}

	@Test
	void packedInputGivesTheSameAsTheImage() {
		final double[] values = { 0, 1, 2, 3, 10, 20, 30, 50 };
		final PackedImage fromImage = Preprocessing.zeroMeanUnitVariance().apply(ArrayImgs.doubles(values, 2, 2, 2));
		final PackedImage raw = PackedImage.of(ArrayImgs.doubles(values, 2, 2, 2));
		assertArrayEquals(fromImage.data(), Preprocessing.zeroMeanUnitVariance().apply(raw).data());
	}

	@Test
	void anImageNotAtTheOriginIsReadFromItsMinimum() {
		final PackedImage out = Preprocessing.none().apply(Views.translate(ArrayImgs.doubles(new double[] { 1, 2, 3, 4 }, 2, 2), 5, -3));
		assertArrayEquals(new float[] { 1, 2, 3, 4 }, out.data());
	}

	@Test
	void badInputsAreRefused() {
		final IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
			() -> Preprocessing.none().apply(image(2, 1, 0, Double.NaN)));
		assertEquals("image: pixel (x=1, y=0) is NaN; expected finite values", nan.getMessage());
		final IllegalArgumentException dims = assertThrows(IllegalArgumentException.class,
			() -> Preprocessing.none().apply(ArrayImgs.doubles(new double[2], 2)));
		assertEquals("image: expected 2 dimensions (x, y) or 3 (x, y, channel), got 1", dims.getMessage());
	}

	@Test
	void parametersAreChecked() {
		assertThrows(IllegalArgumentException.class, () -> Preprocessing.window(1, 1));
		assertThrows(IllegalArgumentException.class, () -> Preprocessing.window(0, Double.POSITIVE_INFINITY));
		assertThrows(IllegalArgumentException.class, () -> Preprocessing.scaleRange(1, 0));
		assertThrows(IllegalArgumentException.class, () -> Preprocessing.percentile(-1, 50));
		assertThrows(IllegalArgumentException.class, () -> Preprocessing.percentile(50, 50));
		assertThrows(IllegalArgumentException.class, () -> Preprocessing.percentile(1, 100.5));
		final Preprocessing window = Preprocessing.window(-160, 240);
		assertEquals(-160, window.min(), 0);
		assertEquals(240, window.max(), 0);
		assertThrows(IllegalStateException.class, window::low);
		assertEquals("window {min: -160.0, max: 240.0}", window.toString());
		assertEquals("percentile {low: 1.0, high: 99.8}", Preprocessing.percentile(1, 99.8).toString());
		assertEquals("zero_mean_unit_variance", Preprocessing.zeroMeanUnitVariance().toString());
	}
}
