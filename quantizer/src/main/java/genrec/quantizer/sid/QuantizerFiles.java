package genrec.quantizer.sid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.core.io.AtomicFiles;
import genrec.core.io.DataFormatException;
import genrec.core.io.Fingerprint;
import genrec.core.tensor.Tensor;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The on-disk layout shared by every quantizer artifact, in one folder:
 *
 * <ul>
 *   <li>{@code weights.bin}: named float tensors (magic {@code GRQT}, version, count, then per
 *       tensor: name, rank, dims, big-endian floats);
 *   <li>{@code quantizer.json}: format, kind, seed, data fingerprint, the SHA-256 of {@code
 *       weights.bin}, and the config record.
 * </ul>
 *
 * <p>Both files are written atomically, weights first; the JSON names the weights' hash, so a
 * folder whose weights were replaced or half-copied is refused on load.
 */
public final class QuantizerFiles {
  /** Format tag written to {@code quantizer.json}. */
  public static final String FORMAT = "genrec-quantizer/1";

  public static final String META_FILE = "quantizer.json";
  public static final String WEIGHTS_FILE = "weights.bin";
  private static final int MAGIC = 0x47525154; // "GRQT"
  private static final int VERSION = 1;

  /** Shared JSON mapper (records, enums, pretty printed). */
  public static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private QuantizerFiles() {}

  /**
   * A loaded artifact.
   *
   * @param kind {@code rqvae} or {@code rqkmeans}
   * @param seed the training seed
   * @param dataFingerprint fingerprint of the training embeddings
   * @param config the config record as JSON (convert with {@link #JSON})
   * @param tensors the weights, in saved order
   */
  public record Artifact(
      String kind,
      long seed,
      String dataFingerprint,
      JsonNode config,
      Map<String, Tensor> tensors) {

    /** The tensor {@code name}, or a clear error naming the folder. */
    public Tensor tensor(String name, Path dir) {
      Tensor t = tensors.get(name);
      if (t == null) {
        throw new DataFormatException(
            dir.resolve(WEIGHTS_FILE), 0, name, "missing tensor (have " + tensors.keySet() + ")");
      }
      return t;
    }
  }

  /** Writes {@code weights.bin} then {@code quantizer.json} into {@code dir}, atomically each. */
  public static void write(
      Path dir,
      String kind,
      long seed,
      String dataFingerprint,
      Object config,
      Map<String, Tensor> tensors) {
    Path weights = dir.resolve(WEIGHTS_FILE);
    AtomicFiles.write(
        weights,
        os -> {
          DataOutputStream out = new DataOutputStream(os);
          out.writeInt(MAGIC);
          out.writeInt(VERSION);
          out.writeInt(tensors.size());
          for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            out.writeUTF(e.getKey());
            long[] shape = e.getValue().shape();
            out.writeInt(shape.length);
            for (long s : shape) {
              out.writeLong(s);
            }
            for (float v : e.getValue().data()) {
              out.writeFloat(v);
            }
          }
          out.flush();
        });
    ObjectNode meta = JSON.createObjectNode();
    meta.put("format", FORMAT);
    meta.put("kind", kind);
    meta.put("seed", seed);
    meta.put("dataFingerprint", dataFingerprint);
    meta.put("weightsSha256", new Fingerprint().addFile(weights).hex());
    meta.set("config", JSON.valueToTree(config));
    AtomicFiles.write(dir.resolve(META_FILE), os -> os.write(JSON.writeValueAsBytes(meta)));
  }

  /** The kind recorded in {@code dir/quantizer.json}, to pick the right model class. */
  public static String kindOf(Path dir) {
    return readMeta(dir).path("kind").asText();
  }

  private static JsonNode readMeta(Path dir) {
    Path metaFile = dir.resolve(META_FILE);
    if (!Files.isRegularFile(metaFile)) {
      throw new DataFormatException(metaFile, 0, null, "file not found (not a quantizer folder?)");
    }
    JsonNode meta;
    try {
      meta = JSON.readTree(metaFile.toFile());
    } catch (IOException e) {
      throw new DataFormatException(metaFile, 0, null, "malformed JSON: " + e.getMessage());
    }
    if (!FORMAT.equals(meta.path("format").asText())) {
      throw new DataFormatException(
          metaFile, 0, "format", "expected '" + FORMAT + "', got '" + meta.path("format") + "'");
    }
    return meta;
  }

  /** Reads and checks an artifact folder written by {@link #write}. */
  public static Artifact read(Path dir, String expectedKind) {
    JsonNode meta = readMeta(dir);
    Path metaFile = dir.resolve(META_FILE);
    String kind = meta.path("kind").asText();
    if (!expectedKind.equals(kind)) {
      throw new DataFormatException(
          metaFile, 0, "kind", "expected a '" + expectedKind + "' quantizer, found '" + kind + "'");
    }
    Path weights = dir.resolve(WEIGHTS_FILE);
    if (!Files.isRegularFile(weights)) {
      throw new DataFormatException(weights, 0, null, "file not found");
    }
    String sha = new Fingerprint().addFile(weights).hex();
    if (!sha.equals(meta.path("weightsSha256").asText())) {
      throw new DataFormatException(
          weights, 0, null, "weights do not match " + META_FILE + " (hash " + sha + ")");
    }
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    try (InputStream is = new BufferedInputStream(Files.newInputStream(weights), 1 << 16);
        DataInputStream in = new DataInputStream(is)) {
      if (in.readInt() != MAGIC) {
        throw new DataFormatException(weights, 0, null, "not a genrec weights file (bad magic)");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new DataFormatException(weights, 0, null, "unsupported version " + version);
      }
      int count = in.readInt();
      for (int t = 0; t < count; t++) {
        String name = in.readUTF();
        int rank = in.readInt();
        long[] shape = new long[rank];
        long n = 1;
        for (int r = 0; r < rank; r++) {
          shape[r] = in.readLong();
          n *= shape[r];
        }
        float[] data = new float[Math.toIntExact(n)];
        for (int i = 0; i < data.length; i++) {
          data[i] = in.readFloat();
        }
        tensors.put(name, new Tensor(shape, data));
      }
    } catch (EOFException e) {
      throw new DataFormatException(weights, 0, null, "truncated file");
    } catch (IOException e) {
      throw new DataFormatException(weights, 0, null, "could not read: " + e.getMessage());
    }
    return new Artifact(
        kind,
        meta.path("seed").asLong(),
        meta.path("dataFingerprint").asText(),
        meta.path("config"),
        tensors);
  }
}
