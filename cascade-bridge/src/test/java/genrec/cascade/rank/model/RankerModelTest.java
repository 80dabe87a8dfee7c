package genrec.cascade.rank.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import genrec.cascade.rank.features.RankRows;
import genrec.cascade.rank.model.RankerConfig.Mixture;
import genrec.core.io.DataFormatException;
import genrec.core.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The immutable model: predictions, save/load round trip, concurrent scoring. */
class RankerModelTest {

  @BeforeAll
  static void threads() {
    RankFixtures.singleThread();
  }

  private static Map<String, Tensor> randomWeights(RankerConfig c, long seed) {
    try (NDManager m = NDManager.newBaseManager()) {
      RankerNetwork net = new RankerNetwork(c);
      net.initialize(m);
      RankFixtures.randomWeights(net, seed, 0.3f);
      return RankerModel.weightsOf(net);
    }
  }

  @Test
  void predictionsAreSigmoidsOfTheLogitsAndTheFusedScore() {
    RankerConfig c = RankFixtures.config(Mixture.PLE).toBuilder()
        .optFusionWeights(List.of(1f, 2f)).build();
    RankRows rows = RankFixtures.syntheticRows(5, 3, 2);
    Map<String, Tensor> w = randomWeights(c, 3);
    int[] idx = {4, 0, 14, 7};
    float[] logits;
    try (NDManager m = NDManager.newBaseManager()) {
      RankerNetwork net = new RankerNetwork(c);
      net.initialize(m);
      net.getParameters().forEach(p ->
          genrec.core.train.Weights.copyInto(w.get(p.getKey()), p.getValue().getArray(), p.getKey()));
      logits = net.logits(new ParameterStore(m, false), rows.batch(m, idx), false)
          .toFloatArray();
    }
    try (RankerModel model = RankerModel.of(c, w, 3, "fp")) {
      RankerModel.Prediction p = model.predict(rows, idx);
      for (int i = 0; i < idx.length; i++) {
        double z0 = logits[i * 2];
        double z1 = logits[i * 2 + 1];
        assertEquals(1 / (1 + Math.exp(-z0)), p.probabilities()[i][0], 1e-6);
        assertEquals(1 / (1 + Math.exp(-z1)), p.probabilities()[i][1], 1e-6);
        double want = Math.log(1 / (1 + Math.exp(-z0))) + 2 * Math.log(1 / (1 + Math.exp(-z1)));
        assertEquals(want, p.scores()[i], 1e-5);
      }
      assertArrayEquals(p.scores(), model.score(rows, idx));
      assertEquals(List.of("click", "buy"), model.tasks());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> model.predict(new RankRows(3, 4, 2, new float[3], new int[] {1},
              new int[] {1, 1, 1}, new int[] {0}, new int[4], new int[12], null, null),
              new int[] {0}));
      assertTrue(e.getMessage().contains("numDense=3"), e.getMessage());
    }
  }

  @Test
  void saveLoadRoundTripGivesIdenticalPredictions(@TempDir Path dir) {
    RankerConfig c = RankFixtures.config(Mixture.MMOE);
    RankRows rows = RankFixtures.syntheticRows(8, 4, 5);
    Path out = dir.resolve("ranker");
    RankerModel.Prediction before;
    try (RankerModel model = RankerModel.of(c, randomWeights(c, 6), 77, "abc")) {
      before = model.predict(rows, rows.allRows());
      model.save(out);
    }
    assertTrue(Files.isRegularFile(out.resolve(RankerModel.MODEL_FILE)));
    assertTrue(Files.isRegularFile(out.resolve(RankerModel.MODEL_JSON)));
    try (RankerModel loaded = RankerModel.load(out)) {
      assertEquals(c, loaded.config());
      assertEquals(77, loaded.seed());
      assertEquals("abc", loaded.dataFingerprint());
      RankerModel.Prediction after = loaded.predict(rows, rows.allRows());
      assertArrayEquals(before.scores(), after.scores());
      for (int i = 0; i < rows.rows(); i++) {
        assertArrayEquals(before.probabilities()[i], after.probabilities()[i]);
      }
    }
    assertThrows(DataFormatException.class, () -> RankerModel.load(dir.resolve("missing")));
  }

  @Test
  void concurrentScoringEqualsSequential() throws Exception {
    RankerConfig c = RankFixtures.config(Mixture.SHARED_BOTTOM);
    RankRows rows = RankFixtures.syntheticRows(20, 5, 8);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (RankerModel model = RankerModel.of(c, randomWeights(c, 9), 1, "x")) {
      List<int[]> requests = new ArrayList<>();
      for (int q = 0; q < 16; q++) {
        int[] idx = new int[5 + q];
        for (int i = 0; i < idx.length; i++) {
          idx[i] = (q * 7 + i * 3) % rows.rows();
        }
        requests.add(idx);
      }
      List<float[]> sequential = new ArrayList<>();
      for (int[] idx : requests) {
        sequential.add(model.score(rows, idx));
      }
      List<Future<float[]>> futures = new ArrayList<>();
      for (int[] idx : requests) {
        futures.add(pool.submit(() -> model.score(rows, idx)));
      }
      for (int q = 0; q < requests.size(); q++) {
        assertArrayEquals(sequential.get(q), futures.get(q).get(), "request " + q);
      }
    } finally {
      pool.shutdown();
    }
  }
}
