package io.github.xaiclip.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.github.xaiclip.model.ModelRuntimes;
import io.github.xaiclip.model.RuntimeOptions;
import io.github.xaiclip.testing.CtSlices;
import net.imglib2.view.Views;

/**
 * Two explanations at once (as two Fiji commands, or threads of a script) on one cached model give what they give one
 * after the other; closing idle models meanwhile frees nothing that is in use.
 */
class ConcurrentExplanationsTest {

	private static ExplainSettings liver() {
		return new ExplainSettings().segModel(CtSlices.UNET).clipModel(CtSlices.CLIP).prompt("liver").target("liver").faithfulnessSteps(4);
	}

	private static ExplainSettings spleen() {
		return new ExplainSettings().segModel(CtSlices.UNET).roiSource(ExplainSettings.RoiSourceKind.PREDICTION).target("spleen").method("rise").masks(96)
			.faithfulnessSteps(4);
	}

	private static float[] run(final ExplainSettings s, final int z) {
		try (Explainer e = Explainer.open(s, RuntimeOptions.defaults())) {
			final SliceResult r = e.explain(new Explainer.SliceInput("ct", z, Views.hyperSlice(CtSlices.ct().image(), 2, z - 1), new double[] { 3, 3 }, null,
				null));
			final float[] out = r.explanation().saliencyValues().clone();
			final float[] withAucs = java.util.Arrays.copyOf(out, out.length + 2);
			withAucs[out.length] = (float) r.deletionAuc();
			withAucs[out.length + 1] = (float) r.insertionAuc();
			return withAucs;
		}
	}

	@Test
	void twoAtOnceEqualOneAfterTheOther() throws Exception {
		final float[] liver = run(liver(), 23), spleen = run(spleen(), 21);
		final ExecutorService pool = Executors.newFixedThreadPool(3);
		try {
			for (int round = 0; round < 2; round++) {
				final CountDownLatch start = new CountDownLatch(1);
				final AtomicBoolean running = new AtomicBoolean(true);
				final AtomicInteger closes = new AtomicInteger();
				final List<Future<float[]>> f = new ArrayList<>();
				f.add(pool.submit(() -> {
					start.await();
					return run(liver(), 23);
				}));
				f.add(pool.submit(() -> {
					start.await();
					return run(spleen(), 21);
				}));
				final Future<?> closer = pool.submit(() -> {
					start.await();
					while (running.get()) {
						ModelRuntimes.get().closeIdle(); // must leave the models in use alone
						closes.incrementAndGet();
						Thread.sleep(5);
					}
					return null;
				});
				start.countDown();
				assertArrayEquals(liver, f.get(0).get(120, TimeUnit.SECONDS), "liver, round " + round);
				assertArrayEquals(spleen, f.get(1).get(120, TimeUnit.SECONDS), "spleen, round " + round);
				running.set(false);
				closer.get(10, TimeUnit.SECONDS);
				assertTrue(closes.get() > 1);
			}
		}
		finally {
			pool.shutdownNow();
		}
		// idle now: closing frees them, and the next job loads them again
		ModelRuntimes.get().closeIdle();
		assertArrayEquals(liver, run(liver(), 23));
		assertEquals(spleen.length, run(spleen(), 21).length);
	}
}
