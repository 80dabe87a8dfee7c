package genrec.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.core.io.AtomicFiles;
import genrec.core.io.DataFormatException;
import genrec.generator.baseline.MostPop;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.catalog.Item;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * What serving needs of a dataset, kept in the run folder so {@code genrec serve --run RUN} works
 * without {@code --data}: the dataset's name, the catalogue (id, title, text, categories of every
 * item, in catalogue order) and each item's interaction count in the leave-one-out training
 * split (the popularity order that answers an empty history).
 *
 * <p>File {@code RUN/catalog.jsonl} (UTF-8 JSON Lines), written atomically by {@code genrec
 * quantize} and {@code genrec train}: line 1 is the header {@code {"format": "genrec-catalog",
 * "version": 1, "dataset": NAME, "items": N}}, then one line per item {@code {"id", "title",
 * "text", "categories": [...], "interactions": COUNT}}. A reader refuses another format or a
 * newer version, naming the file, the line and the field.
 *
 * @param dataset the dataset's name (what {@code /ready} reports)
 * @param catalog the items, in the dataset's catalogue order (item attributes are not kept)
 * @param interactions per item (catalogue order), its interactions in the training split
 */
public record CatalogSnapshot(String dataset, Catalog catalog, int[] interactions) {
  /** The file in a run folder. */
  public static final String FILE = genrec.cascade.pipeline.RunFolder.CATALOG_FILE;
  /** The header's {@code format}. */
  public static final String FORMAT = "genrec-catalog";
  /** The version this code writes and the newest it reads. */
  public static final int VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  public CatalogSnapshot {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(catalog, "catalog");
    if (interactions.length != catalog.size()) {
      throw new IllegalArgumentException(interactions.length + " interaction counts for "
          + catalog.size() + " items");
    }
    interactions = interactions.clone();
  }

  /** The snapshot of {@code d}: its catalogue, and counts over its leave-one-out training split. */
  public static CatalogSnapshot of(Dataset d) {
    MostPop pop = MostPop.fit(LeaveOneOutSplit.of(d).train(), d.catalog().size(), false);
    int[] counts = new int[d.catalog().size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = (int) pop.count(i);
    }
    List<Item> items = new ArrayList<>(d.catalog().size());
    for (Item it : d.catalog().items()) {
      items.add(new Item(it.id(), it.title(), it.text(), it.categories(), List.of()));
    }
    return new CatalogSnapshot(d.name(), new Catalog(items), counts);
  }

  /** {@code runDir/catalog.jsonl}. */
  public static Path file(Path runDir) {
    return runDir.resolve(FILE);
  }

  /** Item indices by descending interaction count, ties by catalogue order. */
  public int[] popularityOrder() {
    return IntStream.range(0, interactions.length).boxed()
        .sorted((a, b) -> interactions[a] != interactions[b]
            ? Integer.compare(interactions[b], interactions[a]) : a - b)
        .mapToInt(Integer::intValue).toArray();
  }

  @Override
  public int[] interactions() {
    return interactions.clone();
  }

  /** Writes {@code runDir/catalog.jsonl} atomically. */
  public void write(Path runDir) {
    AtomicFiles.write(file(runDir), out -> {
      ObjectNode head = JSON.createObjectNode().put("format", FORMAT).put("version", VERSION)
          .put("dataset", dataset).put("items", catalog.size());
      out.write(JSON.writeValueAsBytes(head));
      out.write('\n');
      for (int i = 0; i < catalog.size(); i++) {
        Item it = catalog.get(i);
        ObjectNode n = JSON.createObjectNode().put("id", it.id()).put("title", it.title())
            .put("text", it.text());
        ArrayNode cats = n.putArray("categories");
        it.categories().forEach(cats::add);
        n.put("interactions", interactions[i]);
        out.write(JSON.writeValueAsBytes(n));
        out.write('\n');
      }
    });
  }

  /**
   * Reads {@code runDir/catalog.jsonl}.
   *
   * @throws IllegalArgumentException if the file does not exist (the message says which commands
   *     write it)
   * @throws DataFormatException naming the line and field of anything malformed
   */
  public static CatalogSnapshot read(Path runDir) {
    Path f = file(runDir);
    try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      String line = r.readLine();
      if (line == null) {
        throw new DataFormatException(f, 1, "format", "the file is empty");
      }
      JsonNode head = parse(f, 1, line);
      if (!FORMAT.equals(head.path("format").asText(null))) {
        throw new DataFormatException(f, 1, "format", "not a catalogue snapshot (expected "
            + "\"format\": \"" + FORMAT + "\")");
      }
      JsonNode v = head.get("version");
      if (v == null || !v.isInt() || v.intValue() < 1) {
        throw new DataFormatException(f, 1, "version", "must be a positive integer");
      }
      if (v.intValue() > VERSION) {
        throw new DataFormatException(f, 1, "version", "version " + v.intValue()
            + " was written by a newer genrec (this one reads up to " + VERSION + ")");
      }
      JsonNode name = head.get("dataset");
      if (name == null || !name.isTextual()) {
        throw new DataFormatException(f, 1, "dataset", "must be a string");
      }
      JsonNode n = head.get("items");
      if (n == null || !n.isInt() || n.intValue() < 0) {
        throw new DataFormatException(f, 1, "items", "must be a non-negative integer");
      }
      List<Item> items = new ArrayList<>(n.intValue());
      int[] counts = new int[n.intValue()];
      long lineNr = 1;
      while ((line = r.readLine()) != null) {
        lineNr++;
        if (line.isBlank()) {
          continue;
        }
        if (items.size() == counts.length) {
          throw new DataFormatException(f, lineNr, null, "more items than the header's "
              + counts.length);
        }
        JsonNode it = parse(f, lineNr, line);
        String id = text(f, lineNr, it, "id", true);
        String title = text(f, lineNr, it, "title", false);
        String text = text(f, lineNr, it, "text", false);
        List<String> cats = new ArrayList<>();
        JsonNode c = it.get("categories");
        if (c != null && !c.isNull()) {
          if (!c.isArray()) {
            throw new DataFormatException(f, lineNr, "categories", "must be an array of strings");
          }
          for (JsonNode e : c) {
            if (!e.isTextual()) {
              throw new DataFormatException(f, lineNr, "categories", "must be an array of strings");
            }
            cats.add(e.asText());
          }
        }
        JsonNode cnt = it.get("interactions");
        if (cnt == null || !cnt.isInt() || cnt.intValue() < 0) {
          throw new DataFormatException(f, lineNr, "interactions", "must be a non-negative integer");
        }
        counts[items.size()] = cnt.intValue();
        try {
          items.add(new Item(id, title, text, cats, List.of()));
        } catch (IllegalArgumentException e) {
          throw new DataFormatException(f, lineNr, "id", e.getMessage());
        }
      }
      if (items.size() != counts.length) {
        throw new DataFormatException(f, lineNr, null, items.size() + " items, but the header "
            + "says " + counts.length + " (the file is cut short)");
      }
      Catalog catalog;
      try {
        catalog = new Catalog(items);
      } catch (IllegalArgumentException e) {
        throw new DataFormatException(f, 0, "id", e.getMessage());
      }
      return new CatalogSnapshot(name.asText(), catalog, counts);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no catalogue snapshot at " + f + " (written by "
          + "'genrec quantize' and 'genrec train'): pass --data DIR, or run either again");
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + f, e);
    }
  }

  private static JsonNode parse(Path f, long line, String text) {
    try {
      JsonNode n = JSON.readTree(text);
      if (n == null || !n.isObject()) {
        throw new DataFormatException(f, line, null, "expected a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw new DataFormatException(f, line, null, "not valid JSON");
    }
  }

  private static String text(Path f, long line, JsonNode n, String field, boolean required) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new DataFormatException(f, line, field, "is missing");
      }
      return "";
    }
    if (!v.isTextual()) {
      throw new DataFormatException(f, line, field, "must be a string");
    }
    return v.asText();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CatalogSnapshot s && dataset.equals(s.dataset)
        && catalog.items().equals(s.catalog.items()) && Arrays.equals(interactions, s.interactions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(dataset, catalog.items(), Arrays.hashCode(interactions));
  }

  @Override
  public String toString() {
    return "CatalogSnapshot[" + dataset + ", " + catalog.size() + " items]";
  }
}
