package genrec.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.core.tensor.Tensor;
import genrec.core.tensor.TensorFile;
import genrec.generator.train.AdamW;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A tiny task for the loop's tests: linear regression y = x·(1, −2, 0.5) + 0.3 on 50 seeded rows,
 * batches of 8, with N(0, 0.1²) noise drawn from libtorch's generator in every loss (so exact
 * resume needs the step seeds). Validation: {@code mse} and {@code neg_mse} on 20 held-out rows,
 * or scripted {@code score} values. Extra state: the samples seen (JSON) and the loss trace (a
 * tensor), both checked after a resume.
 */
final class LinearTask implements TrainTask {
  static final int ROWS = 50;
  static final int BATCH = 8;
  private static final float[][] X = new float[ROWS + 20][3];
  private static final float[] Y = new float[ROWS + 20];

  static {
    Random r = new Random(1);
    for (int i = 0; i < X.length; i++) {
      for (int k = 0; k < 3; k++) {
        X[i][k] = (float) r.nextGaussian();
      }
      Y[i] = X[i][0] - 2 * X[i][1] + 0.5f * X[i][2] + 0.3f;
    }
  }

  private final long seed;
  private final String dataFingerprint;
  private final EpochBatches batches;
  private Linear block;
  private NDManager manager;
  long samplesSeen;
  float traceSum;
  /** Scripted validation scores, one per validation (null: measure the MSE). */
  double[] scripted;
  /** From this step on, {@link #state} holds a value that cannot be written. */
  long failStateFrom = Long.MAX_VALUE;
  long stepsDone;
  final List<Long> validatedAt = new ArrayList<>();
  final Map<Long, Map<String, Tensor>> weightsAt = new LinkedHashMap<>();
  Map<String, Tensor> finished;
  long finishedBest = -2;

  LinearTask(long seed, String dataFingerprint) {
    this.seed = seed;
    this.dataFingerprint = dataFingerprint;
    this.batches = new EpochBatches(ROWS, BATCH, seed);
  }

  LinearTask(long seed) {
    this(seed, "rows-v1");
  }

  @Override
  public RunIdentity identity() {
    return new RunIdentity("linear").run("seed", seed).run("batchSize", BATCH)
        .data("dataFingerprint", dataFingerprint, "was trained on other rows");
  }

  @Override
  public List<Pair<String, Parameter>> network(NDManager m) {
    manager = m;
    block = Linear.builder().setUnits(1).build();
    block.initialize(m, DataType.FLOAT32, new Shape(1, 3));
    List<Pair<String, Parameter>> params = new ArrayList<>();
    block.getParameters().forEach(params::add);
    return params;
  }

  @Override
  public AdamW optimiser(List<Pair<String, Parameter>> parameters, NDManager m) {
    return new AdamW(parameters, m, 0.9f, 0.999f, 1e-8f, 0f);
  }

  @Override
  public void initWeights(List<Pair<String, Parameter>> parameters) {
    Random r = new Random(seed);
    for (Pair<String, Parameter> p : parameters) {
      NDArray a = p.getValue().getArray();
      float[] v = new float[Math.toIntExact(a.size())];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) r.nextGaussian();
      }
      Weights.copyInto(new Tensor(a.getShape().getShape(), v), a, p.getKey());
    }
  }

  private NDArray[] rows(NDManager m, int[] idx) {
    float[] x = new float[idx.length * 3];
    float[] y = new float[idx.length];
    for (int i = 0; i < idx.length; i++) {
      System.arraycopy(X[idx[i]], 0, x, 3 * i, 3);
      y[i] = Y[idx[i]];
    }
    return new NDArray[] {m.create(x, new Shape(idx.length, 3)),
        m.create(y, new Shape(idx.length, 1))};
  }

  @Override
  public NDArray loss(NDManager bm, ParameterStore ps, long step) {
    int[] idx = batches.batch(step);
    samplesSeen += idx.length;
    NDArray[] xy = rows(bm, idx);
    NDArray pred = block.forward(ps, new NDList(xy[0]), true).head(); // (B, 1)
    NDArray noise = bm.randomNormal(0f, 0.1f, new Shape(idx.length, 1), DataType.FLOAT32);
    return pred.sub(xy[1]).add(noise).square().mean(); // ()
  }

  @Override
  public float learningRate(long update) {
    return 0.05f;
  }

  @Override
  public float clipNorm() {
    return 1f;
  }

  @Override
  public void afterStep(long done, float loss) {
    stepsDone = done;
    traceSum += loss;
  }

  @Override
  public boolean validates() {
    return true;
  }

  @Override
  public Map<String, Double> validate(long step, double seconds, double meanLoss) {
    Map<String, Double> m = new LinkedHashMap<>();
    if (scripted != null) {
      double s = scripted[validatedAt.size()];
      m.put("score", s);
      m.put("neg", -s);
    } else {
      int[] idx = new int[20];
      for (int i = 0; i < 20; i++) {
        idx[i] = ROWS + i;
      }
      try (NDManager vm = manager.newSubManager()) {
        NDArray[] xy = rows(vm, idx);
        NDArray pred = block.forward(new ParameterStore(vm, false), new NDList(xy[0]), false)
            .head(); // (20, 1)
        double mse = pred.sub(xy[1]).square().mean().getFloat();
        m.put("mse", mse);
        m.put("neg_mse", -mse);
      }
    }
    validatedAt.add(step);
    weightsAt.put(step, validatedWeights());
    return m;
  }

  @Override
  public Map<String, Tensor> validatedWeights() {
    return Weights.of(block.getParameters());
  }

  @Override
  public ObjectNode state() {
    ObjectNode s = TensorFile.JSON.createObjectNode();
    s.put("samplesSeen", samplesSeen);
    if (stepsDone >= failStateFrom) {
      s.putPOJO("unwritable", new Unwritable());
    }
    return s;
  }

  /** Fails when serialised: a crash in the middle of writing a checkpoint. */
  static final class Unwritable {
    public int getValue() {
      throw new IllegalStateException("simulated crash while writing");
    }
  }

  @Override
  public Map<String, Tensor> stateTensors() {
    return Map.of("trace/sum", new Tensor(new long[] {1}, new float[] {traceSum}));
  }

  @Override
  public void restore(ObjectNode state, Map<String, Tensor> tensors) {
    samplesSeen = state.path("samplesSeen").asLong();
    traceSum = tensors.get("trace/sum").data()[0];
  }

  @Override
  public void finish(Map<String, Tensor> weights, long bestStep) {
    finished = weights;
    finishedBest = bestStep;
  }
}
