package io.github.xaiclip.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.github.xaiclip.model.RuntimeOptions;
import io.github.xaiclip.testing.CtSlices;
import net.imglib2.view.Views;

/** The memory budget sets the batch size, refuses what cannot fit, and never changes a result. */
class MemoryBudgetTest {

	@Test
	void sizesParse() {
		assertEquals(512L << 20, MemoryBudget.parse("512m").bytes());
		assertEquals(2L << 30, MemoryBudget.parse("2G").bytes());
		assertEquals(1536L << 20, MemoryBudget.parse("1.5g").bytes());
		assertEquals(1000, MemoryBudget.parse("1000").bytes());
		for (final String bad : new String[] { "", "lots", "-1m", "0", "5x" })
			assertEquals("memory_budget: expected a size such as 512m or 2g, got '" + bad + "'",
				assertThrows(IllegalArgumentException.class, () -> MemoryBudget.parse(bad)).getMessage());
	}

	private static SliceResult explain(final String budget) {
		final ExplainSettings s = new ExplainSettings().segModel(CtSlices.UNET).roiSource(ExplainSettings.RoiSourceKind.PREDICTION).target("spleen")
			.window(16).stride(8).faithfulnessSteps(0).memoryBudget(MemoryBudget.parse(budget));
		try (Explainer e = Explainer.open(s, RuntimeOptions.defaults())) {
			return e.explain(new Explainer.SliceInput("ct", 23, Views.hyperSlice(CtSlices.ct().image(), 2, 22), new double[] { 3, 3 }, null, null));
		}
	}

	@Test
	void theBatchShrinksToTheBudgetAndTheMapStaysTheSame() {
		// 122 x 101 pixels, 6 classes, at the model's 3 mm grid padded to 124 x 104: about 5.5 MB per perturbed image
		final long each = MemoryBudget.perImage(122, 101, 1, 6, 124, 104), fixed = MemoryBudget.perSlice(122, 101, 1);
		final SliceResult big = explain("1g"), small = explain(((fixed + 3 * each) >> 10) + 1 + "k");
		assertEquals(16, big.explanation().parameters().get("batch_size"), "the requested batch fits in 1 GB");
		assertEquals(3, small.explanation().parameters().get("batch_size"));
		assertArrayEquals(big.explanation().saliencyValues(), small.explanation().saliencyValues());
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> explain("1m"));
		assertTrue(e.getMessage().startsWith("ct slice 23: a 122x101 slice (the model runs at 124x104) needs about 6 MB to explain at batch size 1; "
			+ "the memory budget is 1 MB."), e.getMessage());
	}
}
