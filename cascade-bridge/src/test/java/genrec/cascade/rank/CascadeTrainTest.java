package genrec.cascade.rank;

import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.cascade.pipeline.CascadeInputs;
import genrec.cascade.pipeline.CascadeRecommender;
import genrec.cascade.rank.features.QueryScorer;
import genrec.cascade.rank.features.RankExamples;
import genrec.cascade.rank.features.RankRows;
import genrec.cascade.rank.model.RankerConfig;
import genrec.cascade.rank.model.RankerModel;
import genrec.cascade.rank.train.RankTrainConfig;
import genrec.cascade.rank.train.RankTrainResult;
import genrec.cascade.rank.train.RankerTrainer;
import genrec.cascade.recall.CandidateMerger;
import genrec.core.io.Progress;
import genrec.generator.baseline.ContentKnn;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.eval.Evaluator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A tiny end-to-end cascade: channels → examples → one-task ranker, on sequences whose next
 * item is mostly a fixed successor of the current one. The trained ranker must beat its own
 * random initial weights on validation AUC and, as a recommender, on NDCG@10.
 */
class CascadeTrainTest {
  @Test
  void aTrainedSingleTaskRankerBeatsItsRandomInitialWeights() {
    Random r = new Random(3);
    int items = 40;
    List<int[]> seqs = new ArrayList<>();
    for (int u = 0; u < 400; u++) {
      int[] s = new int[7];
      s[0] = r.nextInt(items);
      for (int i = 1; i < s.length; i++) { // the successor 70% of the time, else random
        s[i] = r.nextFloat() < 0.7f ? (s[i - 1] * 7 + 3) % items : r.nextInt(items);
      }
      seqs.add(s);
    }
    float[] text = new float[items * 4];
    for (int i = 0; i < text.length; i++) {
      text[i] = r.nextFloat();
    }
    ContentKnn content = ContentKnn.of(text, 4, ContentKnn.Options.defaults());
    CandidateMerger merger =
        CandidateMerger.builder().addChannels("popularity=12,itemknn=8,content=5").build();
    // training cases: last item of the first 300 sequences, channels fitted without it
    List<int[]> fit = new ArrayList<>();
    List<RankExamples.Case> train = new ArrayList<>();
    List<LeaveOneOutSplit.EvalCase> valCases = new ArrayList<>();
    for (int u = 0; u < seqs.size(); u++) {
      int[] s = seqs.get(u);
      if (u < 300) {
        fit.add(Arrays.copyOf(s, s.length - 1));
        train.add(new RankExamples.Case(Arrays.copyOf(s, s.length - 1), s[s.length - 1],
            new float[] {1}));
      } else {
        fit.add(s);
      }
    }
    CascadeInputs trainIn = CascadeInputs.fit(fit, items, new ItemKnn.Options(0, 3, 1), content,
        null, null, merger, 4);
    List<RankExamples.Case> val = new ArrayList<>();
    Random vr = new Random(5);
    for (int v = 0; v < 150; v++) {
      int[] h = {vr.nextInt(items), 0, 0};
      h[1] = (h[0] * 7 + 3) % items;
      h[2] = (h[1] * 7 + 3) % items;
      int target = (h[2] * 7 + 3) % items;
      val.add(new RankExamples.Case(h, target, new float[] {1}));
      valCases.add(new LeaveOneOutSplit.EvalCase(v, h, target));
    }
    CascadeInputs valIn = CascadeInputs.fit(seqs, items, new ItemKnn.Options(0, 3, 1), content,
        null, null, merger, 4);
    RankExamples tr = RankExamples.build(trainIn.channels(), merger, trainIn.features(),
        List.of("next"), train, false, 0, 1, 2, Progress.silent());
    RankExamples va = RankExamples.build(valIn.channels(), merger, valIn.features(),
        List.of("next"), val, false, 0, 1, 2, Progress.silent());
    RankerConfig c = RankerConfig.builder().setData(trainIn.features().numDense(), items, 1, 4)
        .setTasks(List.of("next")).optEmbeddingDim(4).optExpertHidden(16).optTowerHidden(8)
        .build();
    RankTrainResult res = RankerTrainer.builder().setModelConfig(c)
        .setTrainConfig(RankTrainConfig.builder().setEpochs(6).setBatchSize(128)
            .setLearningRate(0.01f).build())
        .setSeed(1).build().train(tr.rows(1), va.rows(1));
    double initial = res.initial().valAuc().get(0);
    assertTrue(res.bestValAuc() > initial + 0.05 && res.bestValAuc() > 0.8,
        "validation AUC " + res.bestValAuc() + " vs random init " + initial);
    try (RankerModel m = res.model()) {
      QueryScorer scorer = q -> {
        RankRows rows = RankExamples.rows(q, 1);
        return m.score(rows, rows.allRows());
      };
      double cascade = new Evaluator(new int[] {10}, 1).evaluate(
          new CascadeRecommender("cascade", valIn, scorer), valCases, "v", Progress.silent())
          .ndcgAt(10);
      double pop = new Evaluator(new int[] {10}, 1).evaluate(
          new CascadeRecommender("popularity order", valIn,
              q -> { // the popularity channel's own order: its rank feature
                float[] s = new float[q.size()];
                for (int i = 0; i < s.length; i++) {
                  s[i] = q.dense()[i * valIn.features().numDense() + 1];
                }
                return s;
              }), valCases, "v", Progress.silent()).ndcgAt(10);
      assertTrue(cascade > pop, "cascade NDCG@10 " + cascade + " vs popularity order " + pop);
    }
  }
}
