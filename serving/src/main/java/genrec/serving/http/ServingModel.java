package genrec.serving.http;

import genrec.generator.baseline.MostPop;
import genrec.generator.data.Dataset;
import genrec.generator.data.UserSequence;
import genrec.generator.decode.BeamResult;
import genrec.generator.decode.BeamSearch;
import genrec.generator.decode.GeneratorMixture;
import genrec.generator.decode.PrefixTrie;
import genrec.generator.train.GeneratorModel;
import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.catalog.CatalogReaders;
import genrec.quantizer.catalog.Item;
import genrec.quantizer.embed.EmbeddingMatrix;
import genrec.quantizer.embed.MiniLmEncoder;
import genrec.quantizer.io.Progress;
import genrec.quantizer.io.ReadReport;
import genrec.quantizer.sid.Quantizer;
import genrec.quantizer.sid.SemanticIdTable;
import genrec.quantizer.sid.SidArtifacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded run, ready to serve: the catalogue (dataset items, then items added by cold start),
 * the semantic-ID table, the decoding trie, the generator, the popularity order for empty
 * histories, and (loaded on first use) MiniLM and the quantizer for new items.
 *
 * <p>A mixture ({@link #load(Dataset, Path, List, int)} with other runs) serves the equal-weight
 * mixture of their generators, ranked as {@code genrec eval --ensemble} ranks it for k <= 10
 * ({@link GeneratorMixture#combine}): every member decodes its own semantic-ID table and the
 * results are merged by item. The generators must read the same history window. Reported semantic IDs are the first run's. Cold start ({@link #addItems})
 * is refused for a mixture, since each member would need its own new ID written; items added to
 * every member's table offline ({@code genrec quantize assign}) are served.
 *
 * <p>Thread-safe. {@link #recommend} may run on many threads while {@link #addItems} appends:
 * the trie takes the new item under its write lock, and the item list is copy-on-write, so a
 * search sees the catalogue either before or after an addition. Reference-counted so a reload can
 * retire it while requests still use it: {@link #retain} / {@link #release}; the last release
 * closes the generators' native memory.
 */
public final class ServingModel {
  private static final Logger LOG = LoggerFactory.getLogger(ServingModel.class);

  private final Path runDir;
  private final String datasetName;
  private final List<Member> members;
  private final PrefixTrie trie;
  private final int[] popular;
  private final int historyWindow;
  private final Map<String, Integer> index = new ConcurrentHashMap<>();
  private final AtomicInteger refs = new AtomicInteger(1);
  private final Object addLock = new Object();
  private final int datasetItems;
  private volatile Item[] items;
  private volatile SemanticIdTable table;
  private MiniLmEncoder encoder; // guarded by addLock
  private Quantizer quantizer; // guarded by addLock

  /**
   * One generator with the trie of its own semantic-ID table (as loaded; cold start on a single
   * run updates {@link ServingModel#table}), and its searches by settings.
   */
  private record Member(Path runDir, GeneratorModel generator, PrefixTrie trie,
      SemanticIdTable table, Map<Long, BeamSearch> searches) {
    Member(Path runDir, GeneratorModel generator, PrefixTrie trie, SemanticIdTable table) {
      this(runDir, generator, trie, table, new ConcurrentHashMap<>());
    }

    BeamSearch search(int beam, boolean excludeHistory) {
      long key = ((long) beam << 1) | (excludeHistory ? 1 : 0);
      return searches.computeIfAbsent(key, x -> generator.beamSearch(trie)
          .optBeamWidth(beam).optExcludeHistory(excludeHistory).build());
    }
  }

  private ServingModel(Path runDir, Dataset d, List<Member> members, List<Item> added,
      int historyWindow) {
    this.runDir = runDir;
    this.datasetName = d.name();
    this.members = List.copyOf(members);
    this.trie = members.get(0).trie();
    this.table = members.get(0).table();
    this.historyWindow = historyWindow;
    this.datasetItems = d.catalog().size();
    List<Item> all = new ArrayList<>(d.catalog().items());
    all.addAll(added);
    this.items = all.toArray(new Item[0]);
    for (int i = 0; i < items.length; i++) {
      index.put(items[i].id(), i);
    }
    this.popular = popularity(d);
  }

  /**
   * Loads a run folder trained on {@code d}: {@code RUN/quantizer/sid.tsv}, {@code
   * RUN/generator/model.bin}, and the items in {@code RUN/quantizer/added-items.jsonl}.
   *
   * @param historyWindow history items the generator reads; longer histories are truncated
   * @throws IllegalArgumentException if an artifact is missing or does not match the dataset
   */
  public static ServingModel load(Dataset d, Path runDir, int historyWindow) {
    return load(d, runDir, List.of(), historyWindow);
  }

  /**
   * As {@link #load(Dataset, Path, int)}, serving the mixture of the generator of {@code runDir}
   * and those of the {@code others} run folders (trained on the same dataset; each with its own
   * semantic-ID table). An item added by cold start is served when every member's table has it.
   *
   * @throws IllegalArgumentException as {@link #load(Dataset, Path, int)} for any member, if a
   *     folder is named twice, or if the generators read different history windows
   */
  public static ServingModel load(Dataset d, Path runDir, List<Path> others, int historyWindow) {
    List<Path> dirs = new ArrayList<>();
    dirs.add(runDir);
    dirs.addAll(others);
    ModelFiles.firstRepeat(dirs).ifPresent(r -> {
      throw new IllegalArgumentException("run " + r.later() + " is the same folder as "
          + r.first() + " (" + ModelFiles.identity(r.later()) + "): each member of a mixture "
          + "must be a different run");
    });
    List<Member> members = new ArrayList<>();
    try {
      for (Path dir : dirs) {
        int[][] codes = ModelFiles.itemCodes(d, dir, "genrec quantize --run " + dir);
        GeneratorModel g = ModelFiles.loadGenerator(dir, codes);
        try {
          members.add(new Member(dir, g, PrefixTrie.of(codes, g.config().codebookSize()),
              SidArtifacts.loadTable(dir.resolve(ModelFiles.QUANTIZER_DIR))));
        } catch (RuntimeException e) {
          g.close();
          throw e;
        }
      }
      List<Item> added = new ArrayList<>();
      Path addedFile = runDir.resolve(ModelFiles.QUANTIZER_DIR)
          .resolve(ModelFiles.ADDED_ITEMS_FILE);
      if (Files.isRegularFile(addedFile)) {
        Catalog extra = CatalogReaders.jsonl(addedFile, ReadReport.strict());
        items:
        for (Item it : extra.items()) {
          if (d.catalog().contains(it.id())) {
            continue; // the dataset has caught up with this item
          }
          for (Member m : members) {
            if (!m.table().contains(it.id())) {
              // written before its semantic ID (crash between the two writes): add it again;
              // in a mixture, a member's table may lack it: assign it there too
              LOG.warn("{}: item '{}' has no semantic ID in {}; skipped", addedFile, it.id(),
                  m.runDir().resolve(ModelFiles.QUANTIZER_DIR).resolve(SidArtifacts.TABLE_FILE));
              continue items;
            }
          }
          for (Member m : members) {
            m.trie().add(m.table().codes(it.id()));
          }
          added.add(it);
        }
      }
      for (Member m : members) {
        int w = m.generator().config().historyWindow();
        if (w != members.get(0).generator().config().historyWindow()) {
          throw new IllegalArgumentException("run " + m.runDir() + " reads " + w
              + " history items but run " + runDir + " reads "
              + members.get(0).generator().config().historyWindow()
              + ": a mixture's generators must share one history window");
        }
      }
      int window = Math.min(historyWindow, members.get(0).generator().config().historyWindow());
      return new ServingModel(runDir, d, members, added, window);
    } catch (RuntimeException e) {
      members.forEach(m -> m.generator().close());
      throw e;
    }
  }

  /** Item indices by descending interaction count (ties by index): the empty-history fallback. */
  private static int[] popularity(Dataset d) {
    MostPop pop = MostPop.fit(d.users().stream().map(UserSequence::items).toList(),
        d.catalog().size(), false);
    return IntStream.range(0, d.catalog().size()).boxed()
        .sorted((a, b) -> pop.count(a) != pop.count(b) ? Float.compare(pop.count(b), pop.count(a))
            : a - b)
        .mapToInt(Integer::intValue).toArray();
  }

  public Path runDir() {
    return runDir;
  }

  public String datasetName() {
    return datasetName;
  }

  /** Items that can be recommended (dataset items plus added ones). */
  public int numItems() {
    return items.length;
  }

  /** Items added by cold start since the quantizer ran. */
  public int addedItems() {
    return items.length - datasetItems;
  }

  /** History items the generator reads (the most recent ones). */
  public int historyWindow() {
    return historyWindow;
  }

  /** The item's index, or -1 if unknown. */
  public int indexOf(String id) {
    Integer i = index.get(id);
    return i == null ? -1 : i;
  }

  public Item item(int index) {
    return items[index];
  }

  /** The item's semantic ID (c1, c2, c3, dedup). */
  public int[] codes(int index) {
    return trie.codesOf(index);
  }

  /** The {@code k} most popular items (all of them if fewer). */
  public int[] popular(int k) {
    return Arrays.copyOf(popular, Math.min(k, popular.length));
  }

  /**
   * Top-{@code topK} items for each history in one batched beam search.
   *
   * @param histories item indices, oldest first, each non-empty and at most the history window
   */
  public List<BeamResult> recommend(int[][] histories, int topK, int beam, boolean excludeHistory) {
    if (members.size() == 1) {
      return members.get(0).search(beam, excludeHistory).search(histories, null, topK);
    }
    // the rule eval --ensemble uses with k = 10: a request with k <= 10 is ranked as eval ranks it
    int perMember = GeneratorMixture.proposalsPerMember(topK, beam, numItems());
    List<List<BeamResult>> byMember = new ArrayList<>();
    for (Member m : members) {
      byMember.add(m.search(beam, excludeHistory).search(histories, null, perMember));
    }
    List<BeamResult> out = new ArrayList<>(histories.length);
    for (int h = 0; h < histories.length; h++) {
      List<BeamResult> perUser = new ArrayList<>(members.size());
      for (List<BeamResult> r : byMember) {
        perUser.add(r.get(h));
      }
      out.add(GeneratorMixture.combine(perUser, topK, trie::codesOf));
    }
    return out;
  }

  /** Why live cold start is refused (a mixture), or null when {@link #addItems} may run. */
  public String coldStartRefusal() {
    return members.size() == 1 ? null : "cold start is not available while serving a mixture of "
        + members.size() + " generators (each has its own semantic-ID table): add the items "
        + "to every run with 'genrec quantize assign' and reload, or serve one run";
  }

  /** The run folders whose generators are served: this run's, then a mixture's others. */
  public List<Path> memberRuns() {
    return members.stream().map(Member::runDir).toList();
  }

  /**
   * Cold start: embeds the new items with MiniLM, gives them semantic IDs with the trained
   * quantizer (no retraining), persists them ({@link ModelFiles#persistAdded}) and makes them
   * recommendable at once.
   *
   * @return the indices of the new items, in input order
   * @throws IllegalArgumentException if an id exists already or repeats, or a code does not fit
   *     the generator
   * @throws UnsupportedOperationException when serving a mixture
   */
  public int[] addItems(List<Item> newItems) {
    String refusal = coldStartRefusal();
    if (refusal != null) {
      throw new UnsupportedOperationException(refusal);
    }
    synchronized (addLock) {
      Set<String> seen = new HashSet<>();
      for (Item it : newItems) {
        if (index.containsKey(it.id()) || table.contains(it.id())) {
          throw new IllegalArgumentException("item '" + it.id() + "' exists already");
        }
        if (!seen.add(it.id())) {
          throw new IllegalArgumentException("item '" + it.id() + "' appears twice");
        }
      }
      if (encoder == null) {
        encoder = MiniLmEncoder.create();
      }
      if (quantizer == null) {
        quantizer = ModelFiles.loadQuantizer(
            SidArtifacts.modelDir(runDir.resolve(ModelFiles.QUANTIZER_DIR)));
      }
      EmbeddingMatrix emb = encoder.embed(new Catalog(newItems),
          MiniLmEncoder.DEFAULT_BATCH_SIZE, Progress.silent());
      SemanticIdTable grown = table.assign(emb, quantizer);
      int[][] codes = new int[newItems.size()][];
      for (int i = 0; i < codes.length; i++) {
        codes[i] = grown.codes(newItems.get(i).id());
        for (int c : codes[i]) {
          if (c >= trie.codebookSize()) {
            throw new IllegalArgumentException("item '" + newItems.get(i).id() + "' got code " + c
                + ", beyond the generator's " + trie.codebookSize() + " codes per level");
          }
        }
      }
      ModelFiles.persistAdded(runDir.resolve(ModelFiles.QUANTIZER_DIR), grown, newItems);
      table = grown;
      int[] out = new int[newItems.size()];
      List<Item> all = new ArrayList<>(Arrays.asList(items));
      for (int i = 0; i < out.length; i++) {
        out[i] = trie.add(codes[i]);
        all.add(newItems.get(i));
      }
      items = all.toArray(new Item[0]);
      for (int i = 0; i < out.length; i++) {
        index.put(newItems.get(i).id(), out[i]);
      }
      return out;
    }
  }

  /** Takes a reference; false if the model is already closed. */
  public boolean retain() {
    while (true) {
      int r = refs.get();
      if (r <= 0) {
        return false;
      }
      if (refs.compareAndSet(r, r + 1)) {
        return true;
      }
    }
  }

  /** Drops a reference; the last one closes the generators, MiniLM and the quantizer. */
  public void release() {
    if (refs.decrementAndGet() == 0) {
      synchronized (addLock) {
        members.forEach(m -> m.generator().close());
        if (encoder != null) {
          encoder.close();
        }
        if (quantizer != null) {
          try {
            quantizer.close();
          } catch (Exception e) {
            LOG.warn("closing the quantizer failed", e);
          }
        }
      }
    }
  }
}
