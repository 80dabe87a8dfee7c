package genrec.quantizer.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genrec.core.io.Csv;
import genrec.core.io.DataFormatException;
import genrec.core.io.ReadReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Readers for item catalogues. Every reader names the file, line and field of a bad record; with
 * a lenient {@link ReadReport} bad records are skipped and counted instead.
 *
 * <ul>
 *   <li>Amazon (S3-Rec layout): {@code items.tsv} ({@code item_id<TAB>asin<TAB>title}, header
 *       line) and optional {@code item2attributes.json} ({@code {"item_id": [attribute ids]}}).
 *   <li>MovieLens: {@code movies.csv} ({@code movieId,title,genres}, genres split on '|').
 *   <li>Generic: items JSONL, one object per line: {@code {"id": ..., "title": ..., "text": ...,
 *       "categories": [...], "attributes": [...]}}; only {@code id} is required.
 * </ul>
 */
public final class CatalogReaders {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CatalogReaders() {}

  /** Reads {@code items.tsv} and, when present, {@code item2attributes.json} from a folder. */
  public static Catalog amazon(Path dir, ReadReport report) {
    Path tsv = dir.resolve("items.tsv");
    List<String[]> rows = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    forEachLine(
        tsv,
        (lineNo, line) -> {
          if (lineNo == 1 && line.startsWith("item_id")) {
            return;
          }
          if (line.isBlank()) {
            return;
          }
          String[] f = line.split("\t", -1);
          if (f.length < 2) {
            report.bad(tsv, lineNo, "asin", "missing column", "expected item_id<TAB>asin<TAB>title");
            return;
          }
          String id = f[0].trim();
          if (!Csv.isUnsignedInteger(id)) {
            report.bad(tsv, lineNo, "item_id", "non-numeric id", "'" + id + "'");
            return;
          }
          if (!seen.add(id)) {
            report.bad(tsv, lineNo, "item_id", "duplicate id", "'" + id + "'");
            return;
          }
          String title = f.length > 2 ? String.join(" ", Arrays.copyOfRange(f, 2, f.length)) : "";
          rows.add(new String[] {id, title.trim()});
        });
    Map<String, List<String>> attrs = new HashMap<>();
    Path attrFile = dir.resolve("item2attributes.json");
    if (Files.exists(attrFile)) {
      attrs = readAttributes(attrFile, seen, report);
    }
    List<Item> items = new ArrayList<>(rows.size());
    for (String[] r : rows) {
      items.add(new Item(r[0], r[1], "", List.of(), attrs.getOrDefault(r[0], List.of())));
    }
    if (items.isEmpty()) {
      throw new DataFormatException(tsv, 0, null, "no items (empty file)");
    }
    return new Catalog(items);
  }

  private static Map<String, List<String>> readAttributes(
      Path file, Set<String> known, ReadReport report) {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new DataFormatException(
          file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(), null,
          "malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
    if (root == null || !root.isObject()) {
      throw new DataFormatException(file, 0, null, "expected a JSON object {\"item_id\": [ids]}");
    }
    Map<String, List<String>> out = new HashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = root.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!known.contains(e.getKey())) {
        report.bad(file, 0, e.getKey(), "unknown item", "'" + e.getKey() + "' is not in items.tsv");
        continue;
      }
      if (!e.getValue().isArray()) {
        report.bad(file, 0, e.getKey(), "not a list", "attributes must be a list of ids");
        continue;
      }
      List<String> a = new ArrayList<>();
      for (JsonNode v : e.getValue()) {
        a.add(v.asText());
      }
      out.put(e.getKey(), a);
    }
    return out;
  }

  /** Reads MovieLens {@code movies.csv}. */
  public static Catalog movieLens(Path moviesCsv, ReadReport report) {
    List<Item> items = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int[][] cols = new int[1][];
    forEachLine(
        moviesCsv,
        (lineNo, line) -> {
          List<String> f = Csv.split(line, moviesCsv, lineNo);
          if (lineNo == 1) {
            cols[0] = Csv.columns(f, moviesCsv, "movieId", "title", "genres");
            return;
          }
          if (line.isBlank()) {
            return;
          }
          int[] c = cols[0];
          if (f.size() <= Math.max(c[0], Math.max(c[1], c[2]))) {
            report.bad(moviesCsv, lineNo, "genres", "missing column",
                "expected movieId,title,genres; got " + f.size() + " fields");
            return;
          }
          String id = f.get(c[0]).trim();
          if (!Csv.isUnsignedInteger(id)) {
            report.bad(moviesCsv, lineNo, "movieId", "non-numeric id", "'" + id + "'");
            return;
          }
          if (!seen.add(id)) {
            report.bad(moviesCsv, lineNo, "movieId", "duplicate id", "'" + id + "'");
            return;
          }
          String genres = f.get(c[2]).trim();
          List<String> cats =
              genres.isEmpty() || genres.equals("(no genres listed)")
                  ? List.of()
                  : List.of(genres.split("\\|"));
          items.add(new Item(id, f.get(c[1]).trim(), "", cats, List.of()));
        });
    if (items.isEmpty()) {
      throw new DataFormatException(moviesCsv, 0, null, "no items (empty file)");
    }
    return new Catalog(items);
  }

  /** Reads a generic items JSONL file. */
  public static Catalog jsonl(Path file, ReadReport report) {
    List<Item> items = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    forEachLine(
        file,
        (lineNo, line) -> {
          if (line.isBlank()) {
            return;
          }
          JsonNode n;
          try {
            n = JSON.readTree(line);
          } catch (JsonProcessingException e) {
            report.bad(file, lineNo, null, "malformed JSON", e.getOriginalMessage());
            return;
          }
          if (n == null || !n.isObject()) {
            report.bad(file, lineNo, null, "malformed JSON", "expected an object per line");
            return;
          }
          JsonNode id = n.get("id");
          if (id == null || id.isNull() || id.isContainerNode() || id.asText().isBlank()) {
            report.bad(file, lineNo, "id", "missing field", "every item needs an \"id\"");
            return;
          }
          String sid = id.asText().trim();
          String control = Item.controlCharacterIn(sid);
          if (control != null) {
            report.bad(file, lineNo, "id", "control character", control);
            return;
          }
          if (!seen.add(sid)) {
            report.bad(file, lineNo, "id", "duplicate id", "'" + sid + "'");
            return;
          }
          List<String> cats = new ArrayList<>();
          List<String> attrs = new ArrayList<>();
          String title;
          String text;
          try {
            title = optText(n, "title", file, lineNo);
            text = optText(n, "text", file, lineNo);
            if (text.isEmpty()) {
              text = optText(n, "description", file, lineNo);
            }
            strings(n, "categories", cats, file, lineNo);
            strings(n, "attributes", attrs, file, lineNo);
          } catch (DataFormatException e) {
            report.bad(file, lineNo, e.field(), "wrong type", e.getMessage());
            return;
          }
          items.add(new Item(sid, title, text, cats, attrs));
        });
    if (items.isEmpty()) {
      throw new DataFormatException(file, 0, null, "no items (empty file)");
    }
    return new Catalog(items);
  }

  private static String optText(JsonNode n, String field, Path file, long line) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return "";
    }
    if (v.isContainerNode()) {
      throw new DataFormatException(file, line, field, "expected a string");
    }
    return v.asText();
  }

  private static void strings(JsonNode n, String field, List<String> out, Path file, long line) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return;
    }
    if (v.isArray()) {
      for (JsonNode x : v) {
        if (x.isContainerNode()) {
          throw new DataFormatException(file, line, field, "expected a list of strings");
        }
        out.add(x.asText());
      }
    } else if (v.isTextual()) {
      out.add(v.asText());
    } else {
      throw new DataFormatException(file, line, field, "expected a list of strings");
    }
  }

  /** A callback per line with its 1-based number. */
  @FunctionalInterface
  public interface LineConsumer {
    void accept(long lineNo, String line);
  }

  /**
   * Calls {@code consumer} for every line of a UTF-8 text file; a missing or empty file is a
   * clear error.
   */
  public static void forEachLine(Path file, LineConsumer consumer) {
    if (!Files.isRegularFile(file)) {
      throw new DataFormatException(file, 0, null, "file not found");
    }
    long n = 0;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        n++;
        if (n == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
          line = line.substring(1);
        }
        consumer.accept(n, line);
      }
    } catch (IOException e) {
      throw new DataFormatException(file, n, null, "could not read: " + e.getMessage());
    }
    if (n == 0) {
      throw new DataFormatException(file, 0, null, "empty file");
    }
  }
}
