package genrec.cascade.exposure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.core.io.DataFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShownItemsTest {
  static final ShownItemsConfig CONFIG = new ShownItemsConfig(100, 0.01, Duration.ofMillis(1000), 3);

  @Test
  void entriesExpireWithinTwoGenerations() {
    MutableClock clock = new MutableClock(10_500); // generation 10
    ShownItems s = new ShownItems(CONFIG, clock);
    s.record("u", Set.of("a"));
    assertTrue(s.seen("u", "a"));
    assertFalse(s.seen("u", "b"));
    assertFalse(s.seen("v", "a"));
    clock.set(11_999); // generation 11: a is in the previous filter
    assertTrue(s.seen("u", "a"));
    s.record("u", Set.of("b"));
    clock.set(12_000); // generation 12: a (shown in 10) is gone, b (11) stays
    assertFalse(s.seen("u", "a"));
    assertTrue(s.seen("u", "b"));
    clock.set(14_000); // two generations with nothing: all gone
    assertFalse(s.seen("u", "b"));
  }

  @Test
  void leastRecentlyUsedUsersAreDroppedBeyondTheCap() {
    MutableClock clock = new MutableClock(0);
    ShownItems s = new ShownItems(CONFIG, clock);
    for (String u : List.of("u1", "u2", "u3")) {
      s.record(u, Set.of("x"));
    }
    assertTrue(s.seen("u1", "x")); // u1 is now the most recent
    s.record("u4", Set.of("x"));
    assertEquals(3, s.users());
    assertFalse(s.seen("u2", "x"));
    assertTrue(s.seen("u1", "x") && s.seen("u3", "x") && s.seen("u4", "x"));
    assertEquals(3 * 960 / 8 * 1, s.memoryBytes()); // m = 960 bits for 100 at 1%, one generation each
    assertEquals(2 * 960 / 8, CONFIG.bytesPerUser());
  }

  @Test
  void saveAndLoadRoundTrip(@TempDir Path dir) throws IOException {
    MutableClock clock = new MutableClock(5_000);
    ShownItems s = new ShownItems(CONFIG, clock);
    s.record("u1", List.of("a", "b", "c"));
    clock.set(6_000);
    s.record("u1", List.of("d"));
    s.record("u2", List.of("a"));
    s.save(dir);
    ShownItems back = ShownItems.load(dir, clock);
    assertEquals(CONFIG, back.config());
    assertEquals(s.users(), back.users());
    assertEquals(s.memoryBytes(), back.memoryBytes());
    List<String> probes = new ArrayList<>(List.of("a", "b", "c", "d"));
    for (int i = 0; i < 500; i++) {
      probes.add("p" + i);
    }
    for (String user : List.of("u1", "u2", "u3")) {
      for (String p : probes) {
        assertEquals(s.seen(user, p), back.seen(user, p), user + " " + p);
      }
    }
    // expiry continues after the load
    clock.set(7_000);
    assertFalse(back.seen("u1", "a"));
    assertTrue(back.seen("u1", "d"));
    // no temporary file is left behind
    try (var files = Files.list(dir)) {
      assertEquals(List.of(ShownItems.FILE), files.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void damagedFilesAreReportedByName(@TempDir Path dir) throws IOException {
    ShownItems s = new ShownItems(CONFIG, new MutableClock(0));
    s.record("u", List.of("a"));
    s.save(dir);
    Path file = dir.resolve(ShownItems.FILE);
    byte[] all = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(all, all.length - 10));
    DataFormatException cut = assertThrows(DataFormatException.class, () -> ShownItems.load(dir, new MutableClock(0)));
    assertTrue(cut.getMessage().contains("cut short"), cut.getMessage());
    Files.writeString(file, "hello");
    assertThrows(DataFormatException.class, () -> ShownItems.load(dir, new MutableClock(0)));
  }

  @Test
  void aFileOfFormatOneStillLoads(@TempDir Path dir) throws IOException {
    BloomFilter f = BloomFilter.create(CONFIG.capacityPerUser(), CONFIG.falsePositiveRate());
    f.put("a");
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(
        Files.newOutputStream(dir.resolve(ShownItems.FILE)))) {
      out.writeUTF(ShownItems.MAGIC_V1);
      out.writeInt(CONFIG.capacityPerUser());
      out.writeDouble(CONFIG.falsePositiveRate());
      out.writeLong(CONFIG.rotateEvery().toMillis());
      out.writeInt(CONFIG.maxUsers());
      out.writeInt(1);
      out.writeUTF("u");
      out.writeLong(0);
      f.writeTo(out);
      out.writeBoolean(false);
    }
    ShownItems back = ShownItems.load(dir, new MutableClock(0));
    assertTrue(back.seen("u", "a"));
    assertFalse(back.seen("u", "b"));
  }

  @Test
  void badConfigNamesTheValue() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new ShownItemsConfig(0, 0.01, Duration.ofDays(1), 10))
        .getMessage().contains("capacity=0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new ShownItemsConfig(10, 0.01, Duration.ZERO, 10))
        .getMessage().contains("rotateEvery=PT0S"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new ShownItemsConfig(10, 0.01, Duration.ofDays(1), 0))
        .getMessage().contains("maxUsers=0"));
  }
}
