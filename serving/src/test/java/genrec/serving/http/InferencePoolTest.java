package genrec.serving.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.generator.decode.BeamResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Micro-batching with a batch above one: five requests queue behind a held worker, are decoded in
 * one batched beam search (batch size 5 observed in every result and in the metrics), and each
 * gets exactly the answer it gets alone (same items in the same order, same scores).
 */
class InferencePoolTest {
  private static final int BEAM = 8;

  @Test
  void queuedRequestsAreDecodedTogetherAndEachGetsItsOwnAnswer() throws Exception {
    TinyRun tiny = TinyRun.get();
    ServingModel model = ServingModel.load(tiny.dataset(), tiny.run(), 20);
    Metrics metrics = new Metrics();
    InferencePool pool = new InferencePool(1, 16, 8, metrics);
    try {
      int n = model.numItems();
      // histories of different lengths and items, and different k: the batch pads and truncates
      int[][] histories = {{0}, {1, 2, 3}, {4, 5}, {n - 1, 7, 9, 11}, {2, 3, 5, 7, 11, 13}};
      int[] ks = {3, 5, 8, 4, 6};
      CountDownLatch gate = new CountDownLatch(1);
      pool.holdWorkers(gate);
      List<InferencePool.Job> jobs = new ArrayList<>();
      for (int i = 0; i < histories.length; i++) {
        InferencePool.Job j = new InferencePool.Job(model, histories[i], ks[i], BEAM, true);
        jobs.add(j);
        assertTrue(pool.submit(j));
        if (i == 0) {
          waitFor(() -> pool.busyWorkers() == 1); // the worker holds the first at the gate
        }
      }
      waitFor(() -> pool.queueDepth() == histories.length - 1);
      pool.holdWorkers(null);
      gate.countDown();
      for (int i = 0; i < jobs.size(); i++) {
        InferencePool.Result r = jobs.get(i).result().get(120, TimeUnit.SECONDS);
        assertEquals(histories.length, r.batchUsers(), "job " + i + " was not batched");
        BeamResult alone = model.recommend(new int[][] {histories[i]}, ks[i], BEAM, true).get(0);
        BeamResult got = r.beam();
        assertEquals(Math.min(ks[i], alone.size()), got.size(), "job " + i);
        assertArrayEquals(java.util.Arrays.copyOf(alone.items(), got.size()), got.items(),
            "job " + i + ": the batched list differs from the single-request list");
        for (int t = 0; t < got.size(); t++) {
          assertEquals(alone.scores()[t], got.scores()[t], 1e-4, "job " + i + " rank " + t);
        }
      }
      String text = metrics.render();
      assertTrue(text.contains("\ngenrec_batch_users_count 1\n"), text); // one call ...
      assertTrue(text.matches("(?s).*\ngenrec_batch_users_sum 5(\\.0)?\n.*"), text); // of five

    } finally {
      pool.shutdown(10_000);
      model.release();
    }
  }

  private static void waitFor(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting");
      Thread.sleep(5);
    }
  }
}
