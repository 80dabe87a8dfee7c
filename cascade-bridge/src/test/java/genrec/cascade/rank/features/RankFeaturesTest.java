package genrec.cascade.rank.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.cascade.pipeline.CascadeInputs;
import genrec.cascade.recall.Candidate;
import genrec.cascade.recall.CandidateMerger;
import genrec.cascade.recall.ChannelCandidates;
import genrec.cascade.recall.MergedCandidates;
import genrec.core.io.Progress;
import genrec.core.io.ReadReport;
import genrec.generator.baseline.ContentKnn;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.data.UserSequence;
import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.catalog.Item;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RankFeaturesTest {
  // 5 items; users' sequences chosen so ItemKNN cosines are easy to write down
  private static final List<int[]> FIT = List.of(
      new int[] {0, 1}, new int[] {0, 1}, new int[] {1, 2}, new int[] {3, 4});
  // text vectors (unit): items 0 and 2 identical, 1 orthogonal to them, 3 and 4 mixed
  private static final float[] TEXT = {
      1, 0, 0,
      0, 1, 0,
      1, 0, 0,
      0, 0, 1,
      0.6f, 0.8f, 0};
  private static final int[][] CODES = {
      {1, 1, 1, 0}, {1, 1, 2, 0}, {1, 2, 1, 0}, {2, 1, 1, 0}, {2, 2, 2, 0}};

  private static CascadeInputs inputs(int historyLength) {
    CandidateMerger merger = CandidateMerger.builder().addChannels("itemknn=2,popularity=2").build();
    return CascadeInputs.fit(FIT, 5, new ItemKnn.Options(0, 3, 1),
        ContentKnn.of(TEXT, 3, ContentKnn.Options.defaults()), CODES, null, merger, historyLength);
  }

  @Test
  void featuresMatchHandComputedValues() {
    CascadeInputs in = inputs(4);
    RankFeatures f = in.features();
    assertEquals(4 * 2 + 15, f.numDense());
    assertEquals("itemknn.present", f.names().get(0));
    int[] history = {4, 0};
    RankFeatures.Query q = f.query(history, in.candidates().merged(history));
    // ItemKNN from item 0: only item 1 (cosine 2/sqrt(2*3)); from 4: item 3 (cosine 1)
    // merged: itemknn admits 3 (1.0) then 1 (0.816); popularity admits 2 then... 1 and 3 taken
    assertArrayEquals(new int[] {3, 1, 2}, q.items());
    int fd = f.numDense();
    int row1 = 1; // item 1
    float cos01 = (float) (2 / Math.sqrt(2 * 3));
    assertEquals(1f, q.dense()[row1 * fd], 1e-6); // itemknn.present
    assertEquals((float) (1 / (Math.log(3) / Math.log(2))), q.dense()[row1 * fd + 1], 1e-6); // rank 2
    assertEquals(RankFeatures.squash(cos01), q.dense()[row1 * fd + 2], 1e-6);
    assertEquals(RankFeatures.squash(cos01) - RankFeatures.squash(1f), q.dense()[row1 * fd + 3],
        1e-6);
    int g = 8; // the first non-channel feature
    assertEquals(1f, q.dense()[row1 * fd + g], 1e-6); // both channels returned item 1
    assertEquals((float) (Math.log1p(3) / Math.log1p(3)), q.dense()[row1 * fd + g + 1], 1e-6);
    assertEquals(cos01, q.dense()[row1 * fd + g + 2], 1e-6); // knn.last1: history's last is 0
    assertEquals(0f, q.dense()[row1 * fd + g + 3], 1e-6); // knn.last2: 4 and 1 never co-occur
    assertEquals(0f, q.dense()[row1 * fd + g + 5], 1e-6); // text.last: 1 . 0
    assertEquals(0.8f, q.dense()[row1 * fd + g + 6], 1e-6); // text.max3: 1 . 4
    assertEquals(0.4f, q.dense()[row1 * fd + g + 7], 1e-6); // text.mean over {4, 0}
    assertEquals(1f, q.dense()[row1 * fd + g + 8], 1e-6); // sid.c1 shared with item 0
    assertEquals(1f, q.dense()[row1 * fd + g + 9], 1e-6); // c1c2 shared
    assertEquals(0f, q.dense()[row1 * fd + g + 10], 1e-6); // c1c2c3 not
    assertEquals(0.5f, q.dense()[row1 * fd + g + 11], 1e-6); // c1 share of the window
    assertEquals(0.5f, q.dense()[row1 * fd + g + 12], 1e-6);
    assertEquals(1f, q.dense()[row1 * fd + g + 13], 1e-6); // newest same-c1 item is the last
    assertEquals((float) (Math.log1p(2) / Math.log1p(50)), q.dense()[row1 * fd + g + 14], 1e-6);
    // item 2: only popularity
    assertEquals(0f, q.dense()[2 * fd], 1e-6);
    assertEquals(1f, q.dense()[2 * fd + 4], 1e-6);
    // candidate item and codes (+1), the history right-aligned
    assertArrayEquals(new int[] {4, 2, 3}, q.item());
    assertArrayEquals(new int[] {3, 2, 2, 2, 2, 3, 2, 3, 2}, q.codes());
    assertArrayEquals(new int[] {0, 0, 5, 1}, q.histItem());
    assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 3, 3, 3, 2, 2, 2}, q.histCodes());
  }

  @Test
  void aListFromOtherChannelsAndLiveItemsAreRead() {
    CascadeInputs in = inputs(4);
    RankFeatures f = in.features(); // channels itemknn, popularity
    // a list merged from content and itemknn (the order of a request's own quotas), with item 5
    // added after the features were fitted
    CandidateMerger request = CandidateMerger.builder().addChannels("content=1,itemknn=2").build();
    MergedCandidates m = request.merge(new int[] {0}, List.of(
        new ChannelCandidates("content", List.of(new Candidate(5, 0.9f, 1))),
        new ChannelCandidates("itemknn", List.of(new Candidate(1, 0.8f, 1),
            new Candidate(5, 0.5f, 2)))));
    MergedCandidates read = m.withChannels(f.channels());
    assertEquals(f.channels(), read.channels());
    assertArrayEquals(new int[] {5, 1}, read.items());
    assertEquals(-1, read.candidates().get(0).source()); // content is not a ranker channel
    assertEquals(2, read.candidates().get(0).rank(0)); // itemknn's rank kept
    assertFalse(read.candidates().get(0).from(1)); // popularity returned nothing
    assertEquals(0, read.candidates().get(1).source());
    assertThrows(IllegalArgumentException.class, () -> f.query(new int[] {0}, read));
    RankFeatures.Query q = f.query(new int[] {0}, read, item -> new int[] {2, 1, 2, 0});
    int fd = f.numDense();
    assertArrayEquals(new int[] {0, 2}, q.item()); // the live item is unknown to the item table
    assertArrayEquals(new int[] {3, 2, 3, 2, 2, 3}, q.codes());
    assertEquals(1f, q.dense()[0], 1e-6); // itemknn.present
    assertEquals(RankFeatures.squash(0.5f) - RankFeatures.squash(0.8f), q.dense()[3], 1e-6);
    int g = 8;
    assertEquals(0f, q.dense()[g + 1], 1e-6); // no popularity
    assertEquals(0f, q.dense()[g + 5], 1e-6); // no text
    assertEquals(0f, q.dense()[g + 8], 1e-6); // c1 2 vs the last item's 1
    assertEquals(0.5f, q.dense()[fd + g], 1e-6); // item 1: one of the two ranker channels
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> f.query(new int[] {5}, read, item -> new int[] {2, 1, 2, 0}));
    assertTrue(e.getMessage().contains("history item 5"), e.getMessage());
  }

  @Test
  void mismatchedChannelsAndBadInputsAreRefused() {
    CascadeInputs in = inputs(2);
    CandidateMerger other = CandidateMerger.builder().addChannels("itemknn=2").build();
    CascadeInputs in2 = CascadeInputs.fit(FIT, 5, new ItemKnn.Options(0, 3, 1), null, null, null,
        other, 2);
    assertThrows(IllegalArgumentException.class,
        () -> in.features().query(new int[] {0}, in2.candidates().merged(new int[] {0})));
    assertThrows(IllegalArgumentException.class, () -> RankFeatures.builder()
        .setChannels(List.of("itemknn")).setNumItems(5).setHistoryLength(0).build());
    assertThrows(IllegalArgumentException.class, () -> RankFeatures.builder()
        .setChannels(List.of("itemknn")).setNumItems(5).setHistoryLength(2)
        .optCodes(new int[4][3]).build());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        CascadeInputs.fit(FIT, 5, new ItemKnn.Options(0, 3, 1), null, null, null,
            CandidateMerger.builder().addChannels("content=2").build(), 2));
    assertTrue(e.getMessage().contains("text vectors"), e.getMessage());
  }

  @Test
  void examplesLabelTheTargetAndSubsampleNegativesDeterministically() {
    CascadeInputs in = inputs(3);
    List<RankExamples.Case> cases = List.of(
        new RankExamples.Case(new int[] {4, 0}, 1, new float[] {1f, 0.5f}),
        new RankExamples.Case(new int[] {4, 0}, 0, new float[] {1f, 1f}), // history: unreached
        new RankExamples.Case(new int[] {0}, 2, new float[] {1f, 0f}));
    RankExamples all = RankExamples.build(in.channels(), in.candidates().merger(), in.features(),
        List.of("next", "liked"), cases, false, 0, 7, 2, Progress.silent());
    assertEquals(3, all.cases());
    assertEquals(2, all.reached());
    assertEquals(2, all.queries().size());
    RankFeatures.Query q0 = all.queries().get(0);
    float[] l0 = all.labels().get(0);
    for (int r = 0; r < q0.size(); r++) {
      boolean target = q0.items()[r] == 1;
      assertEquals(target ? 1f : 0f, l0[2 * r]);
      assertEquals(target ? 0.5f : 0f, l0[2 * r + 1]);
    }
    RankExamples one = RankExamples.build(in.channels(), in.candidates().merger(), in.features(),
        List.of("next", "liked"), cases, true, 1, 7, 1, Progress.silent());
    assertEquals(3, one.queries().size()); // kept unreached
    for (int i = 0; i < 3; i++) {
      assertTrue(one.queries().get(i).size() <= 2);
    }
    assertTrue(contains(one.queries().get(0).items(), 1));
    assertFalse(contains(one.queries().get(1).items(), 0));
    RankExamples again = RankExamples.build(in.channels(), in.candidates().merger(),
        in.features(), List.of("next", "liked"), cases, true, 1, 7, 2, Progress.silent());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(one.queries().get(i).items(), again.queries().get(i).items());
      assertArrayEquals(one.queries().get(i).dense(), again.queries().get(i).dense());
    }
  }

  @Test
  void trainingCasesComeFromTheTrainingSplitOnly() {
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      items.add(Item.of("i" + i, "T"));
    }
    Catalog catalog = new Catalog(items);
    UserSequence a = new UserSequence("a", new int[] {0, 1, 2, 3, 4}, null,
        new float[] {5, 3, 4, 2, 5}, new String[] {"rating", "rating", "rating+tag", "rating", "tag"});
    UserSequence b = new UserSequence("b", new int[] {5, 4}, null, null, null); // unsplit
    Dataset d = new Dataset("t", catalog, List.of(a, b), ReadReport.strict());
    LeaveOneOutSplit split = LeaveOneOutSplit.of(d);
    CascadeData data = new CascadeData(d, split, 4f);
    assertEquals(List.of("next", "liked", "tagged"), data.tasks());
    List<RankExamples.Case> train = data.trainCases(1);
    assertEquals(1, train.size());
    assertArrayEquals(new int[] {0, 1}, train.get(0).history());
    assertEquals(2, train.get(0).target());
    assertArrayEquals(new float[] {1, 1, 1}, train.get(0).targetLabels());
    // the fit data of training cases never holds their targets
    assertArrayEquals(new int[] {0, 1}, data.trainFit(1).get(0));
    assertArrayEquals(new int[] {5}, data.trainFit(1).get(1));
    // two positions: targets 1 and 2, fitted on the first item only
    List<RankExamples.Case> two = data.trainCases(2);
    assertEquals(2, two.size());
    assertArrayEquals(new int[] {0}, two.get(0).history());
    assertEquals(1, two.get(0).target());
    assertArrayEquals(new float[] {1, 0, 0}, two.get(0).targetLabels());
    assertArrayEquals(new int[] {0}, data.trainFit(2).get(0));
    assertThrows(IllegalArgumentException.class, () -> data.trainCases(0));
    RankExamples.Case v = data.validationCases().get(0);
    assertEquals(3, v.target());
    assertArrayEquals(new float[] {1, 0, 0}, v.targetLabels());
    RankExamples.Case t = data.cases(split.test()).get(0);
    assertEquals(4, t.target());
    assertArrayEquals(new float[] {1, 1, 1}, t.targetLabels());
  }

  private static boolean contains(int[] a, int x) {
    for (int v : a) {
      if (v == x) {
        return true;
      }
    }
    return false;
  }
}
