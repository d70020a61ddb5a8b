package io.github.xaiclip.roi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.github.xaiclip.explain.ExplanationEngine;
import io.github.xaiclip.explain.Explanation;
import io.github.xaiclip.explain.Mode;
import io.github.xaiclip.explain.Occlusion;
import io.github.xaiclip.explain.Target;
import io.github.xaiclip.testing.AnalyticModels;
import io.github.xaiclip.testing.AnalyticModels.DiskModel;
import net.imglib2.img.array.ArrayImgs;

/** The region a model predicts, as the guide of its own explanation. */
class PredictionRoiSourceTest {

	static final int W = 40, H = 30;

	@Test
	void theRegionIsThePredictionGrownByTheMargin() {
		final DiskModel model = new DiskModel(20, 15, 6);
		final PredictionRoiSource source = new PredictionRoiSource(model, "disk", 0.5, 2);
		final Roi r = source.regionFor(AnalyticModels.diskImage(W, H, 20, 15, 6));
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++) {
				// the disk model predicts exactly its disk; grown by 2 px: within 2 px of a disk pixel
				boolean near = false;
				for (int v = 0; v < H && !near; v++)
					for (int u = 0; u < W && !near; u++)
						near = AnalyticModels.inDisk(u, v, 20, 15, 6) && Math.hypot(u - x, v - y) <= 2;
				assertEquals(near, r.contains(x, y), "pixel " + x + "," + y);
			}
		assertTrue(source.describe().contains("disk"));
		// and it guides the engine like any region
		final Explanation e = new ExplanationEngine(model).explain(AnalyticModels.diskImage(W, H, 20, 15, 6), Target.ofClass("disk"),
			Occlusion.builder().window(4).stride(2).build(), Mode.ROI, r, 0);
		assertEquals(r, e.roi());
	}

	@Test
	void nothingPredictedOrAnUnknownClassIsAClearError() {
		final DiskModel model = new DiskModel(20, 15, 6);
		final IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
			() -> new PredictionRoiSource(model, "disk", 0.5, 0).regionFor(ArrayImgs.floats(W, H)));
		assertEquals("roi: the model predicts no pixel of class 'disk' at p >= 0.5 on this image", none.getMessage());
		assertTrue(assertThrows(IllegalArgumentException.class, () -> new PredictionRoiSource(model, "liver", 0.5, 0)).getMessage()
			.startsWith("target: no class 'liver'"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> new PredictionRoiSource(model, "disk", 1.5, 0)).getMessage()
			.startsWith("threshold:"));
	}
}
