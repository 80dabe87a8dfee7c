package genrec.serving.http;

import genrec.core.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/**
 * The bearer token of the admin routes ({@code POST /admin/reload}, {@code POST /v1/items}):
 * generated at start when none is configured, written to a file only its owner can read, and
 * compared in constant time.
 */
public final class AdminToken {
  /** Where {@code genrec serve} writes a generated token: {@code RUN/admin-token}. */
  public static final String FILE = genrec.cascade.pipeline.RunFolder.ADMIN_TOKEN_FILE;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private AdminToken() {}

  /** A fresh random token: 32 bytes from {@link SecureRandom}, URL-safe base64 (43 characters). */
  public static String generate() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /**
   * Writes {@code token} to {@code file} atomically, readable and writable by its owner only
   * (the temporary file is created owner-only and renamed over the target; the permissions are
   * then set again explicitly).
   *
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void write(Path file, String token) {
    AtomicFiles.writeString(file, token + "\n");
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      try {
        Files.setPosixFilePermissions(file, OWNER_ONLY);
      } catch (IOException e) {
        throw new UncheckedIOException("could not make " + file + " owner-only", e);
      }
    }
  }

  /**
   * The token in {@code file} (surrounding white space stripped).
   *
   * @throws IllegalArgumentException if the file is empty
   * @throws UncheckedIOException if it cannot be read
   */
  public static String read(Path file) {
    String token;
    try {
      token = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the admin token file " + file, e);
    }
    if (token.isEmpty()) {
      throw new IllegalArgumentException("the admin token file " + file + " is empty");
    }
    return token;
  }

  /**
   * Whether an {@code Authorization} header carries {@code token} as {@code Bearer TOKEN}, in
   * time that does not depend on where a wrong header differs ({@link MessageDigest#isEqual}).
   */
  public static boolean matches(String authorizationHeader, String token) {
    if (authorizationHeader == null || token == null) {
      return false;
    }
    byte[] given = authorizationHeader.strip().getBytes(StandardCharsets.UTF_8);
    byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, expected);
  }
}
