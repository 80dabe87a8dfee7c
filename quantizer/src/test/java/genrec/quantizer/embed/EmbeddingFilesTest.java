package genrec.quantizer.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.core.io.DataFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Round trips and every bad-input error of {@link EmbeddingFiles}. */
class EmbeddingFilesTest {
  /** The matrix stored in the NumPy-written fixture {@code embed/numpy-3x4.npy}. */
  private static final float[] NUMPY_3X4 = {
    0.5f, -1.25f, 3.0f, 1e-3f, 2.0f, 0.0f, -0.75f, 7.5f, 1.0f / 3, 2.0f / 3, 100.0f, -1e6f
  };

  @TempDir Path dir;

  private static EmbeddingMatrix sample() {
    return new EmbeddingMatrix(
        List.of("11", "22", "33"), 4, java.util.Arrays.copyOf(NUMPY_3X4, NUMPY_3X4.length));
  }

  private Path resource(String name) throws IOException {
    Path p = dir.resolve(name);
    try (InputStream in = getClass().getResourceAsStream("/embed/" + name)) {
      Files.copy(in, p);
    }
    return p;
  }

  @Test
  void readsFileWrittenByNumpy() throws IOException {
    Path npy = resource("numpy-3x4.npy");
    resource("numpy-3x4.ids.txt");
    EmbeddingMatrix m = EmbeddingFiles.read(npy);
    assertEquals(List.of("11", "22", "33"), m.ids());
    assertEquals(4, m.dim());
    assertArrayEquals(NUMPY_3X4, m.data());
  }

  @Test
  void writesTheSameBytesAsNumpy() throws IOException {
    Path expected = resource("numpy-3x4.npy");
    Path npy = dir.resolve("ours.npy");
    EmbeddingFiles.writeNpy(sample(), npy, dir.resolve("ours.ids.txt"));
    assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(npy));
    assertEquals("11\n22\n33\n", Files.readString(dir.resolve("ours.ids.txt")));
  }

  @Test
  void npyHeaderIsVersion1AlignedTo64() {
    for (int rows : new int[] {1, 12101, 123456789}) {
      byte[] h = EmbeddingFiles.npyHeader(rows, 384);
      assertEquals(0, h.length % 64, "rows=" + rows);
      assertEquals(1, h[6]);
      assertEquals(0, h[7]);
      int len = ByteBuffer.wrap(h, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
      assertEquals(h.length - 10, len);
      assertEquals('\n', h[h.length - 1]);
      String dict = new String(h, 10, len, StandardCharsets.ISO_8859_1);
      assertTrue(dict.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows
          + ", 384), }"), dict);
    }
  }

  @Test
  void npyRoundTripLargeMatrix() {
    int rows = 1000;
    int dim = 384;
    float[] data = new float[rows * dim];
    java.util.Random rnd = new java.util.Random(7);
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) rnd.nextGaussian();
    }
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < rows; i++) {
      ids.add("item-" + i);
    }
    EmbeddingMatrix m = new EmbeddingMatrix(ids, dim, data);
    Path npy = dir.resolve("big.npy");
    EmbeddingFiles.write(m, npy);
    EmbeddingMatrix back = EmbeddingFiles.read(npy);
    assertEquals(m.ids(), back.ids());
    assertEquals(dim, back.dim());
    assertArrayEquals(data, back.data());
  }

  @Test
  void csvRoundTripIsExact() {
    EmbeddingMatrix m =
        new EmbeddingMatrix(
            List.of("a", "with,comma", "q\"uote"),
            4,
            java.util.Arrays.copyOf(NUMPY_3X4, NUMPY_3X4.length));
    Path csv = dir.resolve("e.csv");
    EmbeddingFiles.write(m, csv);
    EmbeddingMatrix back = EmbeddingFiles.read(csv);
    assertEquals(m.ids(), back.ids());
    assertEquals(4, back.dim());
    assertArrayEquals(m.data(), back.data());
  }

  @Test
  void csvHeaderIsOptional() throws IOException {
    Path noHeader = dir.resolve("a.csv");
    Files.writeString(noHeader, "x,1,2\ny,3,4.5\n");
    EmbeddingMatrix m = EmbeddingFiles.readCsv(noHeader);
    assertEquals(List.of("x", "y"), m.ids());
    assertArrayEquals(new float[] {1, 2, 3, 4.5f}, m.data());
    Path header = dir.resolve("b.csv");
    Files.writeString(header, "item,e1,e2\r\nx,1,2\r\n\r\ny,3,4.5\r\n");
    assertArrayEquals(m.data(), EmbeddingFiles.readCsv(header).data());
  }

  // ------------------------------------------------------------------ bad npy

  @Test
  void npyWrongDtype() throws IOException {
    Path npy = resource("numpy-f8.npy");
    Files.writeString(dir.resolve("numpy-f8.ids.txt"), "11\n22\n33\n");
    assertError(() -> EmbeddingFiles.read(npy), npy, "dtype '<f8'", "descr");
  }

  @Test
  void npyFortranOrder() throws IOException {
    Path npy = resource("numpy-fortran.npy");
    Files.writeString(dir.resolve("numpy-fortran.ids.txt"), "11\n22\n33\n");
    assertError(() -> EmbeddingFiles.read(npy), npy, "fortran_order=True", "C order");
  }

  @Test
  void npyNot2d() throws IOException {
    Path npy = resource("numpy-1d.npy");
    Files.writeString(dir.resolve("numpy-1d.ids.txt"), "11\n");
    assertError(() -> EmbeddingFiles.read(npy), npy, "shape (4,) is not 2-D");
  }

  @Test
  void npyEmptyFileAndNotNpy() throws IOException {
    Path empty = dir.resolve("empty.npy");
    Files.write(empty, new byte[0]);
    Files.writeString(dir.resolve("empty.ids.txt"), "1\n");
    assertError(() -> EmbeddingFiles.read(empty), empty, "empty file");
    Path text = dir.resolve("text.npy");
    Files.writeString(text, "id,v1\n1,2.0\n");
    Files.writeString(dir.resolve("text.ids.txt"), "1\n");
    assertError(() -> EmbeddingFiles.read(text), text, "not a .npy file");
  }

  @Test
  void npyTruncatedData() throws IOException {
    Path npy = resource("numpy-3x4.npy");
    resource("numpy-3x4.ids.txt");
    byte[] b = Files.readAllBytes(npy);
    Files.write(npy, java.util.Arrays.copyOf(b, b.length - 4));
    assertError(() -> EmbeddingFiles.read(npy), npy, "needs 48 bytes", "found 44", "truncated");
  }

  @Test
  void npyIdCountMismatch() throws IOException {
    Path npy = resource("numpy-3x4.npy");
    Path ids = dir.resolve("numpy-3x4.ids.txt");
    Files.writeString(ids, "11\n22\n");
    assertError(() -> EmbeddingFiles.read(npy), ids, "has 2 ids", "has 3 rows");
  }

  @Test
  void idFileProblems() throws IOException {
    Path npy = resource("numpy-3x4.npy");
    Path ids = dir.resolve("numpy-3x4.ids.txt");
    Files.writeString(ids, "");
    assertError(() -> EmbeddingFiles.read(npy), ids, "empty file");
    Files.writeString(ids, "11\n\n33\n");
    assertError(() -> EmbeddingFiles.read(npy), ids, ids + ":2", "empty id");
    Files.writeString(ids, "11\n22\n11\n");
    assertError(() -> EmbeddingFiles.read(npy), ids, ids + ":3", "duplicate id '11'", "line 1");
  }

  @Test
  void npyNanAndInfNameTheId() throws IOException {
    Path npy = dir.resolve("bad.npy");
    EmbeddingFiles.writeNpy(sample(), npy, EmbeddingFiles.idsPathFor(npy));
    byte[] b = Files.readAllBytes(npy);
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int data = b.length - 12 * 4;
    bb.putFloat(data + (1 * 4 + 2) * 4, Float.NaN); // row 2 (id 22), column 3
    Files.write(npy, b);
    assertError(() -> EmbeddingFiles.read(npy), npy, "row 2", "id '22'", "column 3", "NaN");
    bb.putFloat(data + (1 * 4 + 2) * 4, 1f);
    bb.putFloat(data + (2 * 4) * 4, Float.NEGATIVE_INFINITY); // row 3 (id 33), column 1
    Files.write(npy, b);
    assertError(() -> EmbeddingFiles.read(npy), npy, "row 3", "id '33'", "column 1", "Infinity");
  }

  // ------------------------------------------------------------------ bad csv

  @Test
  void csvDimensionMismatch() throws IOException {
    Path csv = dir.resolve("e.csv");
    Files.writeString(csv, "id,v1,v2\na,1,2\nb,3,4\nc,5\n");
    assertError(
        () -> EmbeddingFiles.readCsv(csv), csv, csv + ":4", "id 'c' has 1 values, expected 2",
        "line 2");
  }

  @Test
  void csvNanInfAndNonNumbers() throws IOException {
    Path csv = dir.resolve("e.csv");
    Files.writeString(csv, "a,1,2\nb,3,NaN\n");
    assertError(() -> EmbeddingFiles.readCsv(csv), csv, csv + ":2", "'v2'", "id 'b'", "NaN");
    Files.writeString(csv, "a,1,2\nb,-Infinity,2\n");
    assertError(() -> EmbeddingFiles.readCsv(csv), csv, csv + ":2", "'v1'", "id 'b'", "Infinity");
    Files.writeString(csv, "a,1,2\nb,1e39,2\n");
    assertError(() -> EmbeddingFiles.readCsv(csv), csv, csv + ":2", "'v1'", "id 'b'", "Infinity");
    Files.writeString(csv, "id,v1,v2\na,1,2\nb,3,x4\n");
    assertError(
        () -> EmbeddingFiles.readCsv(csv), csv, csv + ":3", "'v2'", "id 'b'", "not a number: 'x4'");
  }

  @Test
  void csvEmptyHeaderOnlyAndBadIds() throws IOException {
    Path csv = dir.resolve("e.csv");
    Files.writeString(csv, "");
    assertError(() -> EmbeddingFiles.readCsv(csv), csv, "empty file");
    Files.writeString(csv, "id,v1,v2\n");
    assertError(() -> EmbeddingFiles.readCsv(csv), csv, "no data rows");
    Files.writeString(csv, "a,1,2\na,3,4\n");
    assertError(() -> EmbeddingFiles.readCsv(csv), csv, csv + ":2", "duplicate id 'a'");
    Files.writeString(csv, "a,1,2\n,3,4\n");
    assertError(() -> EmbeddingFiles.readCsv(csv), csv, csv + ":2", "'id'", "empty id");
    Files.writeString(csv, "a,1,2\nb\n");
    assertError(() -> EmbeddingFiles.readCsv(csv), csv, csv + ":2", "expected id,v1,...,vd");
  }

  @Test
  void writeRefusesNonFiniteAndUnknownExtension() {
    float[] data = java.util.Arrays.copyOf(NUMPY_3X4, NUMPY_3X4.length);
    data[5] = Float.NaN;
    EmbeddingMatrix bad = new EmbeddingMatrix(List.of("11", "22", "33"), 4, data);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> EmbeddingFiles.write(bad, dir.resolve("x.npy")));
    assertTrue(e.getMessage().contains("id '22'"), e.getMessage());
    assertTrue(Files.notExists(dir.resolve("x.npy")));
    assertThrows(
        IllegalArgumentException.class, () -> EmbeddingFiles.write(sample(), dir.resolve("x.bin")));
    assertError(() -> EmbeddingFiles.read(dir.resolve("x.bin")), dir.resolve("x.bin"), ".npy");
  }

  private static void assertError(Executable call, Path file, String... parts) {
    DataFormatException e = assertThrows(DataFormatException.class, call);
    assertEquals(file, e.file(), e.getMessage());
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + p + "' missing in: " + e.getMessage());
    }
  }
}
