package genrec.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.cascade.exposure.ShownItems;
import genrec.cascade.exposure.ShownItemsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exposure store across a restart, with a hostile id in it (issue 33): one user id of
 * 200 000 characters (over writeUTF's 64 KB, recorded through the store API, past the HTTP
 * bound) is saved and reloaded beside the normal users, whose exposures survive intact.
 */
class ExposureStoreTest {
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_000_000), ZoneOffset.UTC);

  @Test
  void aPathologicalIdDoesNotCostTheOtherUsersTheirHistory(@TempDir Path dir) throws Exception {
    ShownItemsConfig config = ShownItemsConfig.defaults();
    ExposureStore store = ExposureStore.open(dir, config, CLOCK);
    String huge = "\u00e9".repeat(100_000) + "x".repeat(100_000); // 300 000 UTF-8 bytes
    store.record("alice", List.of("i1", "i2"));
    store.record(huge, List.of("i3"));
    store.record("bob", List.of("i4"));
    store.saveIfChanged();
    assertTrue(Files.isRegularFile(dir.resolve(ShownItems.FILE)));

    ExposureStore reopened = ExposureStore.open(dir, config, CLOCK); // the restart
    assertEquals(3, reopened.users());
    assertTrue(reopened.seen("alice", "i1") && reopened.seen("alice", "i2"));
    assertTrue(reopened.seen("bob", "i4"));
    assertTrue(reopened.seen(huge, "i3"));
    assertFalse(reopened.seen("alice", "i4"));
    assertFalse(reopened.seen("bob", "i1"));

    // and the store keeps saving after that: a later change reaches the disk
    reopened.record("carol", List.of("i5"));
    reopened.saveIfChanged();
    ExposureStore again = ExposureStore.open(dir, config, CLOCK);
    assertTrue(again.seen("carol", "i5") && again.seen("alice", "i1"));
  }
}
