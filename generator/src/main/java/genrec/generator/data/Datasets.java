package genrec.generator.data;

import genrec.core.io.DataFormatException;
import genrec.core.io.ReadReport;
import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.catalog.CatalogReaders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads a dataset folder, recognising its format by the files in it:
 *
 * <ul>
 *   <li>Amazon / S3-Rec: {@code sequences.txt} + {@code items.tsv} (+ {@code item2attributes.json})
 *   <li>MovieLens: {@code ratings.csv} + {@code movies.csv} (+ {@code tags.csv})
 *   <li>generic: {@code interactions.csv} or {@code interactions.jsonl} + {@code items.jsonl}
 * </ul>
 *
 * The name {@code synthetic} (instead of a folder) gives the seeded synthetic dataset.
 */
public final class Datasets {
  private Datasets() {}

  /** Loads {@code dir}; {@code lenient} skips and counts bad lines instead of failing. */
  public static Dataset load(Path dir, boolean lenient) {
    return load(dir, lenient, SyntheticInteractions.Options.defaults());
  }

  /** As {@link #load(Path, boolean)}, with the options used when {@code dir} is "synthetic". */
  public static Dataset load(Path dir, boolean lenient, SyntheticInteractions.Options synthetic) {
    ReadReport report = ReadReport.of(lenient);
    if (dir.toString().equals("synthetic")) {
      return SyntheticInteractions.generate(synthetic);
    }
    if (!Files.isDirectory(dir)) {
      throw new DataFormatException(dir, 0, null, "dataset folder not found");
    }
    String name = dir.toAbsolutePath().normalize().getFileName().toString();
    if (Files.exists(dir.resolve("sequences.txt"))) {
      Catalog catalog = CatalogReaders.amazon(dir, report);
      List<UserSequence> users =
          InteractionReaders.amazonSequences(dir.resolve("sequences.txt"), catalog, report);
      return new Dataset(name, catalog, users, report);
    }
    if (Files.exists(dir.resolve("ratings.csv"))) {
      Catalog catalog = CatalogReaders.movieLens(dir.resolve("movies.csv"), report);
      Path tags = dir.resolve("tags.csv");
      List<UserSequence> users = InteractionReaders.movieLens(
          dir.resolve("ratings.csv"), Files.exists(tags) ? tags : null, catalog, report);
      return new Dataset(name, catalog, users, report);
    }
    for (String f : new String[] {"interactions.csv", "interactions.jsonl"}) {
      if (Files.exists(dir.resolve(f))) {
        Catalog catalog = CatalogReaders.jsonl(dir.resolve("items.jsonl"), report);
        List<UserSequence> users = InteractionReaders.generic(dir.resolve(f), catalog, report);
        return new Dataset(name, catalog, users, report);
      }
    }
    throw new DataFormatException(dir, 0, null,
        "unrecognised dataset folder: expected sequences.txt + items.tsv (Amazon), "
            + "ratings.csv + movies.csv (MovieLens), or interactions.csv|jsonl + items.jsonl (generic)");
  }
}
