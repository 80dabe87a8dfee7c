package genrec.cascade.rank.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import genrec.cascade.rank.features.RankBatch;
import genrec.generator.model.EmbeddingTable;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole ranker. Embeddings: an item table {@code (numItems + 1, E)} and one code table per
 * level {@code (K + 1, E)}; id 0 is padding: its lookup is multiplied by 0, so row 0 never
 * contributes and is never trained. An item vector is {@code concat(item, c1, c2, c3)} (4E), for
 * the candidate (the query q) and for every history position (the keys k_l). Then {@link
 * TargetAttention}(q, k, mask) → din; {@code x0 = concat(dense, q, din)}; a stack of {@link
 * CrossLayer}s; the {@link MultiTaskLayer} → one logit per task.
 *
 * <p>Block inputs, in order (as in {@link RankBatch}): dense {@code (B, F)}, item {@code (B)},
 * codes {@code (B, 3)}, histItem {@code (B, L)}, histCodes {@code (B, L, 3)}, histMask {@code (B,
 * L)}; output logits {@code (B, T)}. Legend: B rows, F dense features, L history positions, E
 * embedding width, V = 4E item vector width, D = F + 2V width of x0, T tasks.
 */
public final class RankerNetwork extends AbstractBlock {
  private static final byte VERSION = 1;
  private final RankerConfig config;
  private final EmbeddingTable items;
  private final List<EmbeddingTable> codeTables = new ArrayList<>();
  private final TargetAttention attention;
  private final List<CrossLayer> cross = new ArrayList<>();
  private final MultiTaskLayer tasks;

  public RankerNetwork(RankerConfig config) {
    super(VERSION);
    this.config = config;
    int e = config.embeddingDim();
    this.items = addChildBlock("items", new EmbeddingTable(config.numItems() + 1, e));
    for (int c = 0; c < RankerConfig.CODE_LEVELS; c++) {
      codeTables.add(addChildBlock("codes" + c,
          new EmbeddingTable(config.codebookSize() + 1, e)));
    }
    this.attention = addChildBlock("attention", TargetAttention.builder()
        .setDim(config.itemVectorDim()).setHidden(config.attentionHidden())
        .optDropout(config.dropout()).build());
    for (int i = 0; i < config.crossLayers(); i++) {
      cross.add(addChildBlock("cross" + i,
          CrossLayer.builder().setDim(config.inputDim()).build()));
    }
    this.tasks = addChildBlock("tasks", new MultiTaskLayer(config));
  }

  public RankerConfig config() {
    return config;
  }

  /** The multi-task top (for tests of its gates). */
  public MultiTaskLayer multiTask() {
    return tasks;
  }

  /** Allocates the weights in {@code manager} (the model's own, long-lived manager). */
  public void initialize(NDManager manager) {
    int l = config.historyLength();
    int k = RankerConfig.CODE_LEVELS;
    initialize(manager, DataType.FLOAT32, new Shape(1, config.numDense()), new Shape(1),
        new Shape(1, k), new Shape(1, l), new Shape(1, l, k), new Shape(1, l));
  }

  /**
   * Item vectors: {@code itemIds (...)} and {@code codeIds (..., 3)} → {@code (..., 4E)}; id 0
   * looks up zeros.
   */
  public NDArray itemVectors(ParameterStore ps, NDArray itemIds, NDArray codeIds,
      boolean training) {
    NDList parts = new NDList(1 + RankerConfig.CODE_LEVELS);
    parts.add(maskedLookup(ps, items, itemIds, training)); // (..., E)
    for (int c = 0; c < RankerConfig.CODE_LEVELS; c++) {
      NDArray ids = codeIds.get(new NDIndex("..., {}", c)); // (...)
      parts.add(maskedLookup(ps, codeTables.get(c), ids, training)); // (..., E)
    }
    return NDArrays.concat(parts, -1); // (..., 4E)
  }

  private static NDArray maskedLookup(ParameterStore ps, EmbeddingTable table, NDArray ids,
      boolean training) {
    NDArray real = ids.neq(0).toType(DataType.FLOAT32, false).expandDims(-1); // (..., 1)
    return table.lookup(ps, ids, training).mul(real); // (..., E)
  }

  /** The logits {@code (B, T)} of a batch. */
  public NDArray logits(ParameterStore ps, RankBatch b, boolean training) {
    return logits(ps, b.dense(), b.item(), b.codes(), b.histItem(), b.histCodes(), b.histMask(),
        training);
  }

  private NDArray logits(ParameterStore ps, NDArray dense, NDArray item, NDArray codes,
      NDArray histItem, NDArray histCodes, NDArray histMask, boolean training) {
    NDArray x = crossed(ps, dense, item, codes, histItem, histCodes, histMask, training); // (B, D)
    return tasks.apply(ps, x, training); // (B, T)
  }

  /** The cross stack's output {@code (B, D)}: the multi-task layer's input (for tests). */
  public NDArray crossOutput(ParameterStore ps, RankBatch b, boolean training) {
    return crossed(ps, b.dense(), b.item(), b.codes(), b.histItem(), b.histCodes(), b.histMask(),
        training); // (B, D)
  }

  private NDArray crossed(ParameterStore ps, NDArray dense, NDArray item, NDArray codes,
      NDArray histItem, NDArray histCodes, NDArray histMask, boolean training) {
    NDArray q = itemVectors(ps, item, codes, training); // (B, V)
    NDArray k = itemVectors(ps, histItem, histCodes, training); // (B, L, V)
    NDArray din = attention.apply(ps, q, k, histMask, training); // (B, V)
    NDArray x0 = config.numDense() > 0
        ? NDArrays.concat(new NDList(dense, q, din), 1) // (B, D)
        : NDArrays.concat(new NDList(q, din), 1); // (B, D)
    NDArray x = x0; // (B, D)
    for (CrossLayer layer : cross) {
      x = layer.apply(ps, x0, x, training); // (B, D)
    }
    return x; // (B, D)
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training,
      PairList<String, Object> params) {
    return new NDList(logits(ps, in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), in.get(5),
        training)); // (B, T)
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    long b = shapes[0].get(0);
    long l = shapes[3].get(1);
    items.initialize(manager, dataType, shapes[1]);
    for (EmbeddingTable t : codeTables) {
      t.initialize(manager, dataType, shapes[1]);
    }
    long v = config.itemVectorDim();
    attention.initialize(manager, dataType, new Shape(b, v), new Shape(b, l, v), shapes[5]);
    Shape x = new Shape(b, config.inputDim());
    for (CrossLayer layer : cross) {
      layer.initialize(manager, dataType, x, x);
    }
    tasks.initialize(manager, dataType, x);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), config.numTasks())};
  }
}
