package genrec.generator.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import genrec.core.io.Progress;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.baseline.MostPop;
import genrec.generator.data.ColdItems;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.data.SyntheticInteractions;
import genrec.generator.decode.BeamSearch;
import genrec.generator.decode.GenerativeRecommender;
import genrec.generator.model.GeneratorConfig;
import genrec.generator.model.SidTransformer;
import genrec.generator.model.TestModels;
import genrec.generator.train.GeneratorModel;
import genrec.generator.train.TrainData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The procedure of {@code genrec eval} as objects: tiny random generators, synthetic data. */
class GeneratorEvaluationTest {
  private static final int ITEMS = 60;
  private static final int K = 16;
  private static final LeaveOneOutSplit SPLIT = LeaveOneOutSplit.of(SyntheticInteractions.generate(
      new SyntheticInteractions.Options(24, ITEMS, 5, 10, 7)));
  private static final int[][] CODES = TestModels.randomCodes(ITEMS, 4, K, 3);
  private static final ItemKnn.Options KNN = ItemKnn.Options.defaults();

  private final List<GeneratorModel> loaded = new ArrayList<>();

  @BeforeAll
  static void singleThread() { // the machine's cores are the test runner's
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(1);
  }

  @AfterEach
  void closeModels() {
    loaded.forEach(GeneratorModel::close);
  }

  private static GeneratorConfig config() {
    return GeneratorConfig.tiny().toBuilder().optCodebookSize(K).optHistoryWindow(8).build();
  }

  /** A random-weight generator labelled as trained on {@code data}. */
  private GeneratorModel model(TrainData data, long seed) {
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      SidTransformer t = TestModels.randomModel(config(), m, seed, 0.3f);
      GeneratorModel g = GeneratorModel.of(config(), GeneratorModel.weightsOf(t), seed,
          data.dataFingerprint(), data.sidFingerprint());
      loaded.add(g);
      return g;
    }
  }

  /** Members by name: "plain-S" trained on the training split, "refit-S" refit; S the seed. */
  private GeneratorEvaluation.Loader loader(LeaveOneOutSplit trainedOn) {
    Map<String, TrainData> data = Map.of("plain", TrainData.of(trainedOn, CODES),
        "refit", TrainData.refit(SPLIT, CODES));
    return name -> {
      String[] p = name.split("-");
      return new GeneratorEvaluation.Loaded(model(data.get(p[0]), Long.parseLong(p[1])), CODES);
    };
  }

  private GeneratorEvaluation.Builder builder(String... members) {
    return GeneratorEvaluation.builder().setSplit(SPLIT).setItemKnn(KNN).optBeam(10)
        .setMembers(List.of(members), loader(SPLIT));
  }

  @Test
  void rowsEqualTheEvaluatorOnTheSameModels() {
    GeneratorEvaluation.Result r;
    BeamSearch search;
    try (GeneratorEvaluation ev = builder("plain-1").build()) {
      assertEquals(TrainedOn.TRAINING, ev.trainedOn());
      assertEquals(List.of("test", "validation"), ev.splits());
      assertEquals("generator (tiger)", ev.generatorName());
      r = ev.run();
      search = ev.members().get(0).search();
      // the generator's rows are the harness's on a recommender over the same search
      Evaluator direct = new Evaluator(new int[] {5, 10}, 1);
      GenerativeRecommender g = new GenerativeRecommender(search, 10, "g");
      EvalReport test = direct.evaluate(g, SPLIT.test(), "test", Progress.silent());
      assertEquals(test.recallAt(10), r.reports().get(0).recallAt(10), 1e-12);
      assertEquals(test.ndcgAt(5), r.reports().get(0).ndcgAt(5), 1e-12);
    }
    List<String> rows = r.reports().stream().map(e -> e.model() + "/" + e.split()).toList();
    assertEquals(List.of("generator (tiger)/test", "generator (tiger)/validation",
        "MostPop/test", "MostPop/validation", "ItemKNN/test", "ItemKNN/validation"), rows);
    EvalReport pop = new Evaluator(new int[] {5, 10}, 1).evaluate(
        MostPop.fit(SPLIT.train(), ITEMS, true), SPLIT.validation(), "validation",
        Progress.silent());
    assertEquals(pop.ndcgAt(10), r.reports().get(3).ndcgAt(10), 1e-12);
    EvalReport knn = new Evaluator(new int[] {5, 10}, 1).evaluate(
        ItemKnn.fit(SPLIT.train(), ITEMS, KNN), SPLIT.test(), "test", Progress.silent());
    assertEquals(knn.recallAt(5), r.reports().get(4).recallAt(5), 1e-12);
    assertTrue(r.invalid().isEmpty());
    assertNull(r.coldUsers());
  }

  @Test
  void aRefitGeneratorIsMeasuredOnTheTestSplitWithRefitBaselines() {
    try (GeneratorEvaluation ev = builder("refit-1").optKs(10, 5, 10).build()) {
      assertEquals(TrainedOn.TRAINING_AND_VALIDATION, ev.trainedOn());
      assertEquals(List.of("test"), ev.splits());
      assertEquals("generator (tiger, refit)", ev.generatorName());
      GeneratorEvaluation.Result r = ev.run();
      assertEquals(3, r.reports().size());
      assertTrue(r.reports().stream().allMatch(e -> e.split().equals("test")));
      EvalReport pop = new Evaluator(new int[] {5, 10}, 1).evaluate(
          MostPop.fit(SPLIT.trainPlusValidation(), ITEMS, true), SPLIT.test(), "test",
          Progress.silent());
      assertEquals(pop.recallAt(10), r.reports().get(1).recallAt(10), 1e-12);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> builder("refit-1").optSplits(GeneratorEvaluation.Splits.VALIDATION).build());
    assertTrue(e.getMessage().startsWith("--split validation: a refit run"), e.getMessage());
  }

  @Test
  void aMixtureNeedsMembersTrainedAlike() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> builder("plain-1", "refit-2").build());
    assertEquals("--ensemble: run refit-2 was trained with --refit but run plain-1 was not; a "
        + "mixture's members must all be refit or none", e.getMessage());
    try (GeneratorEvaluation ev = builder("plain-1", "plain-2")
        .optSplits(GeneratorEvaluation.Splits.TEST).build()) {
      assertEquals("mixture of 2 generators", ev.generatorName());
      assertEquals(10, ev.proposalsPerMember());
      assertEquals(2, ev.members().size());
      assertEquals(3, ev.run().reports().size());
    }
  }

  @Test
  void unconstrainedDecodingCountsInvalidPaths() {
    try (GeneratorEvaluation ev = builder("plain-1").optUnconstrained(true)
        .optSplits(GeneratorEvaluation.Splits.TEST).build()) {
      assertEquals("generator (tiger, unconstrained)", ev.generatorName());
      GeneratorEvaluation.Result r = ev.run();
      assertEquals(1, r.invalid().size());
      GeneratorEvaluation.InvalidPaths p = r.invalid().get(0);
      assertEquals("test", p.split());
      assertEquals(10L * SPLIT.test().size(), p.generated()); // the top 10 of each user
      assertTrue(p.invalid() >= 0 && p.invalid() <= p.generated());
    }
    assertEquals(50.0, new GeneratorEvaluation.InvalidPaths("test", 4, 2).percent(), 0);
    assertEquals(0.0, new GeneratorEvaluation.InvalidPaths("test", 0, 0).percent(), 0);
  }

  @Test
  void theColdStartProtocolSplitsTheTestUsersByTheirTarget() {
    ColdItems cold = ColdItems.draw(ITEMS, 0.2, 5);
    LeaveOneOutSplit without = cold.apply(SPLIT);
    int coldTargets = (int) SPLIT.test().stream().filter(c -> cold.isCold(c.target())).count();
    assertTrue(coldTargets > 0 && coldTargets < SPLIT.test().size(), "" + coldTargets);
    try (GeneratorEvaluation ev = GeneratorEvaluation.builder().setSplit(SPLIT).setItemKnn(KNN)
        .optBeam(10).setMembers(List.of("plain-1"), loader(without))
        .optColdItems(cold, 0.2).build()) {
      GeneratorEvaluation.Result r = ev.run();
      assertEquals(new GeneratorEvaluation.ColdUsers(cold.count(), coldTargets,
          SPLIT.test().size() - coldTargets), r.coldUsers());
      List<String> coldRows = r.reports().stream().filter(e -> !e.split().equals("test")
          && !e.split().equals("validation")).map(e -> e.model() + "/" + e.split()).toList();
      assertEquals(List.of("generator (tiger)/test-cold", "MostPop/test-cold",
          "ItemKNN/test-cold", "generator (tiger)/test-warm",
          "generator (tiger) without new items/test-warm"), coldRows);
      // MostPop learnt without the held-out items: it never ranks one in its top 10
      EvalReport popCold = r.reports().stream().filter(e -> e.model().equals("MostPop")
          && e.split().equals("test-cold")).findFirst().orElseThrow();
      assertEquals(coldTargets, popCold.cases());
      assertEquals(0.0, popCold.recallAt(10), 0);
      // MostPop's ordinary test row is the fit without the held-out items
      EvalReport pop = new Evaluator(new int[] {5, 10}, 1).evaluate(
          MostPop.fit(without.train(), ITEMS, true), SPLIT.test(), "test", Progress.silent());
      assertEquals(pop.ndcgAt(10), r.reports().get(2).ndcgAt(10), 1e-12);
    }
  }

  @Test
  void badOptionsAreNamed() {
    assertEquals("--ks 50 needs --beam >= 50 (the search returns at most its beam width of "
        + "items)", assertThrows(IllegalArgumentException.class,
            () -> builder("plain-1").optKs(5, 50).build()).getMessage());
    assertEquals("--ks: K=0 must be >= 1", assertThrows(IllegalArgumentException.class,
        () -> builder("plain-1").optKs(0, 5).build()).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> builder("plain-1", "plain-2").optUnconstrained(true).build()).getMessage()
        .startsWith("--unconstrained measures one generator"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> builder("plain-1").optColdItems(null, 0.2).build()).getMessage()
        .contains("the run holds no items out"));
    ColdItems cold = ColdItems.draw(ITEMS, 0.2, 5);
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> builder("plain-1").optColdItems(cold, 0.3).build()).getMessage()
        .contains("the run was quantized with --cold-items 0.2"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> builder("plain-1").optColdItems(cold, 0.2).optKs(10).build()).getMessage()
        .startsWith("--cold-items reports its own rows"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> builder("refit-1").optColdItems(cold, null).build()).getMessage()
        .contains("refit runs are not part of it"));
    assertFalse(loaded.isEmpty()); // the loader ran for the checks that need the members
  }
}
