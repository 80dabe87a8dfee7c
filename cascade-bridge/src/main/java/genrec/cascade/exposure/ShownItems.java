package genrec.cascade.exposure;

import genrec.core.io.AtomicFiles;
import genrec.core.io.DataFormatException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-user Bloom filters of the items each user has been shown, to drop them from later slates.
 *
 * <p><b>Expiry by age.</b> Time is cut into generations of length T ({@link
 * ShownItemsConfig#rotateEvery()}, aligned to the epoch: generation g = floor(now / T)). Each user
 * has a current filter (this generation) and a previous one. When a user is next touched in a
 * later generation, current becomes previous and a new empty current starts (after two or more
 * generations both are emptied). {@link #seen} looks in both, so an item shown at time t is seen
 * until the end of the generation after t's: at least T and less than 2T; entries older than 2T
 * are gone.
 *
 * <p><b>Bounded memory.</b> At most {@link ShownItemsConfig#maxUsers()} users, least recently used
 * dropped first (a dropped user starts again with nothing seen); each user holds at most
 * {@link ShownItemsConfig#bytesPerUser()} bytes of bits (the previous filter only after a rotation).
 *
 * <p><b>Saved</b> atomically as one file {@value #FILE} in a folder ({@link #save}, {@link #load}).
 * Thread-safe (one lock; every operation is short).
 */
public final class ShownItems {
  public static final String FILE = "shown-items.bin";
  /**
   * Format 2 writes each user id as its UTF-8 byte length (an int) and the bytes, so no id,
   * however long, can make a save fail; format 1 (readable still) used {@code writeUTF}, which
   * refuses a string over 64 KB.
   */
  static final String MAGIC = "genrec-shown-items/2";
  static final String MAGIC_V1 = "genrec-shown-items/1";

  /** Largest id a saved file may hold (a sanity bound against a damaged length). */
  static final int MAX_ID_BYTES = 64 << 20;

  private final ShownItemsConfig config;
  private final Clock clock;
  private final LinkedHashMap<String, UserFilters> users;

  private static final class UserFilters {
    long generation;
    BloomFilter current;
    BloomFilter previous; // null until a rotation

    UserFilters(long generation, BloomFilter current, BloomFilter previous) {
      this.generation = generation;
      this.current = current;
      this.previous = previous;
    }
  }

  public ShownItems(ShownItemsConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    int maxUsers = config.maxUsers();
    this.users = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, UserFilters> eldest) {
        return size() > maxUsers;
      }
    };
  }

  public ShownItems(ShownItemsConfig config) {
    this(config, Clock.systemUTC());
  }

  public ShownItemsConfig config() {
    return config;
  }

  private long generationNow() {
    return Math.floorDiv(clock.millis(), config.rotateEvery().toMillis());
  }

  private BloomFilter newFilter() {
    return BloomFilter.create(config.capacityPerUser(), config.falsePositiveRate());
  }

  /** The user's filters rotated to generation {@code g}, or null for an unknown user. */
  private UserFilters rotated(String user, long g) {
    UserFilters f = users.get(user);
    if (f == null || f.generation >= g) {
      return f;
    }
    f.previous = g == f.generation + 1 ? f.current : null;
    f.current = newFilter();
    f.generation = g;
    return f;
  }

  /** Whether {@code user} was probably shown {@code item} in this or the previous generation. */
  public synchronized boolean seen(String user, String item) {
    UserFilters f = rotated(user, generationNow());
    return f != null && (f.current.mightContain(item) || (f.previous != null && f.previous.mightContain(item)));
  }

  /** Records that {@code user} was shown {@code items}. */
  public synchronized void record(String user, Collection<String> items) {
    if (user == null || user.isEmpty()) {
      throw new IllegalArgumentException("user is empty");
    }
    long g = generationNow();
    UserFilters f = rotated(user, g);
    if (f == null) {
      f = new UserFilters(g, newFilter(), null);
      users.put(user, f);
    }
    for (String item : items) {
      f.current.put(item);
    }
  }

  /** Users held now. */
  public synchronized int users() {
    return users.size();
  }

  /** Bytes of filter bits held now. */
  public synchronized long memoryBytes() {
    long b = 0;
    for (UserFilters f : users.values()) {
      b += f.current.sizeBytes() + (f.previous == null ? 0 : f.previous.sizeBytes());
    }
    return b;
  }

  /** Writes every user's filters to {@code folder}/{@value #FILE}, atomically. */
  public void save(Path folder) {
    List<Map.Entry<String, UserFilters>> snapshot;
    synchronized (this) {
      snapshot = new ArrayList<>(users.size());
      for (Map.Entry<String, UserFilters> e : users.entrySet()) {
        UserFilters f = e.getValue();
        snapshot.add(Map.entry(e.getKey(), new UserFilters(f.generation, copy(f.current), f.previous == null ? null : copy(f.previous))));
      }
    }
    AtomicFiles.write(folder.resolve(FILE), raw -> {
      DataOutputStream out = new DataOutputStream(raw);
      out.writeUTF(MAGIC);
      out.writeInt(config.capacityPerUser());
      out.writeDouble(config.falsePositiveRate());
      out.writeLong(config.rotateEvery().toMillis());
      out.writeInt(config.maxUsers());
      out.writeInt(snapshot.size());
      for (Map.Entry<String, UserFilters> e : snapshot) { // least recently used first
        byte[] id = e.getKey().getBytes(StandardCharsets.UTF_8);
        out.writeInt(id.length);
        out.write(id);
        out.writeLong(e.getValue().generation);
        e.getValue().current.writeTo(out);
        out.writeBoolean(e.getValue().previous != null);
        if (e.getValue().previous != null) {
          e.getValue().previous.writeTo(out);
        }
      }
      out.flush();
    });
  }

  private static BloomFilter copy(BloomFilter f) {
    try {
      java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
      f.writeTo(new DataOutputStream(buf));
      return BloomFilter.readFrom(new DataInputStream(new java.io.ByteArrayInputStream(buf.toByteArray())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads what {@link #save} wrote in {@code folder}, with the configuration saved there.
   *
   * @throws DataFormatException if the file is not a saved filter set or is cut short
   * @throws UncheckedIOException if it cannot be read
   */
  public static ShownItems load(Path folder, Clock clock) {
    Path file = folder.resolve(FILE);
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
      String magic = in.readUTF();
      boolean v1 = MAGIC_V1.equals(magic);
      if (!MAGIC.equals(magic) && !v1) {
        throw new DataFormatException(file, 0, null, "not a shown-items file (format '" + magic + "', expected " + MAGIC + ")");
      }
      ShownItemsConfig config;
      try {
        config = new ShownItemsConfig(in.readInt(), in.readDouble(), Duration.ofMillis(in.readLong()), in.readInt());
      } catch (IllegalArgumentException e) {
        throw new DataFormatException(file, 0, "config", e.getMessage());
      }
      ShownItems s = new ShownItems(config, clock);
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        String user = v1 ? in.readUTF() : readId(in, file, i);
        long g = in.readLong();
        BloomFilter current = readFilter(in, file, config);
        BloomFilter previous = in.readBoolean() ? readFilter(in, file, config) : null;
        s.users.put(user, new UserFilters(g, current, previous));
      }
      if (in.read() != -1) {
        throw new DataFormatException(file, 0, null, "trailing bytes after " + n + " users");
      }
      return s;
    } catch (EOFException e) {
      throw new DataFormatException(file, 0, null, "file is cut short");
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
    }
  }

  private static String readId(DataInputStream in, Path file, int index) throws IOException {
    int len = in.readInt();
    if (len < 1 || len > MAX_ID_BYTES) {
      throw new DataFormatException(file, 0, "user", "user " + index + " has an id of " + len
          + " bytes (expected 1.." + MAX_ID_BYTES + ")");
    }
    byte[] id = in.readNBytes(len);
    if (id.length < len) {
      throw new EOFException();
    }
    return new String(id, StandardCharsets.UTF_8);
  }

  private static BloomFilter readFilter(DataInputStream in, Path file, ShownItemsConfig config) throws IOException {
    BloomFilter f;
    try {
      f = BloomFilter.readFrom(in);
    } catch (IllegalArgumentException e) {
      throw new DataFormatException(file, 0, "filter", e.getMessage());
    }
    if (f.capacity() != config.capacityPerUser() || f.falsePositiveRate() != config.falsePositiveRate()) {
      throw new DataFormatException(file, 0, "filter", "a user's filter does not match the saved configuration");
    }
    return f;
  }
}
