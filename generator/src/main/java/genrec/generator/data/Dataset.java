package genrec.generator.data;

import genrec.core.io.ReadReport;
import genrec.quantizer.catalog.Catalog;
import java.util.List;

/**
 * A catalogue and its users' time-ordered sequences, with the report of what reading skipped.
 *
 * @param name a short name for printing (folder name or "synthetic")
 * @param catalog the items; sequences hold indices into it
 * @param users one sequence per user
 * @param report skipped-line counts (always empty in strict mode)
 */
public record Dataset(String name, Catalog catalog, List<UserSequence> users, ReadReport report) {

  public Dataset {
    users = List.copyOf(users);
  }

  public long interactions() {
    long n = 0;
    for (UserSequence u : users) {
      n += u.length();
    }
    return n;
  }
}
