package genrec.cascade.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.cascade.eval.RerankSweep.Method;
import genrec.cascade.eval.RerankSweep.Setting;
import genrec.cascade.rerank.SimilaritySource;
import genrec.cascade.rerank.TextVectorSimilarity;
import genrec.core.io.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RerankSweepTest {
  static final int ITEMS = 60;
  static final int FRESH_FROM = 50; // items 50..59 are new

  static List<String> ids() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < ITEMS; i++) {
      ids.add("i" + i);
    }
    return ids;
  }

  /** Seeded unit vectors of dimension 16, one per item, around 5 centres (item i: centre i % 5). */
  static float[][] vectors() {
    Random r = new Random(7);
    float[][] centre = new float[5][16];
    for (float[] c : centre) {
      for (int d = 0; d < c.length; d++) {
        c[d] = (float) r.nextGaussian();
      }
    }
    float[][] v = new float[ITEMS][16];
    for (int i = 0; i < ITEMS; i++) {
      float[] x = v[i];
      double n = 0;
      for (int d = 0; d < x.length; d++) {
        x[d] = centre[i % 5][d] + 0.3f * (float) r.nextGaussian();
        n += x[d] * x[d];
      }
      for (int d = 0; d < x.length; d++) {
        x[d] /= (float) Math.sqrt(n);
      }
    }
    return v;
  }

  static SimilaritySource text() {
    float[][] v = vectors();
    return TextVectorSimilarity.source(id -> v[Integer.parseInt(id.substring(1))]);
  }

  static boolean[] fresh() {
    boolean[] f = new boolean[ITEMS];
    for (int i = FRESH_FROM; i < ITEMS; i++) {
      f[i] = true;
    }
    return f;
  }

  /**
   * 40 cases of 20 candidates: 19 old items with decreasing scores, then one new item scored
   * lowest ({@code sameNew}: always item 50). Targets: every 4th case its new item, else an old
   * candidate or an item not in the list.
   */
  static List<RerankSweep.Case> cases(boolean sameNew) {
    Random r = new Random(11);
    List<RerankSweep.Case> out = new ArrayList<>();
    for (int u = 0; u < 40; u++) {
      List<Integer> old = new ArrayList<>();
      for (int i = 0; i < FRESH_FROM; i++) {
        old.add(i);
      }
      java.util.Collections.shuffle(old, r);
      // the most relevant candidates come from the same few centres: relevance order is not diverse
      List<Integer> top = new ArrayList<>(old.subList(0, 19));
      top.sort(java.util.Comparator.comparingInt(i -> i % 5));
      int[] items = new int[20];
      double[] scores = new double[20];
      for (int j = 0; j < 19; j++) {
        items[j] = top.get(j);
        scores[j] = -j - r.nextDouble() * 0.5;
      }
      items[19] = sameNew ? FRESH_FROM : FRESH_FROM + r.nextInt(ITEMS - FRESH_FROM);
      scores[19] = -30;
      int target = u % 4 == 0 ? items[19] : u % 4 == 1 ? old.get(30) : items[r.nextInt(19)];
      out.add(new RerankSweep.Case(items, scores, target));
    }
    return out;
  }

  static List<Setting> grid() {
    return RerankSweep.grid(List.of(Method.MMR, Method.DPP), new double[] {0, 0.5, 1}, new int[] {0, 3});
  }

  @Test
  void gridStartsWithRelevanceAndDppLeavesOutThetaOne() {
    List<Setting> g = grid();
    assertEquals(Setting.relevance(), g.get(0));
    assertEquals(1 + 2 * 3 + 2 * 2, g.size());
    assertTrue(g.stream().noneMatch(s -> s.method() == Method.DPP && s.theta() == 1));
    assertEquals("mmr w=3 θ=0.5", new Setting(Method.MMR, 0.5, 3).label());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> RerankSweep.grid(List.of(Method.MMR), new double[] {0.5, 0.5}, new int[] {0}))
        .getMessage().contains("theta 0.5 is given twice"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> RerankSweep.grid(List.of(Method.MMR), new double[] {1.5}, new int[] {0}))
        .getMessage().contains("theta=1.5 must be in [0, 1]"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> RerankSweep.grid(List.of(Method.DPP), new double[] {0.5}, new int[] {-1}))
        .getMessage().contains("window=-1"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Method.of("xyz"))
        .getMessage().contains("unknown re-ranking method 'xyz'"));
  }

  @Test
  void mmrAtThetaOneIsRelevanceOrderAndLowThetaDiversifies() {
    RerankSweep.Report rep = RerankSweep.builder().setItemIds(ids()).setSimilarity(text()).optK(10)
        .optGrouping("centre", java.util.stream.IntStream.range(0, ITEMS).map(i -> i % 5).toArray())
        .build().run(cases(false), grid(), Progress.silent());
    RerankSweep.Row rel = rep.row(Setting.relevance(), false);
    for (int w : new int[] {0, 3}) {
      RerankSweep.Row one = rep.row(new Setting(Method.MMR, 1, w), false);
      assertEquals(rel.ndcg(), one.ndcg(), 0.0);
      assertEquals(rel.recall(), one.recall(), 0.0);
      assertEquals(rel.ild(), one.ild(), 0.0);
      assertEquals(rel.coverage(), one.coverage(), 0.0);
      assertTrue(rep.row(new Setting(Method.MMR, 0, w), false).ild() > rel.ild() + 0.05, rep.table());
      assertTrue(rep.row(new Setting(Method.DPP, 0, w), false).ild() > rel.ild() + 0.05, rep.table());
      assertTrue(rep.row(new Setting(Method.MMR, 0, w), false).distinct()[0] > rel.distinct()[0] + 1, rep.table());
    }
    // the relevance order's lists are each case's first 10 candidates: recall by hand
    int hits = 0;
    for (RerankSweep.Case c : cases(false)) {
      for (int j = 0; j < 10; j++) {
        hits += c.items()[j] == c.target() ? 1 : 0;
      }
    }
    assertEquals(hits / 40.0, rel.recall(), 1e-12);
    assertEquals(0.75, rep.candidateRecall(), 1e-12); // u % 4 == 1 targets an item outside the list
    assertTrue(Double.isNaN(rel.newShare())); // no new items given
    assertEquals(1 + 2 * 3 + 2 * 2, rep.rows().size());
  }

  @Test
  void coldStartShareIsWhatTheRuleGuarantees() {
    for (int share : new int[] {10, 5}) {
      RerankSweep.Report rep = RerankSweep.builder().setItemIds(ids()).setSimilarity(text()).optK(10)
          .optNewItems(fresh()).optColdStart(share, 0, 1_000).optThreads(2).build()
          .run(cases(false), grid(), Progress.silent());
      assertEquals(2 * (1 + 2 * 3 + 2 * 2), rep.rows().size());
      assertEquals(1.0, rep.listsWithNew(), 0.0);
      for (RerankSweep.Row r : rep.rows()) {
        assertEquals(10, r.coldUsers());
        if (r.coldStart()) {
          // one new candidate per list, so the share puts it in each list once: 1 slot of 10
          assertEquals(0.1, r.newShare(), 1e-12, r.setting().label());
          assertEquals(1.0, r.coldRecall(), 0.0, r.setting().label()); // the target is that item
        }
      }
      RerankSweep.Row without = rep.row(Setting.relevance(), false);
      RerankSweep.Row with = rep.row(Setting.relevance(), true);
      assertEquals(0.0, without.newShare(), 0.0); // scored last of 20: never in the first 10
      assertEquals(0.0, without.coldRecall(), 0.0);
      // in the last slot of the first block of `share`
      assertEquals(1 / (Math.log(share + 1) / Math.log(2)), with.coldNdcg(), 1e-12);
      // the second block of 5 finds no new candidate left: relaxed once per list
      assertEquals(share == 10 ? 0 : 40, with.relaxed());
      assertTrue(with.recall() <= without.recall() + 0.25 + 1e-12);
    }
  }

  @Test
  void exposureCapRetiresTheNewItemAndThreadsDoNotChangeTheReport() {
    RerankSweep.Builder b = RerankSweep.builder().setItemIds(ids()).setSimilarity(text()).optK(10)
        .optNewItems(fresh()).optColdStart(10, 0, 3);
    RerankSweep.Report one = b.optThreads(1).build().run(cases(true), grid(), Progress.silent());
    RerankSweep.Report three = b.optThreads(3).build().run(cases(true), grid(), Progress.silent());
    // every list has the same new item: shown in the first 3 lists only
    assertEquals(3 / 400.0, one.row(Setting.relevance(), true).newShare(), 1e-12);
    assertEquals(one.csv("s", "test"), three.csv("s", "test"));
    String csv = one.csv("itemknn", "test");
    assertTrue(csv.startsWith("source,split,method,theta,window,cold_start,k,users,ndcg,recall,ild,"
        + "coverage,new_share,cold_users,cold_recall,cold_ndcg,relaxed_slots\n"), csv);
    assertTrue(csv.contains("\nitemknn,test,score,1.0,0,true,10,40,"), csv);
  }

  @Test
  void noColdRowsWhenNoListHoldsANewItem() {
    boolean[] one = new boolean[ITEMS];
    one[FRESH_FROM + 5] = true; // new, but no case proposes it (cases(true) all hold item 50)
    RerankSweep.Report rep = RerankSweep.builder().setItemIds(ids()).setSimilarity(text())
        .optNewItems(one).optColdStart(10, 1, 5).build().run(cases(true), grid(), Progress.silent());
    assertEquals(0.0, rep.listsWithNew(), 0.0);
    assertEquals(grid().size(), rep.rows().size());
    assertTrue(!rep.coldRows());
    assertEquals(0.0, rep.rows().get(0).newShare(), 0.0);
    assertEquals(1, rep.newItems());
  }

  @Test
  void badBuildsAreNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> RerankSweep.builder().setItemIds(ids()).setSimilarity(text()).optColdStart(10, 0, 5).build())
        .getMessage().contains("needs the new items"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> RerankSweep.builder().setItemIds(ids()).setSimilarity(text()).optNewItems(fresh())
            .optColdStart(10, -1, 5).build()).getMessage().contains("boost=-1.0"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> RerankSweep.builder().setItemIds(ids()).setSimilarity(text()).optGrouping("c1", new int[3]).build())
        .getMessage().contains("grouping 'c1' has 3 values for 60 items"));
    RerankSweep s = RerankSweep.builder().setItemIds(ids()).setSimilarity(text()).build();
    List<RerankSweep.Case> bad = List.of(new RerankSweep.Case(new int[] {1, 99}, new double[] {2, 1}, 1));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> s.run(bad, grid(), Progress.silent()))
        .getMessage().contains("case 0: item 99 is not in the catalogue of 60"));
  }
}
