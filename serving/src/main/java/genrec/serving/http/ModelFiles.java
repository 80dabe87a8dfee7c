package genrec.serving.http;

import genrec.generator.data.Dataset;
import genrec.generator.train.GeneratorModel;
import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.catalog.Item;
import genrec.cascade.pipeline.RunFolder;
import genrec.quantizer.sid.Quantizer;
import genrec.quantizer.sid.SemanticIdTable;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The run folder's artifacts, now owned by {@link RunFolder}: these static delegates remain for
 * the command classes that still call them.
 *
 * @deprecated use {@link RunFolder}
 */
@Deprecated
public final class ModelFiles {
  public static final String QUANTIZER_DIR = RunFolder.QUANTIZER_DIR;
  public static final String GENERATOR_DIR = RunFolder.GENERATOR_DIR;
  public static final String ADDED_ITEMS_FILE = RunFolder.ADDED_ITEMS_FILE;

  private ModelFiles() {}

  public static Quantizer loadQuantizer(Path modelDir) {
    return RunFolder.loadQuantizer(modelDir);
  }

  public static int[][] itemCodes(Dataset d, Path runDir, String quantizeHint) {
    return RunFolder.of(runDir).codes(d.catalog(), quantizeHint);
  }

  public static int[][] itemCodes(Catalog catalog, Path runDir, String quantizeHint) {
    return RunFolder.of(runDir).codes(catalog, quantizeHint);
  }

  public static int[][] itemCodes(Catalog c, SemanticIdTable table, Path file) {
    return RunFolder.codes(c, table, file);
  }

  public static GeneratorModel loadGenerator(Path runDir, int[][] codes) {
    return RunFolder.of(runDir).generator(codes);
  }

  public static GeneratorModel loadGenerator(Path runDir, int[][] codes, boolean last) {
    return RunFolder.of(runDir).generator(codes, last);
  }

  public static Path identity(Path dir) {
    return RunFolder.identity(dir);
  }

  public static Optional<RunFolder.Repeat> firstRepeat(List<Path> dirs) {
    return RunFolder.firstRepeat(dirs);
  }

  public static void persistAdded(Path qdir, SemanticIdTable grown, List<Item> added) {
    RunFolder.persistAdded(qdir, grown, added);
  }
}
