package genrec.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 fingerprints of inputs, kept beside artifacts so a changed input is noticed. */
public final class Fingerprint {
  private final MessageDigest digest;

  public Fingerprint() {
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public Fingerprint add(String s) {
    byte[] b = (s == null ? "\u0000null" : s).getBytes(StandardCharsets.UTF_8);
    add(b.length);
    digest.update(b);
    return this;
  }

  public Fingerprint add(long v) {
    for (int i = 0; i < 8; i++) {
      digest.update((byte) (v >>> (8 * i)));
    }
    return this;
  }

  public Fingerprint add(int[] values) {
    add(values.length);
    for (int v : values) {
      add(v);
    }
    return this;
  }

  public Fingerprint add(float[] values) {
    add(values.length);
    for (float v : values) {
      add(Float.floatToIntBits(v));
    }
    return this;
  }

  /** Adds a file's bytes (streamed). */
  public Fingerprint addFile(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        digest.update(buf, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
    }
    return this;
  }

  /** The hex digest (first 16 bytes: 32 hex characters). The fingerprint cannot be reused. */
  public String hex() {
    byte[] d = digest.digest();
    return HexFormat.of().formatHex(d, 0, 16);
  }
}
