package io.github.xaiclip.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class GridAdaptedModelTest {

	/** P(on) = the input value; records the grids it is given and the last input. */
	static class Probe implements SegmentationModel {

		final InputSpec spec;
		final List<int[]> grids = new ArrayList<>();
		float[] lastInput;

		Probe(final InputSpec spec) {
			this.spec = spec;
		}

		@Override
		public InputSpec inputSpec() {
			return spec;
		}

		@Override
		public List<String> classNames() {
			return Arrays.asList("off", "on");
		}

		@Override
		public void predict(final float[] input, final int batch, final int height, final int width, final float[] output) {
			assertTrue(spec.accepts(width, height), width + "x" + height + " given to a model that takes " + spec);
			grids.add(new int[] { width, height, batch });
			lastInput = Arrays.copyOf(input, batch * width * height);
			for (int i = 0; i < batch * width * height; i++) {
				output[2 * i] = 1 - input[i];
				output[2 * i + 1] = input[i];
			}
		}
	}

	@Test
	void receptiveFieldPassesThroughOnlyWithoutResampling() {
		final Probe multiple = new Probe(InputSpec.multipleOf(1, 6)) {

			@Override
			public ReceptiveField receptiveField() {
				return ReceptiveField.bounded(10, 4);
			}
		};
		// crops must start at multiples of the stride and of the size multiple, so that they pad like the whole image
		assertEquals(ReceptiveField.bounded(10, 12), GridAdaptedModel.adapt(multiple, null, null).receptiveField());
		assertEquals(ReceptiveField.bounded(10, 12), GridAdaptedModel.adapt(multiple, new double[] { 3, 3 }, new double[] { 3, 3 }).receptiveField());
		final ReceptiveField resampled = GridAdaptedModel.adapt(multiple, new double[] { 3, 3 }, new double[] { 1, 1 }).receptiveField();
		assertTrue(resampled.isGlobal(), resampled.toString());
		assertTrue(resampled.globalReason().contains("resampled"), resampled.toString());
		assertTrue(GridAdaptedModel.adapt(new Probe(InputSpec.fixed(1, 16, 16)), null, null).receptiveField().isGlobal());
		assertEquals(null, GridAdaptedModel.adapt(new Probe(InputSpec.multipleOf(1, 4)), null, null).receptiveField(), "nothing declared");
	}

	static float[] image(final int w, final int h, final int batch) {
		final float[] v = new float[batch * w * h];
		for (int i = 0; i < v.length; i++)
			v[i] = (i * 37 % 101) / 101f;
		return v;
	}

	static float[] on(final float[] out) {
		final float[] v = new float[out.length / 2];
		for (int i = 0; i < v.length; i++)
			v[i] = out[2 * i + 1];
		return v;
	}

	@Test
	void aModelThatTakesAnySizeIsUsedAsItIs() {
		final Probe probe = new Probe(InputSpec.any(1));
		assertSame(probe, GridAdaptedModel.adapt(probe, null, null));
		assertSame(probe, GridAdaptedModel.adapt(probe, new double[] { 3, 3 }, new double[] { 3, 3 }));
	}

	@Test
	void mirrorPadsToTheMultipleAndCropsBackExactly() {
		final Probe probe = new Probe(InputSpec.multipleOf(1, 16));
		final SegmentationModel m = GridAdaptedModel.adapt(probe, null, null);
		assertEquals(InputSpec.any(1).toString(), m.inputSpec().toString());
		final int w = 20, h = 13;
		final float[] in = image(w, h, 2), out = new float[2 * w * h * 2];
		m.predict(in, 2, h, w, out);
		assertArrayEquals(new int[] { 32, 16, 2 }, probe.grids.get(0));
		assertArrayEquals(in, on(out), "cropped back to the input");
		// padding mirrors without repeating the edge: column 20 shows column 18, row 13 shows row 11
		assertEquals(in[0 * w + 18], probe.lastInput[0 * 32 + 20]);
		assertEquals(in[11 * w + 3], probe.lastInput[13 * 32 + 3]);
		assertEquals(in[w * h + 11 * w + 18], probe.lastInput[32 * 16 + 13 * 32 + 20], "second image of the batch");
	}

	@Test
	void aFixedSizeModelSeesItsSizeAndAnswersOnTheInputGrid() {
		final Probe probe = new Probe(InputSpec.fixed(1, 32, 32));
		final SegmentationModel m = GridAdaptedModel.adapt(probe, null, null);
		final int w = 96, h = 64;
		final float[] constant = new float[w * h], out = new float[w * h * 2];
		Arrays.fill(constant, 0.25f);
		m.predict(constant, 1, h, w, out);
		assertArrayEquals(new int[] { 32, 32, 1 }, probe.grids.get(0));
		for (final float v : on(out))
			assertEquals(0.25f, v, 1e-6f);
		// a linear ramp survives the round trip away from the borders (linear filters reproduce linear functions)
		final float[] ramp = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				ramp[y * w + x] = x / (float) w;
		m.predict(ramp, 1, h, w, out);
		final float[] back = on(out);
		for (int y = 0; y < h; y++)
			for (int x = 6; x < w - 6; x++)
				assertEquals(ramp[y * w + x], back[y * w + x], 1e-5f, "at " + x + "," + y);
	}

	@Test
	void imagesAreResampledToTheModelsPixelSize() {
		final Probe probe = new Probe(InputSpec.multipleOf(1, 8));
		// image at 0.75 mm, model trained at 3 mm: a 128 x 96 image is 32 x 24 model pixels
		final GridAdaptedModel m = (GridAdaptedModel) GridAdaptedModel.adapt(probe, new double[] { 3, 3 }, new double[] { 0.75, 0.75 });
		assertArrayEquals(new int[] { 32, 24 }, m.modelGrid(128, 96));
		final float[] in = new float[128 * 96], out = new float[128 * 96 * 2];
		Arrays.fill(in, 0.5f);
		for (int y = 0; y < 96; y++)
			for (int x = 64; x < 128; x++)
				in[y * 128 + x] = 1;
		m.predict(in, 1, 96, 128, out);
		assertArrayEquals(new int[] { 32, 24, 1 }, probe.grids.get(0));
		// shrinking averages every input pixel: model pixels well inside each half see exactly that half's value
		assertEquals(0.5f, probe.lastInput[10 * 32 + 5], 1e-6f);
		assertEquals(1f, probe.lastInput[10 * 32 + 27], 1e-6f);
		final float[] back = on(out);
		assertEquals(0.5f, back[40 * 128 + 10], 1e-6f);
		assertEquals(1f, back[40 * 128 + 120], 1e-6f);
		// anisotropic pixels: 1 x 2 mm image, 2 x 2 mm model halves only the width
		final GridAdaptedModel a = (GridAdaptedModel) GridAdaptedModel.adapt(probe, new double[] { 2, 2 }, new double[] { 1, 2 });
		assertArrayEquals(new int[] { 64, 96 }, a.modelGrid(128, 96));
	}

	@Test
	void batchingDoesNotChangeTheAnswer() {
		final SegmentationModel m = GridAdaptedModel.adapt(new Probe(InputSpec.multipleOf(1, 16)), new double[] { 1.5, 1.5 }, new double[] { 1, 1 });
		final int w = 30, h = 22;
		final float[] in = image(w, h, 3), batched = new float[3 * w * h * 2];
		m.predict(in, 3, h, w, batched);
		for (int b = 0; b < 3; b++) {
			final float[] one = new float[w * h * 2];
			m.predict(Arrays.copyOfRange(in, b * w * h, (b + 1) * w * h), 1, h, w, one);
			assertArrayEquals(one, Arrays.copyOfRange(batched, b * w * h * 2, (b + 1) * w * h * 2), "image " + b);
		}
	}

	@Test
	void badPixelSizesAreRefused() {
		final Probe probe = new Probe(InputSpec.any(1));
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> GridAdaptedModel.adapt(probe, new double[] { 0, 3 }, new double[] { 1, 1 }));
		assertTrue(e.getMessage().startsWith("model pixel_size: expected two positive sizes"), e.getMessage());
	}
}
