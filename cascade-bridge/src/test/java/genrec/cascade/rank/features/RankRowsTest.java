package genrec.cascade.rank.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import genrec.cascade.rank.model.RankerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** RankRows validation and the per-group history expanded to rows. */
class RankRowsTest {

  // 3 rows in 2 groups, F = 2, L = 3, T = 2
  private static final float[] DENSE = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f};
  private static final int[] ITEM = {5, 0, 7};
  private static final int[] CODES = {1, 2, 3, 4, 5, 6, 0, 0, 0};
  private static final int[] GROUP = {1, 0, 1};
  private static final int[] HIST_ITEM = {0, 0, 9, /* group 1 */ 0, 3, 4};
  private static final int[] HIST_CODES = {0, 0, 0, 0, 0, 0, 7, 7, 7,
      /* group 1 */ 0, 0, 0, 1, 1, 1, 2, 2, 2};
  private static final float[] LABELS = {1, 0, 0, 1, 1, 0};
  private static final float[] MASK = {1, 1, 1, 0, 1, 1};

  private static RankRows rows() {
    return new RankRows(2, 3, 2, DENSE, ITEM, CODES, GROUP, HIST_ITEM, HIST_CODES, LABELS, MASK);
  }

  private static void fails(String text, Executable e) {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
    assertTrue(ex.getMessage().contains(text), "'" + ex.getMessage() + "' lacks '" + text + "'");
  }

  @Test
  void validatesSizesAndIds() {
    assertEquals(3, rows().rows());
    assertEquals(2, rows().groups());
    fails("dense has 5 values, expected rows·numDense = 6", () -> new RankRows(2, 3, 2,
        new float[5], ITEM, CODES, GROUP, HIST_ITEM, HIST_CODES, LABELS, MASK));
    fails("codes has 8 values", () -> new RankRows(2, 3, 2, DENSE, ITEM, new int[8], GROUP,
        HIST_ITEM, HIST_CODES, LABELS, MASK));
    fails("group has 2 values", () -> new RankRows(2, 3, 2, DENSE, ITEM, CODES, new int[2],
        HIST_ITEM, HIST_CODES, LABELS, MASK));
    fails("not a multiple of historyLength=4", () -> new RankRows(2, 4, 2, DENSE, ITEM, CODES,
        GROUP, HIST_ITEM, HIST_CODES, LABELS, MASK));
    fails("histCodes has 17 values", () -> new RankRows(2, 3, 2, DENSE, ITEM, CODES, GROUP,
        HIST_ITEM, new int[17], LABELS, MASK));
    fails("labels has 5 values", () -> new RankRows(2, 3, 2, DENSE, ITEM, CODES, GROUP,
        HIST_ITEM, HIST_CODES, new float[5], MASK));
    fails("both be given or both null", () -> new RankRows(2, 3, 2, DENSE, ITEM, CODES, GROUP,
        HIST_ITEM, HIST_CODES, LABELS, null));
    fails("group[2]=2 is outside [0, 2)", () -> new RankRows(2, 3, 2, DENSE, ITEM, CODES,
        new int[] {0, 1, 2}, HIST_ITEM, HIST_CODES, LABELS, MASK));
    fails("item[1]=-1 must be >= 0", () -> new RankRows(2, 3, 2, DENSE, new int[] {1, -1, 0},
        CODES, GROUP, HIST_ITEM, HIST_CODES, LABELS, MASK));
    fails("labels[0]=0.5 must be 0 or 1", () -> new RankRows(2, 3, 2, DENSE, ITEM, CODES, GROUP,
        HIST_ITEM, HIST_CODES, new float[] {0.5f, 0, 0, 0, 0, 0}, MASK));
    fails("labelMask[0]=2.0 must be 0 or 1", () -> new RankRows(2, 3, 2, DENSE, ITEM, CODES,
        GROUP, HIST_ITEM, HIST_CODES, LABELS, new float[] {2, 0, 0, 0, 0, 0}));
    fails("dense[1]=NaN is not finite", () -> new RankRows(2, 3, 2,
        new float[] {0, Float.NaN, 0, 0, 0, 0}, ITEM, CODES, GROUP, HIST_ITEM, HIST_CODES,
        LABELS, MASK));
    fails("histItem must not be null", () -> new RankRows(2, 3, 2, DENSE, ITEM, CODES, GROUP,
        null, HIST_CODES, LABELS, MASK));
    // an unknown label may hold any value
    new RankRows(2, 3, 2, DENSE, ITEM, CODES, GROUP, HIST_ITEM, HIST_CODES,
        new float[] {1, 0, 0, 0.5f, 1, 0}, MASK);
  }

  @Test
  void requireFitsNamesTheMismatch() {
    RankerConfig c = RankerConfig.tiny().toBuilder().setData(2, 9, 7, 3).build();
    rows().requireFits(c);
    fails("numDense=2, the model 4", () -> rows().requireFits(RankerConfig.tiny()));
    fails("item id 9 exceeds numItems=8",
        () -> rows().requireFits(c.toBuilder().setData(2, 8, 7, 3).build()));
    fails("code id 7 exceeds codebookSize=6",
        () -> rows().requireFits(c.toBuilder().setData(2, 9, 6, 3).build()));
  }

  @Test
  void batchCopiesEachRowsGroupHistory() {
    try (NDManager m = NDManager.newBaseManager()) {
      RankBatch b = rows().batch(m, new int[] {2, 1});
      assertEquals(2, b.size());
      assertEquals(new Shape(2, 2), b.dense().getShape());
      assertEquals(new Shape(2, 3, 3), b.histCodes().getShape());
      assertEquals(DataType.INT32, b.item().getDataType());
      assertEquals(DataType.FLOAT32, b.histMask().getDataType());
      assertArrayEquals(new float[] {0.5f, 0.6f, 0.3f, 0.4f}, b.dense().toFloatArray());
      assertArrayEquals(new int[] {7, 0}, b.item().toIntArray());
      assertArrayEquals(new int[] {0, 0, 0, 4, 5, 6}, b.codes().toIntArray());
      // row 2 is in group 1, row 1 in group 0
      assertArrayEquals(new int[] {0, 3, 4, 0, 0, 9}, b.histItem().toIntArray());
      assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 0, 0, 0, 0, 0, 7, 7, 7},
          b.histCodes().toIntArray());
      assertArrayEquals(new float[] {0, 1, 1, 0, 0, 1}, b.histMask().toFloatArray());
      assertArrayEquals(new float[] {1, 0, 0, 1}, b.labels().toFloatArray());
      assertArrayEquals(new float[] {1, 1, 1, 0}, b.labelMask().toFloatArray());
      fails("rowIndices[0]=3 is outside [0, 3)", () -> rows().batch(m, new int[] {3}));
    }
  }

  @Test
  void historyPositionWithCodesButUnknownItemIsReal() {
    int[] histItem = {0, 0, 0};
    int[] histCodes = {0, 0, 0, 0, 2, 0, 0, 0, 0};
    RankRows r = new RankRows(0, 3, 1, new float[0], new int[] {1}, new int[] {1, 1, 1},
        new int[] {0}, histItem, histCodes, null, null);
    assertFalse(r.hasLabels());
    try (NDManager m = NDManager.newBaseManager()) {
      RankBatch b = r.batch(m, new int[] {0});
      assertArrayEquals(new float[] {0, 1, 0}, b.histMask().toFloatArray());
      assertNull(b.labels());
    }
    assertThrows(IllegalStateException.class, () -> r.label(0, 0));
  }

  @Test
  void fingerprintFollowsTheContent() {
    assertEquals(rows().fingerprint(), rows().fingerprint());
    RankRows other = new RankRows(2, 3, 2, DENSE, ITEM, CODES, GROUP, HIST_ITEM, HIST_CODES,
        new float[] {1, 0, 0, 1, 1, 1}, MASK);
    assertNotEquals(rows().fingerprint(), other.fingerprint());
  }
}
