package genrec.generator.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import genrec.core.io.Csv;
import genrec.core.io.DataFormatException;
import genrec.core.io.ReadReport;
import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.catalog.CatalogReaders;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Readers for user interactions. Each names the file, line and field of a bad record (unknown
 * item, non-numeric id, missing column, empty file); with a lenient {@link ReadReport} the bad
 * line is skipped and counted instead.
 */
public final class InteractionReaders {
  private static final ObjectMapper JSON = new ObjectMapper();

  private InteractionReaders() {}

  /**
   * Reads the S3-Rec sequence format: one user per line, {@code user_id item_id item_id ...},
   * items in time order, all ids integers and every item in the catalogue.
   */
  public static List<UserSequence> amazonSequences(Path file, Catalog catalog, ReadReport report) {
    List<UserSequence> out = new ArrayList<>();
    Map<String, Long> seenUsers = new HashMap<>();
    CatalogReaders.forEachLine(
        file,
        (lineNo, line) -> {
          if (line.isBlank()) {
            return;
          }
          String[] tok = line.trim().split("\\s+");
          if (!Csv.isUnsignedInteger(tok[0])) {
            report.bad(file, lineNo, "user_id", "non-numeric id", "'" + tok[0] + "'");
            return;
          }
          if (tok.length < 2) {
            report.bad(file, lineNo, "item_id", "missing column", "user " + tok[0] + " has no items");
            return;
          }
          Long prev = seenUsers.putIfAbsent(tok[0], lineNo);
          if (prev != null) {
            report.bad(file, lineNo, "user_id", "duplicate user",
                "user " + tok[0] + " already on line " + prev);
            return;
          }
          int[] items = new int[tok.length - 1];
          for (int i = 1; i < tok.length; i++) {
            String field = "item_id #" + i;
            if (!Csv.isUnsignedInteger(tok[i])) {
              report.bad(file, lineNo, field, "non-numeric id", "'" + tok[i] + "'");
              seenUsers.remove(tok[0]);
              return;
            }
            int idx = catalog.indexOf(tok[i]);
            if (idx < 0) {
              report.bad(file, lineNo, field, "unknown item", "'" + tok[i] + "' is not in the catalogue");
              seenUsers.remove(tok[0]);
              return;
            }
            items[i - 1] = idx;
          }
          out.add(UserSequence.ofItems(tok[0], items));
        });
    if (out.isEmpty()) {
      throw new DataFormatException(file, 0, null, "no user sequences");
    }
    return out;
  }

  /**
   * Reads MovieLens {@code ratings.csv} (and {@code tags.csv} when given) into time-ordered
   * sequences. Each rated movie is one interaction with its star rating as value and event
   * "rating"; a rated movie the user also tagged has event "rating+tag"; a movie only tagged is an
   * interaction with event "tag" at its first tag time and no value.
   */
  public static List<UserSequence> movieLens(
      Path ratingsCsv, Path tagsCsv, Catalog catalog, ReadReport report) {
    Map<String, Map<Integer, Row>> byUser = new LinkedHashMap<>();
    int[][] rc = new int[1][];
    CatalogReaders.forEachLine(
        ratingsCsv,
        (lineNo, line) -> {
          List<String> f = Csv.split(line, ratingsCsv, lineNo);
          if (lineNo == 1) {
            rc[0] = Csv.columns(f, ratingsCsv, "userId", "movieId", "rating", "timestamp");
            return;
          }
          if (line.isBlank()) {
            return;
          }
          Row r = parseRow(f, rc[0], true, ratingsCsv, lineNo, catalog, report);
          if (r != null) {
            byUser.computeIfAbsent(r.user, k -> new TreeMap<>()).merge(r.item, r, Row::earliest);
          }
        });
    if (tagsCsv != null) {
      int[][] tc = new int[1][];
      CatalogReaders.forEachLine(
          tagsCsv,
          (lineNo, line) -> {
            List<String> f = Csv.split(line, tagsCsv, lineNo);
            if (lineNo == 1) {
              tc[0] = Csv.columns(f, tagsCsv, "userId", "movieId", "tag", "timestamp");
              return;
            }
            if (line.isBlank()) {
              return;
            }
            Row r = parseRow(f, tc[0], false, tagsCsv, lineNo, catalog, report);
            if (r == null) {
              return;
            }
            Map<Integer, Row> m = byUser.computeIfAbsent(r.user, k -> new TreeMap<>());
            Row prev = m.get(r.item);
            if (prev == null) {
              m.put(r.item, r);
            } else if (!prev.event.contains("tag")) {
              m.put(r.item, new Row(prev.user, prev.item, prev.time, prev.value, prev.event + "+tag"));
            }
          });
    }
    List<String> users = new ArrayList<>(byUser.keySet());
    users.sort(Comparator.comparingLong(Long::parseLong));
    List<UserSequence> out = new ArrayList<>(users.size());
    for (String u : users) {
      out.add(toSequence(u, new ArrayList<>(byUser.get(u).values())));
    }
    if (out.isEmpty()) {
      throw new DataFormatException(ratingsCsv, 0, null, "no ratings");
    }
    return out;
  }

  private static Row parseRow(List<String> f, int[] c, boolean rating, Path file, long lineNo,
      Catalog catalog, ReadReport report) {
    String[] names = {"userId", "movieId", rating ? "rating" : "tag", "timestamp"};
    for (int k = 0; k < 4; k++) {
      if (c[k] >= f.size()) {
        report.bad(file, lineNo, names[k], "missing column", "line has " + f.size() + " fields");
        return null;
      }
    }
    String user = f.get(c[0]).trim();
    String movie = f.get(c[1]).trim();
    if (!Csv.isUnsignedInteger(user)) {
      report.bad(file, lineNo, "userId", "non-numeric id", "'" + user + "'");
      return null;
    }
    if (!Csv.isUnsignedInteger(movie)) {
      report.bad(file, lineNo, "movieId", "non-numeric id", "'" + movie + "'");
      return null;
    }
    int item = catalog.indexOf(movie);
    if (item < 0) {
      report.bad(file, lineNo, "movieId", "unknown item", "'" + movie + "' is not in movies.csv");
      return null;
    }
    float value = Float.NaN;
    if (rating) {
      try {
        value = Float.parseFloat(f.get(c[2]).trim());
      } catch (NumberFormatException e) {
        report.bad(file, lineNo, "rating", "non-numeric value", "'" + f.get(c[2]) + "'");
        return null;
      }
      if (!(value >= 0 && value <= 10)) {
        report.bad(file, lineNo, "rating", "value out of range", "'" + f.get(c[2]) + "'");
        return null;
      }
    }
    long time;
    try {
      time = Long.parseLong(f.get(c[3]).trim());
    } catch (NumberFormatException e) {
      report.bad(file, lineNo, "timestamp", "non-numeric timestamp", "'" + f.get(c[3]) + "'");
      return null;
    }
    return new Row(user, item, time, value, rating ? "rating" : "tag");
  }

  /**
   * Reads the generic interactions format: CSV with a header holding {@code user,item,timestamp}
   * and optionally {@code event} and {@code value}, or JSONL objects with those fields. Timestamps
   * are integers (any monotone unit) or ISO-8601 instants. Interactions are ordered by timestamp
   * per user (ties keep file order).
   */
  public static List<UserSequence> generic(Path file, Catalog catalog, ReadReport report) {
    boolean jsonl = file.getFileName().toString().endsWith(".jsonl");
    Map<String, List<Row>> byUser = new LinkedHashMap<>();
    int[] c = {-1, -1, -1, -1, -1};
    CatalogReaders.forEachLine(
        file,
        (lineNo, line) -> {
          if (line.isBlank()) {
            return;
          }
          String user;
          String item;
          String ts;
          String event = null;
          String value = null;
          if (jsonl) {
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
            user = scalar(n, "user");
            item = scalar(n, "item");
            ts = scalar(n, "timestamp");
            event = scalar(n, "event");
            value = scalar(n, "value");
          } else {
            List<String> f = Csv.split(line, file, lineNo);
            if (lineNo == 1) {
              c[0] = Csv.column(f, "user", file);
              c[1] = Csv.column(f, "item", file);
              c[2] = Csv.column(f, "timestamp", file);
              c[3] = Csv.optColumn(f, "event");
              c[4] = Csv.optColumn(f, "value");
              return;
            }
            user = get(f, c[0]);
            item = get(f, c[1]);
            ts = get(f, c[2]);
            event = get(f, c[3]);
            value = get(f, c[4]);
          }
          if (user == null || user.isBlank()) {
            report.bad(file, lineNo, "user", "missing field", "no user id");
            return;
          }
          if (item == null || item.isBlank()) {
            report.bad(file, lineNo, "item", "missing field", "no item id");
            return;
          }
          if (ts == null || ts.isBlank()) {
            report.bad(file, lineNo, "timestamp", "missing field", "no timestamp");
            return;
          }
          int idx = catalog.indexOf(item.trim());
          if (idx < 0) {
            report.bad(file, lineNo, "item", "unknown item", "'" + item.trim() + "' is not in the catalogue");
            return;
          }
          long time;
          try {
            time = parseTime(ts.trim());
          } catch (IllegalArgumentException e) {
            report.bad(file, lineNo, "timestamp", "bad timestamp",
                "'" + ts + "' is neither an integer nor an ISO-8601 instant");
            return;
          }
          float v = Float.NaN;
          if (value != null && !value.isBlank()) {
            try {
              v = Float.parseFloat(value.trim());
            } catch (NumberFormatException e) {
              report.bad(file, lineNo, "value", "non-numeric value", "'" + value + "'");
              return;
            }
          }
          String ev = event == null || event.isBlank() ? null : event.trim().intern();
          byUser.computeIfAbsent(user.trim(), k -> new ArrayList<>())
              .add(new Row(user.trim(), idx, time, v, ev));
        });
    if (!jsonl && c[0] < 0) {
      throw new DataFormatException(file, 1, "user", "missing header user,item,timestamp");
    }
    List<UserSequence> out = new ArrayList<>(byUser.size());
    for (Map.Entry<String, List<Row>> e : byUser.entrySet()) {
      out.add(toSequence(e.getKey(), e.getValue()));
    }
    if (out.isEmpty()) {
      throw new DataFormatException(file, 0, null, "no interactions");
    }
    return out;
  }

  private static String get(List<String> f, int col) {
    return col >= 0 && col < f.size() ? f.get(col) : null;
  }

  private static String scalar(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
  }

  static long parseTime(String s) {
    if (Csv.isUnsignedInteger(s) || (s.startsWith("-") && Csv.isUnsignedInteger(s.substring(1)))) {
      return Long.parseLong(s);
    }
    try {
      return Instant.parse(s).getEpochSecond();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  private static UserSequence toSequence(String user, List<Row> rows) {
    // stable: equal timestamps keep file order (MovieLens: then by item index)
    rows.sort(Comparator.comparingLong((Row r) -> r.time));
    int n = rows.size();
    int[] items = new int[n];
    long[] times = new long[n];
    float[] values = new float[n];
    String[] events = new String[n];
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      items[i] = r.item;
      times[i] = r.time;
      values[i] = r.value;
      events[i] = r.event;
    }
    return new UserSequence(user, items, times, values, events);
  }

  private record Row(String user, int item, long time, float value, String event) {
    static Row earliest(Row a, Row b) {
      return b.time < a.time ? b : a;
    }
  }
}
