package genrec.quantizer.embed;

import genrec.core.io.AtomicFiles;
import genrec.core.io.Csv;
import genrec.core.io.DataFormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * User-supplied item embeddings on disk, in two formats.
 *
 * <ul>
 *   <li><b>NumPy</b>: a {@code .npy} file holding a 2-D float32 matrix (dtype {@code '<f4'},
 *       C order, shape {@code (rows, dim)}; format versions 1.0, 2.0 and 3.0 are read, 1.0 is
 *       written), plus an id list, one id per line, in row order. By default the id list of {@code
 *       x.npy} is {@code x.ids.txt} ({@link #idsPathFor(Path)}). From Python: {@code
 *       np.save("x.npy", emb.astype("<f4"))}.
 *   <li><b>CSV</b>: {@code id,v1,...,vd} per line, with an optional header line (a first line
 *       whose first field is {@code id} or {@code item_id}, or whose value fields are not numbers).
 * </ul>
 *
 * <p>Reading validates everything and throws {@link DataFormatException} naming the file, the line
 * or row, the field and the id: empty files, wrong dtype / order / rank in the npy header, a data
 * size that does not match the header, ids that do not match the row count, rows of different
 * dimension, empty or duplicate ids, non-numbers and NaN / infinite values. Writes are atomic
 * ({@link AtomicFiles}) and refuse non-finite values.
 */
public final class EmbeddingFiles {
  private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(\\w+)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private EmbeddingFiles() {}

  /** The default id list beside an npy file: {@code x.npy} -> {@code x.ids.txt}. */
  public static Path idsPathFor(Path npy) {
    String name = npy.getFileName().toString();
    String stem = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
    return npy.resolveSibling(stem + ".ids.txt");
  }

  /**
   * Reads a {@code .npy} file (with ids from {@link #idsPathFor(Path)}) or a {@code .csv} file,
   * chosen by the file name's extension.
   */
  public static EmbeddingMatrix read(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".npy")) {
      return readNpy(file, idsPathFor(file));
    }
    if (name.endsWith(".csv")) {
      return readCsv(file);
    }
    throw new DataFormatException(
        file, 0, null, "unknown embedding file type: expected a .npy or .csv file name");
  }

  /** Writes {@code .npy} (+ {@link #idsPathFor(Path)}) or {@code .csv}, by extension. */
  public static void write(EmbeddingMatrix m, Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".npy")) {
      writeNpy(m, file, idsPathFor(file));
    } else if (name.endsWith(".csv")) {
      writeCsv(m, file);
    } else {
      throw new IllegalArgumentException(file + ": expected a .npy or .csv file name");
    }
  }

  // ---------------------------------------------------------------- npy

  /**
   * Reads a 2-D float32 {@code .npy} matrix and its id list (one id per line, row order).
   *
   * @throws DataFormatException on any problem, naming the file, row/line and id
   */
  public static EmbeddingMatrix readNpy(Path npy, Path idsFile) {
    NpyMatrix m = readNpyMatrix(npy);
    List<String> ids = readIds(idsFile);
    if (ids.size() != m.rows) {
      throw new DataFormatException(
          idsFile, 0, null, "has " + ids.size() + " ids but " + npy + " has " + m.rows + " rows");
    }
    for (int r = 0; r < m.rows; r++) {
      for (int c = 0; c < m.cols; c++) {
        float v = m.data[r * m.cols + c];
        if (!Float.isFinite(v)) {
          throw new DataFormatException(
              npy,
              0,
              null,
              "row "
                  + (r + 1)
                  + " (id '"
                  + ids.get(r)
                  + "', line "
                  + (r + 1)
                  + " of "
                  + idsFile.getFileName()
                  + ") column "
                  + (c + 1)
                  + " is "
                  + v);
        }
      }
    }
    return new EmbeddingMatrix(ids, m.cols, m.data);
  }

  /** Writes the matrix as NumPy format 1.0 ({@code '<f4'}, C order) and its ids, atomically. */
  public static void writeNpy(EmbeddingMatrix m, Path npy, Path idsFile) {
    checkFinite(m);
    byte[] header = npyHeader(m.rows(), m.dim());
    AtomicFiles.write(
        npy,
        out -> {
          out.write(header);
          writeFloatsLe(m.data(), out);
        });
    writeIds(m.ids(), idsFile);
  }

  /** Writes ids, one per line, atomically. */
  public static void writeIds(List<String> ids, Path idsFile) {
    StringBuilder sb = new StringBuilder();
    for (String id : ids) {
      if (id.isEmpty() || id.indexOf('\n') >= 0 || id.indexOf('\r') >= 0) {
        throw new IllegalArgumentException("id '" + id + "' cannot be written one per line");
      }
      sb.append(id).append('\n');
    }
    AtomicFiles.writeString(idsFile, sb.toString());
  }

  /**
   * Reads an id list: one id per line (surrounding blanks removed); no empty or duplicate ids.
   */
  public static List<String> readIds(Path idsFile) {
    List<String> lines;
    try {
      lines = Files.readAllLines(idsFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + idsFile + ": " + e.getMessage(), e);
    }
    if (lines.isEmpty()) {
      throw new DataFormatException(idsFile, 0, null, "empty file: expected one id per line");
    }
    List<String> ids = new ArrayList<>(lines.size());
    Map<String, Integer> firstLine = new HashMap<>(lines.size() * 2);
    for (int i = 0; i < lines.size(); i++) {
      String id = lines.get(i).strip();
      if (id.isEmpty()) {
        throw new DataFormatException(idsFile, i + 1, "id", "empty id");
      }
      Integer prev = firstLine.putIfAbsent(id, i + 1);
      if (prev != null) {
        throw new DataFormatException(
            idsFile, i + 1, "id", "duplicate id '" + id + "' (first on line " + prev + ")");
      }
      ids.add(id);
    }
    return ids;
  }

  /** A raw npy matrix: {@code rows x cols} floats, row-major. */
  private record NpyMatrix(int rows, int cols, float[] data) {}

  private static NpyMatrix readNpyMatrix(Path npy) {
    byte[] b;
    try {
      b = Files.readAllBytes(npy);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + npy + ": " + e.getMessage(), e);
    }
    if (b.length == 0) {
      throw new DataFormatException(npy, 0, null, "empty file");
    }
    if (b.length < 10 || !startsWith(b, NPY_MAGIC)) {
      throw new DataFormatException(npy, 0, null, "not a .npy file (no \\x93NUMPY magic)");
    }
    int major = b[6] & 0xff;
    int minor = b[7] & 0xff;
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    long headerLen;
    int headerStart;
    if (major == 1) {
      headerLen = bb.getShort(8) & 0xffff;
      headerStart = 10;
    } else if (major == 2 || major == 3) {
      if (b.length < 12) {
        throw new DataFormatException(npy, 0, "header", "truncated header");
      }
      headerLen = bb.getInt(8) & 0xffffffffL;
      headerStart = 12;
    } else {
      throw new DataFormatException(
          npy, 0, "version", "unsupported .npy format version " + major + "." + minor);
    }
    if (headerStart + headerLen > b.length) {
      throw new DataFormatException(
          npy, 0, "header", "header length " + headerLen + " runs past the end of the file");
    }
    String header =
        new String(
            b,
            headerStart,
            (int) headerLen,
            major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    String descr = group(DESCR, header, npy, "descr");
    if (!descr.equals("<f4")) {
      throw new DataFormatException(
          npy,
          0,
          "descr",
          "dtype '" + descr + "' is not supported: expected '<f4' (float32, little-endian);"
              + " in NumPy use arr.astype('<f4')");
    }
    String fortran = group(FORTRAN, header, npy, "fortran_order");
    if (!fortran.equals("False")) {
      throw new DataFormatException(
          npy,
          0,
          "fortran_order",
          "fortran_order=" + fortran + " is not supported: expected C order"
              + " (np.ascontiguousarray)");
    }
    String shapeText = group(SHAPE, header, npy, "shape");
    List<Long> shape = new ArrayList<>();
    for (String part : shapeText.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      try {
        shape.add(Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p));
      } catch (NumberFormatException e) {
        throw new DataFormatException(npy, 0, "shape", "bad shape (" + shapeText + ")");
      }
    }
    if (shape.size() != 2) {
      throw new DataFormatException(
          npy, 0, "shape", "shape (" + shapeText.strip() + ") is not 2-D: expected (rows, dim)");
    }
    long rows = shape.get(0);
    long cols = shape.get(1);
    if (rows == 0 || cols == 0) {
      throw new DataFormatException(npy, 0, "shape", "empty matrix, shape (" + rows + ", " + cols
          + ")");
    }
    long expected = rows * cols * 4;
    long dataStart = headerStart + headerLen;
    long found = b.length - dataStart;
    if (rows * cols > Integer.MAX_VALUE || found != expected) {
      throw new DataFormatException(
          npy,
          0,
          null,
          "shape ("
              + rows
              + ", "
              + cols
              + ") needs "
              + expected
              + " bytes of float32 data, found "
              + found
              + (found < expected ? " (truncated file?)" : ""));
    }
    float[] data = new float[(int) (rows * cols)];
    ByteBuffer.wrap(b, (int) dataStart, (int) found)
        .order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer()
        .get(data);
    return new NpyMatrix((int) rows, (int) cols, data);
  }

  /**
   * The NumPy 1.0 header: magic, version, little-endian uint16 length and the dict, padded with
   * spaces and a final newline so that the data starts at a multiple of 64 bytes.
   */
  static byte[] npyHeader(int rows, int cols) {
    String dict =
        "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
    int unpadded = 10 + dict.length() + 1; // + '\n'
    int total = (unpadded + 63) / 64 * 64;
    String padded = dict + " ".repeat(total - unpadded) + "\n";
    int headerLen = padded.length();
    if (headerLen > 0xffff) {
      throw new IllegalStateException("npy header too long: " + headerLen);
    }
    ByteBuffer bb = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    bb.put(NPY_MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerLen);
    bb.put(padded.getBytes(StandardCharsets.ISO_8859_1));
    return bb.array();
  }

  private static void writeFloatsLe(float[] data, OutputStream out) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : data) {
      if (!buf.hasRemaining()) {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
      }
      buf.putFloat(v);
    }
    out.write(buf.array(), 0, buf.position());
  }

  private static String group(Pattern p, String header, Path npy, String key) {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new DataFormatException(
          npy, 0, key, "npy header has no '" + key + "': " + header.strip());
    }
    return m.group(1);
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if (b[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- csv

  /**
   * Reads {@code id,v1,...,vd} lines (optional header; blank lines are skipped).
   *
   * @throws DataFormatException on any problem, naming the file, line, field and id
   */
  public static EmbeddingMatrix readCsv(Path csv) {
    List<String> ids = new ArrayList<>();
    Map<String, Long> firstLine = new HashMap<>();
    FloatList values = new FloatList();
    int dim = -1;
    long dimLine = 0;
    boolean sawAnyLine = false;
    try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      String line;
      long lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (lineNo == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1);
        }
        if (line.isBlank()) {
          continue;
        }
        List<String> f = Csv.split(line, csv, lineNo);
        if (!sawAnyLine) {
          sawAnyLine = true;
          if (isHeader(f)) {
            continue;
          }
        }
        if (f.size() < 2) {
          throw new DataFormatException(
              csv, lineNo, null, "expected id,v1,...,vd but found " + f.size() + " field");
        }
        String id = f.get(0).strip();
        if (id.isEmpty()) {
          throw new DataFormatException(csv, lineNo, "id", "empty id");
        }
        Long prev = firstLine.putIfAbsent(id, lineNo);
        if (prev != null) {
          throw new DataFormatException(
              csv, lineNo, "id", "duplicate id '" + id + "' (first on line " + prev + ")");
        }
        int d = f.size() - 1;
        if (dim < 0) {
          dim = d;
          dimLine = lineNo;
        } else if (d != dim) {
          throw new DataFormatException(
              csv,
              lineNo,
              null,
              "id '" + id + "' has " + d + " values, expected " + dim + " (as on line " + dimLine
                  + ")");
        }
        for (int k = 1; k <= d; k++) {
          String s = f.get(k).strip();
          float v;
          try {
            v = Float.parseFloat(s);
          } catch (NumberFormatException e) {
            throw new DataFormatException(
                csv, lineNo, "v" + k, "id '" + id + "': not a number: '" + s + "'");
          }
          if (!Float.isFinite(v)) {
            throw new DataFormatException(
                csv, lineNo, "v" + k, "id '" + id + "': value is " + v + " ('" + s + "')");
          }
          values.add(v);
        }
        ids.add(id);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + csv + ": " + e.getMessage(), e);
    }
    if (ids.isEmpty()) {
      throw new DataFormatException(
          csv, 0, null, sawAnyLine ? "no data rows (header only)" : "empty file");
    }
    return new EmbeddingMatrix(ids, dim, values.toArray());
  }

  /** Writes {@code id,v1,...,vd} with a header line, atomically; floats round-trip exactly. */
  public static void writeCsv(EmbeddingMatrix m, Path csv) {
    checkFinite(m);
    AtomicFiles.write(
        csv,
        out -> {
          StringBuilder sb = new StringBuilder("id");
          for (int k = 1; k <= m.dim(); k++) {
            sb.append(",v").append(k);
          }
          sb.append('\n');
          out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
          float[] data = m.data();
          for (int r = 0; r < m.rows(); r++) {
            sb.setLength(0);
            sb.append(csvField(m.ids().get(r)));
            for (int k = 0; k < m.dim(); k++) {
              sb.append(',').append(data[r * m.dim() + k]);
            }
            sb.append('\n');
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
          }
        });
  }

  private static boolean isHeader(List<String> f) {
    String first = f.get(0).strip();
    if (first.equalsIgnoreCase("id") || first.equalsIgnoreCase("item_id")) {
      return true;
    }
    if (f.size() < 2) {
      return false;
    }
    for (int k = 1; k < f.size(); k++) {
      try {
        Float.parseFloat(f.get(k).strip());
        return false;
      } catch (NumberFormatException e) {
        // not a number: keep looking
      }
    }
    return true;
  }

  private static String csvField(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  private static void checkFinite(EmbeddingMatrix m) {
    float[] data = m.data();
    for (int i = 0; i < data.length; i++) {
      if (!Float.isFinite(data[i])) {
        throw new IllegalArgumentException(
            "embedding of id '"
                + m.ids().get(i / m.dim())
                + "' has "
                + data[i]
                + " at column "
                + (i % m.dim() + 1));
      }
    }
  }

  /** A growable float array. */
  private static final class FloatList {
    private float[] a = new float[1024];
    private int n;

    void add(float v) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, a.length * 2);
      }
      a[n++] = v;
    }

    float[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }
}
