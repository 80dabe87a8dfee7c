package genrec.quantizer.sid;

import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.embed.EmbeddingMatrix;
import java.nio.file.Path;

/**
 * The files {@code genrec quantize} leaves in its output folder, written in one call so the CLI
 * and tests share one path:
 *
 * <ul>
 *   <li>{@code model/} — the quantizer ({@link QuantizerFiles} layout);
 *   <li>{@code sid.tsv} — the {@link SemanticIdTable};
 *   <li>{@code report.json} — the {@link QuantizerReport};
 *   <li>{@code code-usage.png} — the {@link CodeUsageChart}.
 * </ul>
 *
 * <p>Each file is written atomically; the table is written after the model, so a table on disk
 * always has its model beside it.
 */
public final class SidArtifacts {
  public static final String MODEL_DIR = "model";
  public static final String TABLE_FILE = "sid.tsv";
  public static final String REPORT_FILE = "report.json";
  public static final String CHART_FILE = "code-usage.png";

  private SidArtifacts() {}

  /**
   * Computes the report and writes all four artifacts into {@code outDir}.
   *
   * @param catalog item attributes for the Jaccard ratios, or null
   * @return the report that was written
   */
  public static QuantizerReport write(
      Path outDir,
      Quantizer quantizer,
      EmbeddingMatrix embeddings,
      SemanticIdTable table,
      Catalog catalog,
      long seed,
      QuantizerReport.ItemCf itemCf) {
    quantizer.save(outDir.resolve(MODEL_DIR));
    table.save(outDir.resolve(TABLE_FILE));
    QuantizerReport report = QuantizerReport.of(quantizer, embeddings, table, catalog, seed, itemCf);
    report.writeJson(outDir.resolve(REPORT_FILE));
    CodeUsageChart.write(outDir.resolve(CHART_FILE), table);
    return report;
  }

  /** The model folder inside an output folder. */
  public static Path modelDir(Path outDir) {
    return outDir.resolve(MODEL_DIR);
  }

  /** Loads the table of an output folder. */
  public static SemanticIdTable loadTable(Path outDir) {
    return SemanticIdTable.load(outDir.resolve(TABLE_FILE));
  }
}
