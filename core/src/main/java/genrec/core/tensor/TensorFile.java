package genrec.core.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.core.io.AtomicFiles;
import genrec.core.io.DataFormatException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One self-contained binary file: magic {@code GRGN}, version, a JSON header (format tag, configs,
 * seed, fingerprints, training position), then named float tensors (name, rank, dims,
 * little-endian floats), then an end marker. Written atomically (temp file + rename), so a
 * crash leaves the previous file intact; a truncated or foreign file is refused on read.
 */
public final class TensorFile {
  /** Shared JSON mapper (records and enums). */
  public static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private static final int MAGIC = 0x4752474E; // "GRGN"
  private static final int END = 0x454E4421; // "END!"
  private static final int VERSION = 1;

  private TensorFile() {}

  /** A file's header and tensors, in saved order. */
  public record Contents(ObjectNode header, Map<String, Tensor> tensors) {

    /** The tensor {@code name}, or an error naming the file. */
    public Tensor tensor(String name, Path file) {
      Tensor t = tensors.get(name);
      if (t == null) {
        throw new DataFormatException(file, 0, name, "missing tensor");
      }
      return t;
    }
  }

  /** Writes {@code header} and {@code tensors} to {@code file}, atomically. */
  public static void write(Path file, ObjectNode header, Map<String, Tensor> tensors) {
    AtomicFiles.write(file, os -> {
      DataOutputStream out = new DataOutputStream(os);
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      byte[] json = JSON.writeValueAsBytes(header);
      out.writeInt(json.length);
      out.write(json);
      out.writeInt(tensors.size());
      for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
        out.writeUTF(e.getKey());
        long[] shape = e.getValue().shape();
        out.writeInt(shape.length);
        for (long s : shape) {
          out.writeLong(s);
        }
        float[] data = e.getValue().data();
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        out.write(buf.array());
      }
      out.writeInt(END);
      out.flush();
    });
  }

  /** Reads a file written by {@link #write}; {@code expectedFormat} must match the header. */
  public static Contents read(Path file, String expectedFormat) {
    if (!Files.isRegularFile(file)) {
      throw new DataFormatException(file, 0, null, "file not found");
    }
    try (InputStream is = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        DataInputStream in = new DataInputStream(is)) {
      if (in.readInt() != MAGIC) {
        throw new DataFormatException(file, 0, null, "not a genrec generator file (bad magic)");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new DataFormatException(file, 0, null, "unsupported version " + version);
      }
      byte[] json = new byte[in.readInt()];
      in.readFully(json);
      JsonNode header = JSON.readTree(new String(json, StandardCharsets.UTF_8));
      if (!(header instanceof ObjectNode obj)
          || !expectedFormat.equals(header.path("format").asText())) {
        throw new DataFormatException(file, 0, "format", "expected '" + expectedFormat
            + "', got '" + header.path("format").asText() + "'");
      }
      int count = in.readInt();
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      for (int t = 0; t < count; t++) {
        String name = in.readUTF();
        int rank = in.readInt();
        long[] shape = new long[rank];
        long n = 1;
        for (int r = 0; r < rank; r++) {
          shape[r] = in.readLong();
          n *= shape[r];
        }
        byte[] raw = new byte[Math.toIntExact(n * 4)];
        in.readFully(raw);
        float[] data = new float[(int) n];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
        tensors.put(name, new Tensor(shape, data));
      }
      if (in.readInt() != END) {
        throw new DataFormatException(file, 0, null, "corrupt file (no end marker)");
      }
      return new Contents(obj, tensors);
    } catch (EOFException e) {
      throw new DataFormatException(file, 0, null, "truncated file");
    } catch (IOException e) {
      throw new DataFormatException(file, 0, null, "could not read: " + e.getMessage());
    }
  }

  /**
   * A record (config) from a header field, or an error naming the file and field (public for
   * the alignment checkpoint of {@code genrec.generator.align}).
   */
  public static <T> T field(ObjectNode header, String name, Class<T> type, Path file) {
    JsonNode n = header.get(name);
    if (n == null || n.isNull()) {
      throw new DataFormatException(file, 0, name, "missing header field");
    }
    try {
      return JSON.treeToValue(n, type);
    } catch (IOException | IllegalArgumentException e) {
      throw new DataFormatException(file, 0, name, "bad value: " + e.getMessage());
    }
  }
}
