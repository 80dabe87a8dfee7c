package genrec.core.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A small RFC 4180 line splitter: commas, double-quoted fields, "" as an escaped quote. */
public final class Csv {
  private Csv() {}

  /**
   * Splits one CSV line into fields.
   *
   * @throws DataFormatException if a quoted field is not closed on this line
   */
  public static List<String> split(String line, Path file, long lineNo) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    int i = 0;
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < n && line.charAt(i + 1) == '"') {
            cur.append('"');
            i += 2;
            continue;
          }
          quoted = false;
        } else {
          cur.append(c);
        }
      } else if (c == '"' && cur.length() == 0) {
        quoted = true;
      } else if (c == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
      i++;
    }
    if (quoted) {
      throw new DataFormatException(file, lineNo, null, "unclosed double quote");
    }
    out.add(cur.toString());
    return out;
  }

  /** Index of a required column in a header, or a clear error naming the missing column. */
  public static int column(List<String> header, String name, Path file) {
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).trim().equalsIgnoreCase(name)) {
        return i;
      }
    }
    throw new DataFormatException(
        file, 1, name, "missing column '" + name + "' (header has " + header + ")");
  }

  /** Indices of required columns, in the order named; a missing one is a clear error. */
  public static int[] columns(List<String> header, Path file, String... names) {
    int[] idx = new int[names.length];
    for (int i = 0; i < names.length; i++) {
      idx[i] = column(header, names[i], file);
    }
    return idx;
  }

  /** True for a non-empty string of ASCII digits that fits a long. */
  public static boolean isUnsignedInteger(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** Index of an optional column, or -1. */
  public static int optColumn(List<String> header, String name) {
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).trim().equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }
}
