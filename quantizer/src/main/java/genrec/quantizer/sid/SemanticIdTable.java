package genrec.quantizer.sid;

import genrec.core.io.AtomicFiles;
import genrec.core.io.DataFormatException;
import genrec.quantizer.embed.EmbeddingMatrix;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Item id to semantic ID {@code (c1, c2, c3, dedup)}: three quantizer codes plus a fourth code
 * that tells apart items whose three codes coincide. Immutable and append-only: {@link #assign}
 * returns a new table in which existing items keep their IDs.
 *
 * <p>Dedup codes are given in item order: within a group of items sharing {@code (c1, c2, c3)},
 * the first gets 0, the next 1, and so on; a group larger than {@link #dedupSize()} is refused.
 *
 * <p>Saved as UTF-8 TSV: two {@code #} header lines (format, codebook size, dedup size, item
 * count) then {@code item_id c1 c2 c3 dedup} per line.
 */
public final class SemanticIdTable {
  /** Default size of the 4th (dedup) level. */
  public static final int DEFAULT_DEDUP_SIZE = 256;

  /** Format tag in the first header line. */
  public static final String FORMAT = "genrec-sid-table/1";

  /** Codes per semantic ID. */
  public static final int LENGTH = 4;

  private static final int PREFIX = 3;

  private final List<String> ids;
  private final int[] codes; // (N, 4) row-major
  private final Map<String, Integer> index;
  private final Map<Long, Integer> groupSize; // prefix key -> items in the group
  private final Map<List<Integer>, Integer> bySid; // (c1, c2, c3, dedup) -> row
  private final int codebookSize;
  private final int dedupSize;

  private SemanticIdTable(List<String> ids, int[] codes, int codebookSize, int dedupSize) {
    this.ids = List.copyOf(ids);
    this.codes = codes;
    this.codebookSize = codebookSize;
    this.dedupSize = dedupSize;
    Map<String, Integer> idx = new HashMap<>(ids.size() * 2);
    Map<Long, Integer> groups = new HashMap<>(ids.size() * 2);
    Map<List<Integer>, Integer> seen = new HashMap<>(ids.size() * 2);
    for (int i = 0; i < this.ids.size(); i++) {
      String id = this.ids.get(i);
      checkId(id);
      if (idx.put(id, i) != null) {
        throw new IllegalArgumentException("duplicate item id '" + id + "'");
      }
      for (int l = 0; l < PREFIX; l++) {
        int c = codes[i * LENGTH + l];
        if (c < 0 || c >= codebookSize) {
          throw new IllegalArgumentException(
              "item '" + id + "' code c" + (l + 1) + "=" + c + " is outside [0, " + codebookSize
                  + ")");
        }
      }
      int dd = codes[i * LENGTH + PREFIX];
      if (dd < 0 || dd >= dedupSize) {
        throw new IllegalArgumentException(
            "item '" + id + "' dedup=" + dd + " is outside [0, " + dedupSize + ")");
      }
      List<Integer> sid =
          List.of(codes[i * LENGTH], codes[i * LENGTH + 1], codes[i * LENGTH + 2], dd);
      if (seen.putIfAbsent(sid, i) != null) {
        throw new IllegalArgumentException(
            "item '" + id + "' repeats semantic ID " + Arrays.toString(codesAt(codes, i)));
      }
      groups.merge(key(codes, i), 1, Integer::sum);
    }
    this.index = Collections.unmodifiableMap(idx);
    this.groupSize = groups;
    this.bySid = seen;
  }

  /**
   * Builds the table from 3-level codes.
   *
   * @param ids item ids, in the order that decides dedup codes
   * @param codes3 {@code (N, 3)} codes in {@code [0, codebookSize)}
   * @param codebookSize K of the quantizer
   * @param dedupSize size of the 4th level; a larger collision group is refused
   * @throws IllegalArgumentException if some 3-code group has more than {@code dedupSize} items
   *     (the message names the prefix, its size and a few items), or on bad input
   */
  public static SemanticIdTable build(
      List<String> ids, int[][] codes3, int codebookSize, int dedupSize) {
    Objects.requireNonNull(ids, "ids");
    Objects.requireNonNull(codes3, "codes3");
    if (ids.size() != codes3.length) {
      throw new IllegalArgumentException(
          ids.size() + " ids but " + codes3.length + " code rows");
    }
    checkSizes(codebookSize, dedupSize);
    int n = ids.size();
    int[] codes = new int[n * LENGTH]; // (N, 4)
    Map<Long, Integer> next = new HashMap<>(n * 2);
    Map<Long, List<String>> overflow = new HashMap<>();
    for (int i = 0; i < n; i++) {
      if (codes3[i].length != PREFIX) {
        throw new IllegalArgumentException(
            "item '" + ids.get(i) + "' has " + codes3[i].length + " codes, expected 3");
      }
      System.arraycopy(codes3[i], 0, codes, i * LENGTH, PREFIX);
      long key = key(codes, i);
      int dd = next.merge(key, 1, Integer::sum) - 1;
      if (dd >= dedupSize) {
        overflow.computeIfAbsent(key, x -> new ArrayList<>()).add(ids.get(i));
        dd = 0;
      }
      codes[i * LENGTH + PREFIX] = dd;
    }
    if (!overflow.isEmpty()) {
      long worst = Collections.max(next.entrySet(), Map.Entry.comparingByValue()).getKey();
      throw new IllegalArgumentException(
          overflow.size() + " code prefix group(s) exceed the dedup level: " + describe(worst)
              + " is shared by " + next.get(worst) + " items but the 4th level has only "
              + dedupSize + " codes (e.g. items " + firstIds(ids, codes, worst, 3)
              + "); use more levels or codes, or a larger dedupSize");
    }
    return new SemanticIdTable(ids, codes, codebookSize, dedupSize);
  }

  /** Builds the table from 3-level codes with the default dedup size. */
  public static SemanticIdTable build(List<String> ids, int[][] codes3, int codebookSize) {
    return build(ids, codes3, codebookSize, DEFAULT_DEDUP_SIZE);
  }

  /** Encodes {@code embeddings} with {@code quantizer} and builds the table. */
  public static SemanticIdTable build(
      EmbeddingMatrix embeddings, Quantizer quantizer, int dedupSize) {
    requireThreeLevels(quantizer);
    return build(
        embeddings.ids(), quantizer.encode(embeddings), quantizer.codebookSize(), dedupSize);
  }

  /**
   * Cold start: a new table with the new items appended, coded by {@code quantizer} (no
   * retraining). Each new item's dedup code is the smallest one not used by any item with the
   * same three codes, so it never clashes with an existing ID; existing items keep theirs.
   *
   * @throws IllegalArgumentException if an id already exists (or repeats), if the quantizer does
   *     not match this table, or if a group would exceed the dedup level
   */
  public SemanticIdTable assign(EmbeddingMatrix newItems, Quantizer quantizer) {
    requireThreeLevels(quantizer);
    if (quantizer.codebookSize() != codebookSize) {
      throw new IllegalArgumentException(
          "quantizer has " + quantizer.codebookSize() + " codes per level, table has "
              + codebookSize);
    }
    Set<String> fresh = new HashSet<>();
    for (String id : newItems.ids()) {
      if (index.containsKey(id)) {
        throw new IllegalArgumentException(
            "item '" + id + "' already has semantic ID " + Arrays.toString(codes(id))
                + "; assign only new items");
      }
      if (!fresh.add(id)) {
        throw new IllegalArgumentException("item '" + id + "' appears twice in the new items");
      }
    }
    return appendCodes(newItems.ids(), quantizer.encode(newItems));
  }

  /** Appends items with given 3-level codes (see {@link #assign}). */
  public SemanticIdTable appendCodes(List<String> newIds, int[][] codes3) {
    if (newIds.size() != codes3.length) {
      throw new IllegalArgumentException(newIds.size() + " ids but " + codes3.length + " rows");
    }
    int n = ids.size();
    int m = newIds.size();
    int[] all = Arrays.copyOf(codes, (n + m) * LENGTH); // (N+M, 4)
    Map<Long, Set<Integer>> used = new HashMap<>();
    for (int i = 0; i < m; i++) {
      int row = n + i;
      if (codes3[i].length != PREFIX) {
        throw new IllegalArgumentException(
            "item '" + newIds.get(i) + "' has " + codes3[i].length + " codes, expected 3");
      }
      System.arraycopy(codes3[i], 0, all, row * LENGTH, PREFIX);
      long key = key(all, row);
      Set<Integer> taken = used.computeIfAbsent(key, this::dedupCodesOf);
      int dd = 0;
      while (taken.contains(dd)) {
        dd++;
      }
      if (dd >= dedupSize) {
        throw new IllegalArgumentException(
            "new item '" + newIds.get(i) + "' falls into " + describe(key)
                + ", whose " + dedupSize + " dedup codes are all taken");
      }
      taken.add(dd);
      all[row * LENGTH + PREFIX] = dd;
    }
    List<String> allIds = new ArrayList<>(n + m);
    allIds.addAll(ids);
    allIds.addAll(newIds);
    return new SemanticIdTable(allIds, all, codebookSize, dedupSize);
  }

  private Set<Integer> dedupCodesOf(long key) {
    Set<Integer> s = new HashSet<>();
    if (groupSize.containsKey(key)) {
      for (int i = 0; i < ids.size(); i++) {
        if (key(codes, i) == key) {
          s.add(codes[i * LENGTH + PREFIX]);
        }
      }
    }
    return s;
  }

  public int size() {
    return ids.size();
  }

  /** Item ids in table order. */
  public List<String> ids() {
    return ids;
  }

  public int codebookSize() {
    return codebookSize;
  }

  public int dedupSize() {
    return dedupSize;
  }

  public boolean contains(String id) {
    return index.containsKey(id);
  }

  /** The 4 codes of item {@code id}, or null if it is not in the table. */
  public int[] codes(String id) {
    Integer i = index.get(id);
    return i == null ? null : codesAt(codes, i);
  }

  /** The 4 codes of row {@code i}. */
  public int[] codesAt(int i) {
    return codesAt(codes, i);
  }

  /** The item whose semantic ID is {@code sid} (4 codes), or null. */
  public String itemOf(int[] sid) {
    if (sid.length != LENGTH) {
      return null;
    }
    Integer row = bySid.get(List.of(sid[0], sid[1], sid[2], sid[3]));
    return row == null ? null : ids.get(row);
  }

  /** The 3-level codes of every row, {@code (N, 3)}. */
  public int[][] prefixCodes() {
    int[][] out = new int[ids.size()][PREFIX];
    for (int i = 0; i < ids.size(); i++) {
      System.arraycopy(codes, i * LENGTH, out[i], 0, PREFIX);
    }
    return out;
  }

  /**
   * Share of items that collided: {@code 1 - distinctPrefixes / N}, i.e. the items that needed a
   * dedup code above 0.
   */
  public double collisionRate() {
    return ids.isEmpty() ? 0 : 1.0 - (double) groupSize.size() / ids.size();
  }

  /** Share of items whose 3-code prefix no other item has. */
  public double uniquePrefixShare() {
    if (ids.isEmpty()) {
      return 0;
    }
    long unique = groupSize.values().stream().filter(v -> v == 1).count();
    return (double) unique / ids.size();
  }

  /** Size of the largest group of items sharing a 3-code prefix. */
  public int largestGroup() {
    return groupSize.values().stream().mapToInt(Integer::intValue).max().orElse(0);
  }

  /** Number of distinct 3-code prefixes. */
  public int distinctPrefixes() {
    return groupSize.size();
  }

  /** Writes the table as TSV, atomically. */
  public void save(Path file) {
    AtomicFiles.write(
        file,
        os -> {
          Writer w = new java.io.OutputStreamWriter(os, StandardCharsets.UTF_8);
          w.write("# " + FORMAT + "\n");
          w.write("# codebook_size=" + codebookSize + " dedup_size=" + dedupSize + " items="
              + ids.size() + "\n");
          w.write("item_id\tc1\tc2\tc3\tdedup\n");
          StringBuilder sb = new StringBuilder();
          for (int i = 0; i < ids.size(); i++) {
            sb.setLength(0);
            sb.append(ids.get(i));
            for (int l = 0; l < LENGTH; l++) {
              sb.append('\t').append(codes[i * LENGTH + l]);
            }
            w.write(sb.append('\n').toString());
          }
          w.flush();
        });
  }

  /**
   * Reads a table written by {@link #save}.
   *
   * @throws DataFormatException naming file, line and field on any malformed content
   */
  public static SemanticIdTable load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new DataFormatException(file, 0, null, "file not found");
    }
    List<String> ids = new ArrayList<>();
    List<int[]> rows = new ArrayList<>();
    int codebookSize = -1;
    int dedupSize = -1;
    int declared = -1;
    long lineNo = 0;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line = r.readLine();
      lineNo++;
      if (line == null || !line.equals("# " + FORMAT)) {
        throw new DataFormatException(file, 1, null, "expected header '# " + FORMAT + "'");
      }
      line = r.readLine();
      lineNo++;
      if (line == null || !line.startsWith("# ")) {
        throw new DataFormatException(file, 2, null, "expected '# codebook_size=... ' line");
      }
      for (String kv : line.substring(2).trim().split("\\s+")) {
        String[] p = kv.split("=", 2);
        int v = parse(p.length == 2 ? p[1] : "", file, 2, p[0]);
        switch (p[0]) {
          case "codebook_size" -> codebookSize = v;
          case "dedup_size" -> dedupSize = v;
          case "items" -> declared = v;
          default -> throw new DataFormatException(file, 2, p[0], "unknown header key");
        }
      }
      line = r.readLine();
      lineNo++;
      if (line == null || !line.equals("item_id\tc1\tc2\tc3\tdedup")) {
        throw new DataFormatException(file, 3, null, "expected column header");
      }
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (line.isEmpty()) {
          continue;
        }
        String[] f = line.split("\t", -1);
        if (f.length != LENGTH + 1) {
          throw new DataFormatException(
              file, lineNo, null, "expected 5 tab-separated fields, got " + f.length);
        }
        int[] c = new int[LENGTH];
        String[] names = {"c1", "c2", "c3", "dedup"};
        for (int l = 0; l < LENGTH; l++) {
          c[l] = parse(f[l + 1], file, lineNo, names[l]);
        }
        ids.add(f[0]);
        rows.add(c);
      }
    } catch (IOException e) {
      throw new DataFormatException(file, lineNo, null, "could not read: " + e.getMessage());
    }
    if (codebookSize < 1 || dedupSize < 1) {
      throw new DataFormatException(file, 2, null, "codebook_size and dedup_size are required");
    }
    if (declared != ids.size()) {
      throw new DataFormatException(
          file, 0, "items", "header says " + declared + " items, file has " + ids.size()
              + " (truncated?)");
    }
    int[] codes = new int[ids.size() * LENGTH];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, codes, i * LENGTH, LENGTH);
    }
    try {
      return new SemanticIdTable(ids, codes, codebookSize, dedupSize);
    } catch (IllegalArgumentException e) {
      throw new DataFormatException(file, 0, null, e.getMessage());
    }
  }

  private static int parse(String s, Path file, long line, String field) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      throw new DataFormatException(file, line, field, "not an integer: '" + s + "'");
    }
  }

  private static void requireThreeLevels(Quantizer q) {
    if (q.levels() != PREFIX) {
      throw new IllegalArgumentException(
          "semantic IDs need a 3-level quantizer, this one has " + q.levels() + " levels");
    }
  }

  private static void checkSizes(int codebookSize, int dedupSize) {
    if (codebookSize < 1 || codebookSize > (1 << 20)) {
      throw new IllegalArgumentException("codebookSize=" + codebookSize + " must be in [1, 2^20]");
    }
    if (dedupSize < 1) {
      throw new IllegalArgumentException("dedupSize=" + dedupSize + " must be >= 1");
    }
  }

  private static void checkId(String id) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("empty item id");
    }
    for (int i = 0; i < id.length(); i++) {
      char ch = id.charAt(i);
      if (ch == '\t' || ch == '\n' || ch == '\r') {
        throw new IllegalArgumentException(
            "item id '" + id.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
                + "' contains a tab or line break");
      }
    }
  }

  private static long key(int[] codes, int row) {
    int o = row * LENGTH;
    return ((long) codes[o] << 42) | ((long) codes[o + 1] << 21) | codes[o + 2];
  }

  private static String describe(long key) {
    return "code prefix (" + (key >>> 42) + ", " + ((key >>> 21) & 0x1FFFFF) + ", "
        + (key & 0x1FFFFF) + ")";
  }

  private static List<String> firstIds(List<String> ids, int[] codes, long key, int max) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < ids.size() && out.size() < max; i++) {
      if (key(codes, i) == key) {
        out.add(ids.get(i));
      }
    }
    return out;
  }

  private static int[] codesAt(int[] codes, int i) {
    return Arrays.copyOfRange(codes, i * LENGTH, (i + 1) * LENGTH);
  }
}
