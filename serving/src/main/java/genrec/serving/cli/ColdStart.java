package genrec.serving.cli;

import genrec.generator.data.ColdItems;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.serving.http.ModelFiles;
import java.nio.file.Path;
import java.util.Locale;

/** The cold-start protocol of a run: the items {@code quantize --cold-items} held out, if any. */
final class ColdStart {
  private ColdStart() {}

  /** {@code RUN/quantizer/cold-items.txt} of the run, or null when the run holds none out. */
  static ColdItems of(Dataset d, Path runDir) {
    return ColdItems.read(runDir.resolve(ModelFiles.QUANTIZER_DIR).resolve(ColdItems.FILE),
        d.catalog());
  }

  /**
   * The split models of this run train on: without the held-out items' interactions when the
   * run holds some out (a line says so), else {@code split} itself.
   *
   * @throws IllegalArgumentException with {@code refit}: refit runs are not part of the protocol
   */
  static LeaveOneOutSplit trainingSplit(LeaveOneOutSplit split, ColdItems cold, boolean refit,
      String command) {
    if (cold == null) {
      return split;
    }
    if (refit) {
      throw new IllegalArgumentException(command + " --refit: this run holds items out for the "
          + "cold-start protocol (" + ModelFiles.QUANTIZER_DIR + "/" + ColdItems.FILE
          + "); refit runs are not part of it");
    }
    printNotTrainedOn(cold);
    return cold.apply(split);
  }

  /** The line that says the held-out items are not trained on (nothing when none are). */
  static void printNotTrainedOn(ColdItems cold) {
    if (cold != null) {
      System.out.printf(Locale.ROOT, "cold-start protocol: the %,d items held out by 'quantize "
          + "--cold-items %s' are not trained on%n", cold.count(), cold.fraction());
    }
  }
}
