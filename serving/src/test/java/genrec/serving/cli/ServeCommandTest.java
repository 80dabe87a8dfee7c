package genrec.serving.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.generator.data.Dataset;
import genrec.generator.data.Datasets;
import genrec.serving.http.CatalogSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code genrec serve} before it listens: the admin token (explicit, from the environment, or
 * generated into an owner-only {@code RUN/admin-token}) and the catalogue (from {@code --data} or
 * the run folder's snapshot, with errors naming what is missing).
 */
class ServeCommandTest {
  private static ServeCommand parse(String... args) {
    ServeCommand c = new ServeCommand();
    new CommandLine(c).parseArgs(args);
    return c;
  }

  @Test
  void withoutAConfiguredTokenOneIsGeneratedIntoAnOwnerOnlyFile(@TempDir Path run)
      throws Exception {
    ServeCommand c = parse("--run", run.toString());
    ServeCommand.Resolved r = c.settings.config(run, null);
    Path file = run.resolve("admin-token");
    assertEquals(file, r.tokenFile());
    String token = r.config().adminToken();
    assertEquals(token + "\n", Files.readString(file));
    assertTrue(token.length() >= 40, token);
    assertTrue(r.tokenSource().contains(file.toString()), r.tokenSource());
    assertFalse(r.tokenSource().contains(token), "the token itself is never printed");
    if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
    // a new token at each start
    String next = c.settings.config(run, "").config().adminToken();
    assertNotEquals(token, next);
    assertEquals(next + "\n", Files.readString(file));
  }

  @Test
  void anExplicitTokenIsUsedAndNothingIsWritten(@TempDir Path dir) throws Exception {
    Path run = Files.createDirectories(dir.resolve("run"));
    ServeCommand.Resolved env = parse().settings.config(run, " from-env \n");
    assertEquals("from-env", env.config().adminToken());
    assertTrue(env.tokenSource().contains("GENREC_ADMIN_TOKEN"), env.tokenSource());
    Path tokenFile = Files.writeString(dir.resolve("token"), "from-file\n");
    ServeCommand.Resolved file = parse("--admin-token-file", tokenFile.toString()).settings
        .config(run, "from-env");
    assertEquals("from-file", file.config().adminToken()); // the file wins
    assertFalse(Files.exists(run.resolve("admin-token")));
    Files.writeString(tokenFile, " \n");
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> parse("--admin-token-file", tokenFile.toString()).settings.config(run, null));
    assertTrue(empty.getMessage().contains("--admin-token-file " + tokenFile + " is empty"),
        empty.getMessage());
  }

  @Test
  void anUnwritableRunFolderSaysHowToGiveATokenInstead(@TempDir Path dir) throws Exception {
    Path run = Files.createDirectories(dir.resolve("run"));
    boolean posix = Files.getFileStore(run).supportsFileAttributeView("posix");
    if (posix) {
      Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("r-xr-xr-x"));
    }
    try {
      if (!posix || Files.isWritable(run)) {
        // running as root (CI does), where permissions are not enforced, or without POSIX
        // permissions: a non-empty folder where the token file goes fails the write for anyone
        if (posix) {
          Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.createDirectories(run.resolve("admin-token").resolve("occupied"));
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> parse().settings.config(run, null));
      assertTrue(e.getMessage().contains("could not write the admin token to "
          + run.resolve("admin-token")) && e.getMessage().contains("--admin-token-file"),
          e.getMessage());
    } finally {
      if (posix) {
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
  }

  @Test
  void withoutDataTheRunFolderMustHoldASnapshot(@TempDir Path dir) throws Exception {
    CliRun neither = CliRun.of("serve");
    assertEquals(2, neither.code());
    assertTrue(neither.err().contains("genrec serve needs --run RUN"), neither.err());
    Path nowhere = dir.resolve("nowhere");
    CliRun missing = CliRun.of("serve", "--run", nowhere.toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("no run folder at " + nowhere), missing.err());
    Path empty = Files.createDirectories(dir.resolve("empty"));
    CliRun noSnapshot = CliRun.of("serve", "--run", empty.toString());
    assertEquals(2, noSnapshot.code());
    assertTrue(noSnapshot.err().contains("no catalogue snapshot at "
        + empty.resolve("catalog.jsonl")) && noSnapshot.err().contains("pass --data DIR"),
        noSnapshot.err());
    assertFalse(Files.exists(empty.resolve("admin-token")), "no token before the catalogue");
  }

  @Test
  void withDataAMissingSnapshotIsWritten(@TempDir Path dir) {
    Path data = dir.resolve("data");
    assertEquals(0, CliRun.of("data", "generate", "--out", data.toString(), "--preset", "tiny")
        .code());
    Dataset d = Datasets.load(data, false);
    Path run = dir.resolve("run");
    assertThrows(IllegalArgumentException.class, () -> ServeCommand.catalog(d, run));
    run.toFile().mkdirs();
    assertEquals(CatalogSnapshot.of(d), ServeCommand.catalog(d, run));
    assertEquals(CatalogSnapshot.of(d), CatalogSnapshot.read(run));
    assertEquals(CatalogSnapshot.of(d), ServeCommand.catalog(null, run));
    String body = ServeCommand.exampleBody(CatalogSnapshot.of(d));
    int[] order = CatalogSnapshot.of(d).popularityOrder();
    assertTrue(body.contains("\"history\":[\"" + d.catalog().get(order[0]).id() + "\""), body);
  }
}
