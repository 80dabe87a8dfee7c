package genrec.cascade.rank.features;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import genrec.cascade.rank.model.RankerConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Ranking rows in plain Java arrays, column by column: one row per (query, candidate). Rows of
 * the same query (a user at one moment) share a group, and the history lives once per group.
 * Ids are index + 1 with 0 for unknown or padding (item) and none (code). History is
 * right-aligned (the most recent item last) and 0-padded on the left; a history position is real
 * when its item id or any of its codes is non-zero.
 *
 * <p>Sizes: R rows, G groups, F dense features, L history positions, T tasks. The arrays are
 * taken as they are (not copied) and must not be changed afterwards.
 */
public final class RankRows {
  private final int rows;
  private final int groups;
  private final int numDense;
  private final int historyLength;
  private final int numTasks;
  private final float[] dense;
  private final int[] item;
  private final int[] codes;
  private final int[] group;
  private final int[] histItem;
  private final int[] histCodes;
  private final float[] labels;
  private final float[] labelMask;
  private final int maxItemId;
  private final int maxCodeId;

  /**
   * Validates every size and id.
   *
   * @param numDense F
   * @param historyLength L
   * @param numTasks T (also when there are no labels)
   * @param dense {@code R·F} features, row-major
   * @param item {@code R} candidate item ids (>= 0)
   * @param codes {@code R·3} candidate codes (>= 0)
   * @param group {@code R} group per row, in [0, G)
   * @param histItem {@code G·L} history item ids per group (>= 0); G = its length / L
   * @param histCodes {@code G·L·3} history codes per group (>= 0)
   * @param labels {@code R·T} labels in {0, 1}, or null (rows to score)
   * @param labelMask {@code R·T} 1 where the label is known, else 0; null exactly when {@code
   *     labels} is
   * @throws IllegalArgumentException naming the first bad field
   */
  public RankRows(int numDense, int historyLength, int numTasks, float[] dense, int[] item,
      int[] codes, int[] group, int[] histItem, int[] histCodes, float[] labels,
      float[] labelMask) {
    if (numDense < 0) {
      throw new IllegalArgumentException("numDense=" + numDense + " must be >= 0");
    }
    if (historyLength < 1) {
      throw new IllegalArgumentException("historyLength=" + historyLength + " must be >= 1");
    }
    if (numTasks < 1) {
      throw new IllegalArgumentException("numTasks=" + numTasks + " must be >= 1");
    }
    require(item, "item");
    require(dense, "dense");
    require(codes, "codes");
    require(group, "group");
    require(histItem, "histItem");
    require(histCodes, "histCodes");
    this.rows = item.length;
    if (histItem.length % historyLength != 0) {
      throw new IllegalArgumentException("histItem has " + histItem.length
          + " values, not a multiple of historyLength=" + historyLength);
    }
    this.groups = histItem.length / historyLength;
    length("dense", dense.length, (long) rows * numDense, "rows·numDense");
    length("codes", codes.length, (long) rows * RankerConfig.CODE_LEVELS, "rows·3");
    length("group", group.length, rows, "rows");
    length("histCodes", histCodes.length, (long) groups * historyLength * RankerConfig.CODE_LEVELS,
        "groups·historyLength·3");
    if ((labels == null) != (labelMask == null)) {
      throw new IllegalArgumentException("labels and labelMask must both be given or both null");
    }
    if (labels != null) {
      length("labels", labels.length, (long) rows * numTasks, "rows·numTasks");
      length("labelMask", labelMask.length, (long) rows * numTasks, "rows·numTasks");
      for (int i = 0; i < labels.length; i++) {
        if (labelMask[i] != 0f && labelMask[i] != 1f) {
          throw new IllegalArgumentException("labelMask[" + i + "]=" + labelMask[i]
              + " must be 0 or 1");
        }
        if (labelMask[i] == 1f && labels[i] != 0f && labels[i] != 1f) {
          throw new IllegalArgumentException("labels[" + i + "]=" + labels[i]
              + " must be 0 or 1 (row " + i / numTasks + ", task " + i % numTasks + ")");
        }
      }
    }
    for (int i = 0; i < dense.length; i++) {
      if (!Float.isFinite(dense[i])) {
        throw new IllegalArgumentException("dense[" + i + "]=" + dense[i] + " is not finite (row "
            + i / Math.max(1, numDense) + ")");
      }
    }
    nonNegative("item", item);
    nonNegative("codes", codes);
    nonNegative("histItem", histItem);
    nonNegative("histCodes", histCodes);
    for (int r = 0; r < rows; r++) {
      if (group[r] < 0 || group[r] >= groups) {
        throw new IllegalArgumentException("group[" + r + "]=" + group[r]
            + " is outside [0, " + groups + ") (groups = histItem.length / historyLength)");
      }
    }
    this.numDense = numDense;
    this.historyLength = historyLength;
    this.numTasks = numTasks;
    this.dense = dense;
    this.item = item;
    this.codes = codes;
    this.group = group;
    this.histItem = histItem;
    this.histCodes = histCodes;
    this.labels = labels;
    this.labelMask = labelMask;
    this.maxItemId = Math.max(max(item), max(histItem));
    this.maxCodeId = Math.max(max(codes), max(histCodes));
  }

  private static void require(Object a, String name) {
    if (a == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
  }

  private static void length(String name, int got, long want, String what) {
    if (got != want) {
      throw new IllegalArgumentException(name + " has " + got + " values, expected " + what
          + " = " + want);
    }
  }

  private static void nonNegative(String name, int[] a) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] < 0) {
        throw new IllegalArgumentException(name + "[" + i + "]=" + a[i] + " must be >= 0");
      }
    }
  }

  /** R. */
  public int rows() {
    return rows;
  }

  /** G. */
  public int groups() {
    return groups;
  }

  /** F. */
  public int numDense() {
    return numDense;
  }

  /** L. */
  public int historyLength() {
    return historyLength;
  }

  /** T. */
  public int numTasks() {
    return numTasks;
  }

  public boolean hasLabels() {
    return labels != null;
  }

  /** The group (query) of row {@code r}. */
  public int group(int r) {
    return group[r];
  }

  /** Row {@code r}'s label of task {@code t}; needs labels. */
  public float label(int r, int t) {
    requireLabels();
    return labels[r * numTasks + t];
  }

  /** Whether row {@code r}'s label of task {@code t} is known; needs labels. */
  public boolean labelKnown(int r, int t) {
    requireLabels();
    return labelMask[r * numTasks + t] == 1f;
  }

  private void requireLabels() {
    if (labels == null) {
      throw new IllegalStateException("these rows have no labels");
    }
  }

  /** The largest item id (index + 1) over candidates and histories. */
  public int maxItemId() {
    return maxItemId;
  }

  /** The largest code id (code + 1) over candidates and histories. */
  public int maxCodeId() {
    return maxCodeId;
  }

  private static int max(int[] a) {
    int m = 0;
    for (int v : a) {
      m = Math.max(m, v);
    }
    return m;
  }

  /** Row indices 0..R-1. */
  public int[] allRows() {
    int[] idx = new int[rows];
    for (int i = 0; i < rows; i++) {
      idx[i] = i;
    }
    return idx;
  }

  /**
   * Checks that these rows fit a model: the same F, L and T, and every id within the model's
   * vocabularies.
   *
   * @throws IllegalArgumentException naming the mismatch
   */
  public void requireFits(RankerConfig c) {
    if (numDense != c.numDense()) {
      throw new IllegalArgumentException("rows have numDense=" + numDense + ", the model "
          + c.numDense());
    }
    if (historyLength != c.historyLength()) {
      throw new IllegalArgumentException("rows have historyLength=" + historyLength
          + ", the model " + c.historyLength());
    }
    if (numTasks != c.numTasks()) {
      throw new IllegalArgumentException("rows have numTasks=" + numTasks + ", the model "
          + c.numTasks() + " " + c.tasks());
    }
    if (maxItemId() > c.numItems()) {
      throw new IllegalArgumentException("an item id " + maxItemId() + " exceeds numItems="
          + c.numItems() + " (ids are index + 1)");
    }
    if (maxCodeId() > c.codebookSize()) {
      throw new IllegalArgumentException("a code id " + maxCodeId() + " exceeds codebookSize="
          + c.codebookSize() + " (ids are code + 1)");
    }
  }

  /**
   * The rows {@code rowIndices} as tensors in {@code m}, with each row's group history copied to
   * the row; labels only when these rows have them.
   *
   * @throws IllegalArgumentException if an index is outside [0, R)
   */
  public RankBatch batch(NDManager m, int[] rowIndices) {
    int b = rowIndices.length;
    int l = historyLength;
    int k = RankerConfig.CODE_LEVELS;
    float[] d = new float[b * numDense];
    int[] it = new int[b];
    int[] cd = new int[b * k];
    int[] hi = new int[b * l];
    int[] hc = new int[b * l * k];
    float[] hm = new float[b * l];
    float[] lb = labels == null ? null : new float[b * numTasks];
    float[] lm = labels == null ? null : new float[b * numTasks];
    for (int i = 0; i < b; i++) {
      int r = rowIndices[i];
      if (r < 0 || r >= rows) {
        throw new IllegalArgumentException("rowIndices[" + i + "]=" + r + " is outside [0, "
            + rows + ")");
      }
      System.arraycopy(dense, r * numDense, d, i * numDense, numDense);
      it[i] = item[r];
      System.arraycopy(codes, r * k, cd, i * k, k);
      int g = group[r];
      System.arraycopy(histItem, g * l, hi, i * l, l);
      System.arraycopy(histCodes, g * l * k, hc, i * l * k, l * k);
      for (int p = 0; p < l; p++) {
        boolean real = hi[i * l + p] != 0;
        for (int c = 0; c < k && !real; c++) {
          real = hc[(i * l + p) * k + c] != 0;
        }
        hm[i * l + p] = real ? 1f : 0f;
      }
      if (lb != null) {
        System.arraycopy(labels, r * numTasks, lb, i * numTasks, numTasks);
        System.arraycopy(labelMask, r * numTasks, lm, i * numTasks, numTasks);
      }
    }
    return new RankBatch(
        m.create(d, new Shape(b, numDense)), // (B, F)
        m.create(it, new Shape(b)), // (B)
        m.create(cd, new Shape(b, k)), // (B, 3)
        m.create(hi, new Shape(b, l)), // (B, L)
        m.create(hc, new Shape(b, l, k)), // (B, L, 3)
        m.create(hm, new Shape(b, l)), // (B, L)
        lb == null ? null : m.create(lb, new Shape(b, numTasks)), // (B, T)
        lm == null ? null : m.create(lm, new Shape(b, numTasks))); // (B, T)
  }

  /** SHA-256 (hex, first 16 bytes) of the sizes and every array: the data's provenance. */
  public String fingerprint() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      ByteBuffer head = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
      head.putInt(numDense).putInt(historyLength).putInt(numTasks).putInt(labels == null ? 0 : 1);
      md.update(head.array());
      update(md, dense);
      update(md, item);
      update(md, codes);
      update(md, group);
      update(md, histItem);
      update(md, histCodes);
      if (labels != null) {
        update(md, labels);
        update(md, labelMask);
      }
      byte[] h = md.digest();
      return HexFormat.of().formatHex(h, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void update(MessageDigest md, int[] a) {
    ByteBuffer buf = ByteBuffer.allocate(4 + a.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.putInt(a.length);
    for (int v : a) {
      buf.putInt(v);
    }
    md.update(buf.array());
  }

  private static void update(MessageDigest md, float[] a) {
    ByteBuffer buf = ByteBuffer.allocate(4 + a.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.putInt(a.length);
    for (float v : a) {
      buf.putFloat(v);
    }
    md.update(buf.array());
  }
}
