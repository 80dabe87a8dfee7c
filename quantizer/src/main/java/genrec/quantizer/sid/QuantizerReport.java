package genrec.quantizer.sid;

import com.fasterxml.jackson.databind.SerializationFeature;
import genrec.core.io.AtomicFiles;
import genrec.core.io.DataFormatException;
import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.embed.EmbeddingMatrix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The quality of a semantic-ID assignment, written as JSON next to the table.
 *
 * @param kind quantizer kind ({@code rqvae}, {@code rqkmeans})
 * @param items items in the table
 * @param codebookSize K
 * @param utilisation per level, share of codes used
 * @param perplexity per level, perplexity of the code distribution
 * @param reconstructionMse mean squared error per element between embeddings and the
 *     reconstruction of their codes
 * @param collisionRate {@link SemanticIdTable#collisionRate()}
 * @param uniquePrefixShare {@link SemanticIdTable#uniquePrefixShare()}
 * @param largestGroup {@link SemanticIdTable#largestGroup()}
 * @param distinctPrefixes distinct 3-code prefixes
 * @param jaccard attribute overlap of items sharing codes vs random pairs (null without a
 *     catalogue)
 * @param seed the quantizer's training seed
 * @param dataFingerprint the quantizer's training-data fingerprint
 * @param itemCf how the quantized vectors were built: the item-CF mix's weight and neighbours
 *     (weight 0: the text embeddings as they are); null in reports written before it was recorded
 */
public record QuantizerReport(
    String kind,
    int items,
    int codebookSize,
    List<Double> utilisation,
    List<Double> perplexity,
    double reconstructionMse,
    double collisionRate,
    double uniquePrefixShare,
    int largestGroup,
    int distinctPrefixes,
    SemanticJaccard.Result jaccard,
    long seed,
    String dataFingerprint,
    ItemCf itemCf) {

  /**
   * The item-CF mix applied to the text embeddings before quantizing ({@code genrec quantize
   * --cf-weight W --cf-neighbours K}).
   *
   * @param weight W in [0, 1); 0 means text only
   * @param neighbours K ItemKNN neighbours per item (0 when W is 0)
   */
  public record ItemCf(double weight, int neighbours) {
    /** Text embeddings only, no mix. */
    public static final ItemCf NONE = new ItemCf(0, 0);

    public ItemCf {
      if (!(weight >= 0 && weight < 1)) {
        throw new IllegalArgumentException("item-CF weight=" + weight + " must be in [0, 1)");
      }
      if (neighbours < 0 || (weight > 0 && neighbours < 1)) {
        throw new IllegalArgumentException("item-CF neighbours=" + neighbours
            + " must be >= 1 when the weight is above 0");
      }
    }
  }

  /** Pairs sampled per kind for the Jaccard ratios. */
  public static final int JACCARD_PAIRS = 20_000;

  /**
   * Computes the report. Codes of rows present in {@code table} are the table's; others are
   * encoded by {@code quantizer}.
   *
   * @param catalog the items' attributes for the Jaccard ratios, or null to skip them
   * @param itemCf how {@code embeddings} were built ({@link ItemCf#NONE}: text only)
   */
  public static QuantizerReport of(
      Quantizer quantizer, EmbeddingMatrix embeddings, SemanticIdTable table, Catalog catalog,
      long seed, ItemCf itemCf) {
    int[][] codes = quantizer.encode(embeddings); // (N, L)
    for (int i = 0; i < embeddings.rows(); i++) {
      int[] sid = table.codes(embeddings.ids().get(i));
      if (sid != null) {
        codes[i] = java.util.Arrays.copyOf(sid, quantizer.levels());
      }
    }
    float[] rec = quantizer.reconstruct(codes); // (N, D)
    double se = 0;
    float[] x = embeddings.data();
    for (int i = 0; i < x.length; i++) {
      double d = x[i] - rec[i];
      se += d * d;
    }
    List<Double> util = new ArrayList<>();
    List<Double> ppl = new ArrayList<>();
    for (CodebookStats s : CodebookStats.of(table.prefixCodes(), table.codebookSize())) {
      util.add(s.utilisation());
      ppl.add(s.perplexity());
    }
    return new QuantizerReport(
        quantizer.kind(),
        table.size(),
        table.codebookSize(),
        util,
        ppl,
        x.length == 0 ? 0 : se / x.length,
        table.collisionRate(),
        table.uniquePrefixShare(),
        table.largestGroup(),
        table.distinctPrefixes(),
        catalog == null ? null : SemanticJaccard.compute(catalog, table, JACCARD_PAIRS, seed),
        quantizer.seed(),
        quantizer.dataFingerprint(),
        java.util.Objects.requireNonNull(itemCf, "itemCf"));
  }

  /** Writes the report as pretty JSON, atomically. */
  public void writeJson(Path file) {
    AtomicFiles.write(
        file,
        os -> os.write(
            QuantizerFiles.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsBytes(this)));
  }

  /** Reads a report written by {@link #writeJson}. */
  public static QuantizerReport readJson(Path file) {
    try {
      return QuantizerFiles.JSON.readValue(file.toFile(), QuantizerReport.class);
    } catch (IOException e) {
      throw new DataFormatException(file, 0, null, "not a quantizer report: " + e.getMessage());
    }
  }

  /** A few human-readable lines for the CLI. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%s: %d items, K=%d, reconstruction MSE %.6f%n", kind,
        items, codebookSize, reconstructionMse));
    if (itemCf != null) {
      sb.append(itemCf.weight() == 0 ? "  input: text embeddings\n" : String.format(Locale.ROOT,
          "  input: text embeddings mixed with item-CF (weight %s, %d neighbours)%n",
          itemCf.weight(), itemCf.neighbours()));
    }
    for (int l = 0; l < utilisation.size(); l++) {
      sb.append(String.format(Locale.ROOT, "  level %d: utilisation %.3f, perplexity %.1f%n",
          l + 1, utilisation.get(l), perplexity.get(l)));
    }
    sb.append(String.format(Locale.ROOT,
        "  collisions %.2f%%, unique 3-code prefix %.2f%%, largest group %d, %d prefixes%n",
        100 * collisionRate, 100 * uniquePrefixShare, largestGroup, distinctPrefixes));
    if (jaccard != null) {
      sb.append("  attribute Jaccard: ");
      if (Double.isNaN(jaccard.randomMean())) {
        // no pair of items had an attribute between them (e.g. amazon-sports has none)
        sb.append("no attributes\n");
      } else {
        sb.append("same c1 ").append(mean(jaccard.sameC1Mean(), jaccard.c1Ratio()))
            .append(", same c1c2 ").append(mean(jaccard.sameC1C2Mean(), jaccard.c1c2Ratio()))
            .append(String.format(Locale.ROOT, ", random %.3f%n", jaccard.randomMean()));
      }
    }
    return sb.toString();
  }

  /** A mean Jaccard with its ratio to random, or why there is none. */
  private static String mean(double mean, double ratio) {
    if (Double.isNaN(mean)) {
      return "n/a (no pairs with attributes)";
    }
    return Double.isNaN(ratio) ? String.format(Locale.ROOT, "%.3f", mean)
        : String.format(Locale.ROOT, "%.3f (x%.2f)", mean, ratio);
  }
}
