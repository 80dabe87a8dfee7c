package genrec.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Atomic artifact writes: the content goes to a temporary file in the same folder, is flushed to
 * disk, and is then renamed over the target, so a crash never leaves a half-written artifact.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes whatever {@code body} writes to {@code target}, atomically. */
  public static void write(Path target, IoConsumer<OutputStream> body) {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp);
          java.io.BufferedOutputStream buf = new java.io.BufferedOutputStream(out, 1 << 16)) {
        body.accept(buf);
        buf.flush();
      }
      try (java.nio.channels.FileChannel ch =
          java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
      syncDirectory(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + abs + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the original error matters more
        }
      }
    }
  }

  /**
   * Makes the rename durable: on Linux a rename reaches the disk with its directory. Where a
   * directory cannot be opened (some platforms and file systems), the rename stays atomic but
   * may be lost to a power cut.
   */
  private static void syncDirectory(Path dir) {
    try (java.nio.channels.FileChannel ch =
        java.nio.channels.FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not supported here; see above
    }
  }

  public static void writeString(Path target, String text) {
    write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** An output action that may throw {@link IOException}. */
  @FunctionalInterface
  public interface IoConsumer<T> {
    void accept(T t) throws IOException;
  }
}
