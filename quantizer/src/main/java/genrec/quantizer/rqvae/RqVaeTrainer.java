package genrec.quantizer.rqvae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import genrec.core.io.Progress;
import genrec.core.tensor.Tensor;
import genrec.quantizer.embed.EmbeddingMatrix;
import genrec.quantizer.rqkmeans.KMeans;
import genrec.quantizer.sid.CodebookStats;
import genrec.quantizer.sid.Quantizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Trains an {@link RqVaeBlock} with DJL autograd on the PyTorch engine and returns an immutable
 * {@link RqVaeModel}.
 *
 * <ol>
 *   <li>Weights get seeded Xavier-uniform values (biases zero) from a Java {@link Random}.
 *   <li>Codebooks are initialised by k-means++ (+10 Lloyd iterations) on the encoder latents of the
 *       first {@link RqVaeConfig#initSamples()} shuffled rows, level by level on the residuals.
 *   <li>Each step minimises {@code ||x - x̂||² + Σ_l ||sg[r_l] - e_l||² + β Σ_l ||r_l - sg[e_l]||²}
 *       (the codebook term is dropped with EMA updates, which then move the codes).
 *   <li>Every {@link RqVaeConfig#deadCodeWindow()} steps, codes used fewer than {@link
 *       RqVaeConfig#deadCodeThreshold()} times in the window are re-seeded from the current batch's
 *       residuals at their level (not in the last 10% of epochs, so final codes settle).
 * </ol>
 *
 * <p>Deterministic: the same config, seed and data give identical weights and codes (batches
 * are shuffled by a seeded Java {@link Random}; the CPU kernels are deterministic).
 *
 * <p>Shape legend: N rows, B batch, D input dimension, Z latent dimension, L levels, K codes.
 */
@SuppressWarnings("try") // NDScope / model resources are held only to be closed
public final class RqVaeTrainer {
  private final RqVaeConfig config;
  private final long seed;
  private final boolean showProgress;
  private final boolean collapsedInit;

  private RqVaeTrainer(Builder b) {
    this.config = b.config;
    this.seed = b.seed;
    this.showProgress = b.showProgress;
    this.collapsedInit = b.collapsedInit;
  }

  public RqVaeConfig config() {
    return config;
  }

  public long seed() {
    return seed;
  }

  /** Trains on {@code data} and returns the model, the training codes and the statistics. */
  public RqVaeTrainResult train(EmbeddingMatrix data) {
    Objects.requireNonNull(data, "data");
    if (data.dim() != config.inputDim()) {
      throw new IllegalArgumentException(
          "embeddings have dim=" + data.dim() + ", config.inputDim=" + config.inputDim());
    }
    if (data.rows() < 2) {
      throw new IllegalArgumentException("need at least 2 rows, got " + data.rows());
    }
    Quantizer.requireFinite(data);
    long t0 = System.nanoTime();
    Engine engine = Engine.getEngine("PyTorch");
    engine.setRandomSeed((int) (seed ^ (seed >>> 32)));
    Random rnd = new Random(seed);
    int n = data.rows();
    int d = config.inputDim();
    int zDim = config.latentDim();
    int levels = config.levels();
    int k = config.codebookSize();
    float[] x = data.data(); // (N, D)
    List<RqVaeTrainResult.EpochStats> history = new ArrayList<>();
    int totalResets = 0;
    Map<String, Tensor> weights;
    try (NDManager root = engine.newBaseManager()) {
      RqVaeBlock net = new RqVaeBlock(config);
      net.initialize(root, DataType.FLOAT32, new Shape(config.batchSize(), d));
      initWeights(net, new Random(rnd.nextLong()));
      ParameterStore ps = new ParameterStore(root, false);
      ResidualQuantizer rq = net.quantizer();

      int[] perm = new int[n];
      for (int i = 0; i < n; i++) {
        perm[i] = i;
      }
      shuffle(perm, rnd);
      initCodebooks(net, ps, root, x, perm, rnd);

      float[][] emaCount = null; // (L, K)
      float[][] emaSum = null; // (L, K*Z)
      if (config.ema()) {
        emaCount = new float[levels][k];
        emaSum = new float[levels][];
        for (int l = 0; l < levels; l++) {
          rq.codebook(l).freeze(true);
          java.util.Arrays.fill(emaCount[l], 1f);
          emaSum[l] = rq.codebookValues(l);
        }
      }
      List<Parameter> trainable = new ArrayList<>();
      for (Pair<String, Parameter> p : net.getParameters()) {
        if (p.getValue().requiresGradient()) {
          trainable.add(p.getValue());
        }
      }
      Optimizer opt = optimizer();
      long[][] windowCounts = new long[levels][k]; // (L, K)
      int resetUntilEpoch = config.epochs() - Math.max(1, config.epochs() / 10);
      long step = 0;
      final RqVaeTrainResult.EpochStats[] last = new RqVaeTrainResult.EpochStats[1];
      try (Progress progress =
          showProgress
              ? Progress.start("rq-vae", config.epochs(), "epochs")
              : Progress.silent()) {
        progress.status(() -> last[0] == null ? "" : status(last[0]));
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
          if (epoch > 0) {
            shuffle(perm, rnd);
          }
          long[][] epochCounts = new long[levels][k]; // (L, K)
          double recSum = 0;
          double cbSum = 0;
          double cmSum = 0;
          int batches = 0;
          int epochResets = 0;
          for (int start = 0; start < n; start += config.batchSize()) {
            int b = Math.min(config.batchSize(), n - start);
            if (b < 2) {
              continue; // a single row gives no useful batch statistics
            }
            float[] xb = gather(x, perm, start, b, d); // (B, D)
            step++;
            boolean windowEnd =
                config.deadCodeThreshold() > 0
                    && step % config.deadCodeWindow() == 0
                    && epoch < resetUntilEpoch;
            long[] codes; // (B, L)
            float[] resid = null; // (L, B, Z)
            try (NDScope scope = new NDScope()) {
              NDArray xa = root.create(xb, new Shape(b, d)); // (B, D)
              try (GradientCollector gc = engine.newGradientCollector()) {
                NDList out = net.forward(ps, new NDList(xa), true);
                NDArray rec = out.get(0).sub(xa).square().sum(new int[] {1}).mean(); // ()
                NDArray loss = rec.add(out.get(3).mul(config.beta())); // ()
                if (!config.ema()) {
                  loss = loss.add(out.get(2)); // ()
                }
                gc.backward(loss);
                recSum += rec.getFloat();
                cbSum += out.get(2).getFloat();
                cmSum += out.get(3).getFloat();
                codes = out.get(1).toLongArray(); // (B, L)
                if (config.ema() || windowEnd) {
                  resid = out.get(4).toFloatArray(); // (L, B, Z)
                }
              }
            }
            for (Parameter p : trainable) {
              NDArray w = p.getArray();
              try (NDArray g = w.getGradient()) {
                opt.update(p.getId(), w, g);
              }
            }
            batches++;
            for (int i = 0; i < b; i++) {
              for (int l = 0; l < levels; l++) {
                int c = (int) codes[i * levels + l];
                epochCounts[l][c]++;
                windowCounts[l][c]++;
              }
            }
            if (config.ema()) {
              emaUpdate(rq, emaCount, emaSum, codes, resid, b);
            }
            if (windowEnd) {
              int r = resetDeadCodes(rq, windowCounts, resid, b, rnd, emaCount, emaSum);
              epochResets += r;
              for (long[] w : windowCounts) {
                java.util.Arrays.fill(w, 0);
              }
            }
          }
          totalResets += epochResets;
          double[] util = new double[levels];
          double[] ppl = new double[levels];
          for (int l = 0; l < levels; l++) {
            CodebookStats s = CodebookStats.ofCounts(l, epochCounts[l]);
            util[l] = s.utilisation();
            ppl[l] = s.perplexity();
          }
          last[0] =
              new RqVaeTrainResult.EpochStats(
                  epoch, recSum / batches, cbSum / batches, cmSum / batches, util, ppl,
                  epochResets);
          history.add(last[0]);
          progress.advance(1);
        }
      }
      weights = new LinkedHashMap<>();
      for (Pair<String, Parameter> p : net.getParameters()) {
        NDArray a = p.getValue().getArray();
        weights.put(
            p.getKey(), new Tensor(a.getShape().getShape(), a.toFloatArray()));
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    RqVaeModel model = RqVaeModel.of(config, weights, seed, Quantizer.fingerprint(data));
    int[][] codes = model.encode(data);
    return new RqVaeTrainResult(
        model,
        codes,
        List.copyOf(history),
        CodebookStats.of(codes, k),
        model.reconstructionMse(data),
        totalResets,
        seconds);
  }

  private static String status(RqVaeTrainResult.EpochStats s) {
    StringBuilder sb =
        new StringBuilder(String.format(Locale.ROOT, "rec=%.4f", s.reconstructionLoss()));
    for (int l = 0; l < s.utilisation().length; l++) {
      sb.append(
          String.format(
              Locale.ROOT, " L%d util=%.2f ppl=%.0f", l + 1, s.utilisation()[l],
              s.perplexity()[l]));
    }
    if (s.deadCodeResets() > 0) {
      sb.append(" resets=").append(s.deadCodeResets());
    }
    return sb.toString();
  }

  private Optimizer optimizer() {
    Tracker lr = Tracker.fixed(config.learningRate());
    return switch (config.optimizer()) {
      case ADAM -> Optimizer.adam().optLearningRateTracker(lr).build();
      case ADAMW ->
          Optimizer.adamW()
              .optLearningRateTracker(lr)
              .optWeightDecays(config.weightDecay())
              .build();
    };
  }

  /** Seeded Xavier-uniform weights and zero biases for every layer (codebooks come later). */
  static void initWeights(RqVaeBlock net, Random rnd) {
    for (Pair<String, Parameter> p : net.getParameters()) {
      String name = p.getKey();
      NDArray a = p.getValue().getArray();
      Shape s = a.getShape();
      float[] v = new float[Math.toIntExact(s.size())];
      if (name.endsWith("weight") && s.dimension() == 2) {
        double limit = Math.sqrt(6.0 / (s.get(0) + s.get(1)));
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) ((rnd.nextDouble() * 2 - 1) * limit);
        }
      } else if (!name.endsWith("bias")) {
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (rnd.nextGaussian() * 0.01);
        }
      }
      a.set(v);
    }
  }

  /** k-means++ codebooks on the latents of the first shuffled rows, level by level. */
  private void initCodebooks(
      RqVaeBlock net, ParameterStore ps, NDManager root, float[] x, int[] perm, Random rnd) {
    int d = config.inputDim();
    int zDim = config.latentDim();
    int k = config.codebookSize();
    int s = Math.min(perm.length, config.initSamples());
    float[] xs = gather(x, perm, 0, s, d); // (S, D)
    float[] r; // (S, Z)
    try (NDScope scope = new NDScope()) {
      r = net.encodeLatent(ps, root.create(xs, new Shape(s, d))).toFloatArray();
    }
    int[] assign = new int[s];
    for (int l = 0; l < config.levels(); l++) {
      float[] c; // (K, Z)
      if (collapsedInit) {
        // code 0 sits on the data, all others far away: every row picks code 0, the rest are dead
        c = new float[k * zDim];
        for (int i = 0; i < k; i++) {
          for (int j = 0; j < zDim; j++) {
            c[i * zDim + j] = r[j] + (i == 0 ? 0f : 1000f);
          }
        }
        java.util.Arrays.fill(assign, 0);
      } else {
        c = KMeans.fit(r, s, zDim, k, 10, false, rnd, 2, assign);
      }
      net.quantizer().setCodebook(l, c);
      for (int i = 0; i < s; i++) {
        int ro = i * zDim;
        int co = assign[i] * zDim;
        for (int j = 0; j < zDim; j++) {
          r[ro + j] -= c[co + j];
        }
      }
    }
  }

  /** EMA codebook step with Laplace-smoothed counts. */
  private void emaUpdate(
      ResidualQuantizer rq, float[][] emaCount, float[][] emaSum, long[] codes, float[] resid,
      int b) {
    int levels = config.levels();
    int k = config.codebookSize();
    int zDim = config.latentDim();
    float decay = config.emaDecay();
    for (int l = 0; l < levels; l++) {
      float[] cnt = new float[k];
      float[] sum = new float[k * zDim];
      for (int i = 0; i < b; i++) {
        int c = (int) codes[i * levels + l];
        cnt[c]++;
        int ro = (l * b + i) * zDim;
        for (int j = 0; j < zDim; j++) {
          sum[c * zDim + j] += resid[ro + j];
        }
      }
      double total = 0;
      for (int c = 0; c < k; c++) {
        emaCount[l][c] = decay * emaCount[l][c] + (1 - decay) * cnt[c];
        total += emaCount[l][c];
      }
      float[] book = new float[k * zDim];
      double eps = 1e-5;
      for (int c = 0; c < k; c++) {
        double smoothed = (emaCount[l][c] + eps) / (total + k * eps) * total;
        for (int j = 0; j < zDim; j++) {
          int o = c * zDim + j;
          emaSum[l][o] = decay * emaSum[l][o] + (1 - decay) * sum[o];
          book[o] = (float) (emaSum[l][o] / smoothed);
        }
      }
      rq.setCodebook(l, book);
    }
  }

  /** Re-seeds codes used fewer than the threshold in the window; returns how many. */
  private int resetDeadCodes(
      ResidualQuantizer rq, long[][] windowCounts, float[] resid, int b, Random rnd,
      float[][] emaCount, float[][] emaSum) {
    int zDim = config.latentDim();
    int resets = 0;
    for (int l = 0; l < config.levels(); l++) {
      float[] book = null;
      for (int c = 0; c < config.codebookSize(); c++) {
        if (windowCounts[l][c] >= config.deadCodeThreshold()) {
          continue;
        }
        if (book == null) {
          book = rq.codebookValues(l);
        }
        int row = rnd.nextInt(b);
        System.arraycopy(resid, (l * b + row) * zDim, book, c * zDim, zDim);
        if (emaCount != null) {
          emaCount[l][c] = 1f;
          System.arraycopy(resid, (l * b + row) * zDim, emaSum[l], c * zDim, zDim);
        }
        resets++;
      }
      if (book != null) {
        rq.setCodebook(l, book);
      }
    }
    return resets;
  }

  private static float[] gather(float[] x, int[] perm, int start, int b, int d) {
    float[] out = new float[b * d]; // (B, D)
    for (int i = 0; i < b; i++) {
      System.arraycopy(x, perm[start + i] * d, out, i * d, d);
    }
    return out;
  }

  private static void shuffle(int[] a, Random rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder: config and seed are required. */
  public static final class Builder {
    private RqVaeConfig config;
    private Long seed;
    private boolean showProgress;
    private boolean collapsedInit;

    private Builder() {}

    public Builder setConfig(RqVaeConfig config) {
      this.config = config;
      return this;
    }

    /** The seed; mandatory so every run is reproducible. */
    public Builder setSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Print a progress bar with loss, utilisation and perplexity to stderr (default false). */
    public Builder optProgress(boolean show) {
      this.showProgress = show;
      return this;
    }

    /**
     * Diagnostics/tests: start from a collapsed codebook (code 0 on the data, every other code far
     * away and never chosen) instead of k-means++, to check that dead-code resets recover
     * utilisation.
     */
    Builder optCollapsedInit(boolean collapsed) {
      this.collapsedInit = collapsed;
      return this;
    }

    public RqVaeTrainer build() {
      if (config == null) {
        throw new IllegalStateException("config is required (setConfig)");
      }
      if (seed == null) {
        throw new IllegalStateException("seed is required (setSeed)");
      }
      return new RqVaeTrainer(this);
    }
  }
}
