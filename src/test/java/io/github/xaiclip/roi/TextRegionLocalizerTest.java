package io.github.xaiclip.roi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.github.xaiclip.model.InputSpec;
import io.github.xaiclip.model.PackedImage;
import io.github.xaiclip.model.VisionLanguageModel;

/** Localization with a vision-language model whose embeddings are known exactly. */
class TextRegionLocalizerTest {

	static final int SIZE = 32, CELL = 8, GRID = 4;

	/**
	 * Patch embedding {@code [m, 1 - m]} where m is the patch's mean intensity; text: "liver" -> [1, 0], "air" ->
	 * [0, 1], "the X" -> the embedding of X plus [0.5, 0.5]; anything else [1, 1].
	 */
	static final class KnownModel implements VisionLanguageModel {

		final AtomicInteger imageCalls = new AtomicInteger();

		@Override
		public InputSpec inputSpec() {
			return InputSpec.fixed(1, SIZE, SIZE);
		}

		@Override
		public List<String> promptTemplates() {
			return Arrays.asList("{}", "the {}");
		}

		@Override
		public PatchEmbeddings encodeImages(final float[] input, final int batch, final int height, final int width) {
			assertEquals(SIZE, width);
			assertEquals(SIZE, height);
			imageCalls.incrementAndGet();
			final float[] v = new float[batch * GRID * GRID * 2];
			for (int b = 0; b < batch; b++)
				for (int gy = 0; gy < GRID; gy++)
					for (int gx = 0; gx < GRID; gx++) {
						double m = 0;
						for (int y = gy * CELL; y < (gy + 1) * CELL; y++)
							for (int x = gx * CELL; x < (gx + 1) * CELL; x++)
								m += input[b * SIZE * SIZE + y * SIZE + x];
						m /= CELL * CELL;
						final int q = (b * GRID + gy) * GRID + gx;
						v[q * 2] = (float) m;
						v[q * 2 + 1] = (float) (1 - m);
					}
			return new PatchEmbeddings(batch, GRID, GRID, 2, v);
		}

		@Override
		public float[][] encodeTexts(final List<String> texts) {
			final float[][] out = new float[texts.size()][];
			for (int i = 0; i < out.length; i++) {
				final String t = texts.get(i);
				final boolean the = t.startsWith("the ");
				final String word = the ? t.substring(4) : t;
				final float[] e = word.equals("liver") ? new float[] { 1, 0 } : word.equals("air") ? new float[] { 0, 1 } : new float[] { 1, 1 };
				if (the) {
					e[0] += 0.5f;
					e[1] += 0.5f;
				}
				out[i] = e;
			}
			return out;
		}
	}

	/** Bright (1) patches at grid cells (1..2, 1..2), 0 elsewhere. */
	static PackedImage blockImage() {
		final float[] v = new float[SIZE * SIZE];
		for (int y = CELL; y < 3 * CELL; y++)
			for (int x = CELL; x < 3 * CELL; x++)
				v[y * SIZE + x] = 1;
		return new PackedImage(SIZE, SIZE, 1, v);
	}

	/**
	 * The expected region of "liver" on {@link #blockImage()}, computed here from the definition: grid similarities
	 * hi (bright patches) and lo, bilinear at pixel centres {@code g = (x + 0.5) / 8 - 0.5} clamped to the grid, the
	 * half-way level between lo and hi.
	 */
	static boolean[] expectedBlockRegion() {
		final boolean[] m = new boolean[SIZE * SIZE];
		for (int y = 0; y < SIZE; y++)
			for (int x = 0; x < SIZE; x++)
				m[y * SIZE + x] = brightness(x) * brightness(y) >= 0.5 - 1e-12 && brightness(x) > 0 && brightness(y) > 0;
		return m;
	}

	/** Interpolated weight of the bright patches (cells 1 and 2) along one axis at pixel {@code i}. */
	static double brightness(final int i) {
		final double g = Math.min(GRID - 1, Math.max(0, (i + 0.5) / CELL - 0.5));
		final int g0 = (int) Math.floor(g);
		final double f = g - g0;
		final double a = g0 == 1 || g0 == 2 ? 1 : 0, b = g0 + 1 == 1 || g0 + 1 == 2 ? 1 : 0;
		return a + f * (b - a);
	}

	@Test
	void promptEmbeddingsAverageTheTemplatesAfterNormalizing() {
		final float[] e = new TextRegionLocalizer(new KnownModel()).embedPrompt("liver");
		// "liver" -> [1, 0]; "the liver" -> [1.5, 0.5] / |.| = [0.9487, 0.3162]; mean [0.97434, 0.15811], normalized:
		final double a = (1 + 1.5 / Math.sqrt(2.5)) / 2, b = (0.5 / Math.sqrt(2.5)) / 2, n = Math.hypot(a, b);
		assertArrayEquals(new float[] { (float) (a / n), (float) (b / n) }, e, 1e-6f);
	}

	@Test
	void theRegionIsExactlyThePatchesTheTextMatches() {
		final KnownModel model = new KnownModel();
		final TextRegionLocalizer loc = new TextRegionLocalizer(model);
		final TextRegionLocalizer.ImageEmbedding emb = loc.embed(blockImage());
		final TextRegionLocalizer.Localization l = loc.localize(emb, "liver", TextRegionLocalizer.Options.defaults());
		// bright patches have similarity hi = e.[1,0], dark ones lo = e.[0,1]; along the block's sides the half-way
		// level falls exactly on the patch borders, and the corners are rounded by the bilinear interpolation
		final boolean[] expected = expectedBlockRegion();
		for (int y = 0; y < SIZE; y++)
			for (int x = 0; x < SIZE; x++)
				assertEquals(expected[y * SIZE + x], l.region().contains(x, y), "pixel " + x + "," + y);
		assertTrue(l.region().contains(8, 16) && l.region().contains(23, 16) && !l.region().contains(7, 16) && !l.region().contains(24, 16));
		assertTrue(!l.region().contains(8, 8), "a rounded corner");
		// the map is the cosine similarity: at a bright patch centre it equals e.[1,0]
		final float[] e = loc.embedPrompt("liver");
		assertEquals(e[0], l.similarity()[12 * SIZE + 12], 1e-6f);
		assertEquals(e[1], l.similarity()[0], 1e-6f, "dark patch [0, 1]");
		assertEquals(e[0], l.maxSimilarity(), 1e-6);
		// the other prompt finds the complement, which touches the border and keeps its hole... filled
		final TextRegionLocalizer.Localization air = loc.localize(emb, "air", TextRegionLocalizer.Options.defaults());
		assertEquals(SIZE * SIZE, air.region().area(), "the ring around the block is one component; its hole is filled");
		assertEquals(1, model.imageCalls.get(), "the image was encoded once for every prompt");
	}

	@Test
	void marginsInMillimetresFollowTheCalibration() {
		final TextRegionLocalizer loc = new TextRegionLocalizer(new KnownModel());
		// 0.5 mm wide, 1 mm tall pixels, 2 mm margin: 4 columns, 2 rows, an ellipse at the corners
		final Roi r = loc.localize(loc.embed(blockImage()), "liver", TextRegionLocalizer.Options.defaults().margin(2, 0.5, 1)).region();
		final boolean[] region = expectedBlockRegion();
		for (int y = 0; y < SIZE; y++)
			for (int x = 0; x < SIZE; x++) {
				boolean near = false;
				for (int q = 0; q < region.length && !near; q++)
					near = region[q] && Math.hypot((q % SIZE - x) * 0.5, (q / SIZE - y) * 1.0) <= 2 + 1e-9;
				assertEquals(near, r.contains(x, y), "pixel " + x + "," + y);
			}
		assertEquals(4, 8 - r.minX());
		assertEquals(2, 8 - r.minY());
	}

	@Test
	void severalPromptsGiveOneRegionEachTheirUnionAndNotPromptsSubtract() {
		final float[] v = new float[SIZE * SIZE];
		// two bright blocks: patch (0, 0) and patch (3, 3)
		for (int y = 0; y < CELL; y++)
			for (int x = 0; x < CELL; x++) {
				v[y * SIZE + x] = 1;
				v[(y + 24) * SIZE + x + 24] = 1;
			}
		final TextRegionLocalizer loc = new TextRegionLocalizer(new KnownModel());
		final TextRegionLocalizer.ImageEmbedding emb = loc.embed(new PackedImage(SIZE, SIZE, 1, v));
		final TextRegionLocalizer.Options keepBoth = TextRegionLocalizer.Options.defaults().keepComponentsOf(10);
		final Roi both = loc.localize(emb, "liver", keepBoth).region();
		final Roi one = loc.localize(emb, "liver", TextRegionLocalizer.Options.defaults()).region();
		assertTrue(both.area() > one.area(), "all components above 10 px, or only the one holding the maximum");
		final TextRegionLocalizer.Result r = loc.localizeAll(emb, "liver, not air", keepBoth);
		assertEquals(1, r.prompts().size());
		assertEquals(1, r.excluded().size());
		for (int p = 0; p < SIZE * SIZE; p++)
			assertEquals(both.contains(p) && !r.excluded().get(0).region().contains(p), r.region().contains(p));
	}

	@Test
	void aFlatMapOrAnEmptyPromptIsAClearError() {
		final TextRegionLocalizer loc = new TextRegionLocalizer(new KnownModel());
		final TextRegionLocalizer.ImageEmbedding flat = loc.embed(new PackedImage(SIZE, SIZE, 1, new float[SIZE * SIZE]));
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loc.localize(flat, "liver", TextRegionLocalizer.Options.defaults()));
		assertTrue(e.getMessage().startsWith("prompt 'liver': no region found: the similarity map is flat (max similarity "), e.getMessage());
		final TextRegionLocalizer.ImageEmbedding emb = loc.embed(blockImage());
		for (final String empty : new String[] { "", "  ", null })
			assertTrue(assertThrows(IllegalArgumentException.class, () -> loc.localize(emb, empty, TextRegionLocalizer.Options.defaults())).getMessage()
				.startsWith("prompt: empty"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> loc.localizeAll(emb, " , not liver", TextRegionLocalizer.Options.defaults()))
			.getMessage().startsWith("prompt: ' , not liver' names no structure"));
		final IllegalArgumentException above = assertThrows(IllegalArgumentException.class,
			() -> loc.localize(emb, "liver", TextRegionLocalizer.Options.defaults().threshold(TextRegionLocalizer.Threshold.ABSOLUTE, 2)));
		assertTrue(above.getMessage().contains("no region found"), above.getMessage());
	}

	@Test
	void smallerImagesAreCentredInTheModelsInputAndTheirMapIsCroppedBack() {
		// a 16 x 16 image, dark left half, bright right half, lies at (8, 8) of the 32 x 32 input, padded with its
		// minimum (0): the bright patch cells are x = 2, y = 1..2
		final float[] v = new float[16 * 16];
		for (int y = 0; y < 16; y++)
			for (int x = 8; x < 16; x++)
				v[y * 16 + x] = 1;
		final TextRegionLocalizer loc = new TextRegionLocalizer(new KnownModel());
		final TextRegionLocalizer.Localization l = loc.localize(loc.embed(new PackedImage(16, 16, 1, v)), "liver", TextRegionLocalizer.Options.defaults());
		assertEquals(16 * 16, l.similarity().length);
		final float[] expected = new float[16 * 16];
		final float[] e = loc.embedPrompt("liver");
		for (int y = 0; y < 16; y++)
			for (int x = 0; x < 16; x++) {
				final double b = interpolated(x + 8, 2, 2) * interpolated(y + 8, 1, 2);
				expected[y * 16 + x] = (float) (e[1] + b * (e[0] - e[1]));
			}
		assertArrayEquals(expected, l.similarity(), 1e-5f);
	}

	/** Bilinear weight at pixel {@code i} of patch cells {@code from..to} along one axis. */
	static double interpolated(final int i, final int from, final int to) {
		final double g = Math.min(GRID - 1, Math.max(0, (i + 0.5) / CELL - 0.5));
		final int g0 = (int) Math.floor(g);
		final double a = g0 >= from && g0 <= to ? 1 : 0, b = g0 + 1 >= from && g0 + 1 <= to ? 1 : 0;
		return a + (g - g0) * (b - a);
	}

	@Test
	void largerImagesAreShrunkKeepingTheirAspectRatio() {
		final float[] v = new float[64 * 48];
		for (int y = 12; y < 36; y++)
			for (int x = 16; x < 48; x++)
				v[y * 64 + x] = 1;
		final TextRegionLocalizer loc = new TextRegionLocalizer(new KnownModel());
		final TextRegionLocalizer.Localization l = loc.localize(loc.embed(new PackedImage(64, 48, 1, v)), "liver", TextRegionLocalizer.Options.defaults());
		assertEquals(64, l.width());
		assertEquals(48, l.height());
		assertEquals(64 * 48, l.similarity().length);
		assertTrue(l.region().contains(32, 24), "centre of the bright block");
		assertTrue(!l.region().contains(2, 2), "corner");
	}

	@Test
	void aTextSourceGuidesLikeAnyOtherRegionSource() {
		final TextRegionLocalizer loc = new TextRegionLocalizer(new KnownModel());
		final RoiSource source = loc.source("liver", TextRegionLocalizer.Options.defaults());
		assertEquals("text 'liver'", source.describe());
		final Roi r = source.regionFor(net.imglib2.img.array.ArrayImgs.floats(blockImage().data(), SIZE, SIZE));
		assertArrayEquals(expectedBlockRegion(), r.mask());
	}
}
