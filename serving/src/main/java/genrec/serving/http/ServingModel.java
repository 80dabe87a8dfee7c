package genrec.serving.http;

import genrec.core.io.Progress;
import genrec.core.io.ReadReport;
import genrec.cascade.pipeline.CandidateScorer;
import genrec.cascade.pipeline.Generators;
import genrec.cascade.pipeline.ItemView;
import genrec.cascade.pipeline.Pipeline;
import genrec.cascade.pipeline.RankingStage;
import genrec.cascade.pipeline.RecallChannels;
import genrec.cascade.pipeline.RunFolder;
import genrec.generator.baseline.ContentKnn;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.data.Dataset;
import genrec.generator.decode.BeamResult;
import genrec.generator.decode.GeneratorMixture;
import genrec.generator.decode.PrefixTrie;
import genrec.generator.train.GeneratorModel;
import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.catalog.CatalogReaders;
import genrec.quantizer.catalog.Item;
import genrec.quantizer.embed.EmbeddingMatrix;
import genrec.quantizer.embed.MiniLmEncoder;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded run, ready to serve: the catalogue (dataset items, then items added by cold start),
 * the semantic-ID table, the decoding trie, the generator, the popularity order for empty
 * histories, and (loaded on first use) MiniLM and the quantizer for new items (one per run of a
 * mixture).
 *
 * <p>A mixture ({@link #load(Dataset, Path, List, int)} with other runs) serves the equal-weight
 * mixture of their generators, ranked as {@code genrec eval --ensemble} ranks it for k <= 10
 * ({@link GeneratorMixture#combine}): every member decodes its own semantic-ID table and the
 * results are merged by item. The generators must read the same history window. Reported
 * semantic IDs are the first run's. Cold start ({@link #addItems}) gives a new item an ID in
 * every member's table, each with that run's own quantizer.
 *
 * <p>Thread-safe. {@link #recommend} may run on many threads while {@link #addItems} appends:
 * the item list is copy-on-write and published first, each trie takes the new item under its
 * write lock, and the served count and id lookup follow last, so a search sees the catalogue
 * either before or after an addition and never returns an item it cannot name.
 * Reference-counted so a reload can retire it while requests still use it: {@link #retain} /
 * {@link #release}; the last release closes the generators' native memory.
 */
public final class ServingModel implements ItemView {
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
  private volatile Item[] items; // may run ahead of the tries during an addition
  private volatile int served; // items every trie holds: items[0, served)
  private final SemanticIdTable[] tables; // per member, guarded by addLock
  private final Quantizer[] quantizers; // per member, loaded on first use, guarded by addLock
  private MiniLmEncoder encoder; // guarded by addLock
  private final RecallChannels recall;
  private final Generators generators;
  private volatile Pipeline pipeline;
  private final Map<String, java.time.Instant> addedAt = new ConcurrentHashMap<>();
  private RankingStage ranker; // the run's own trained ranker, closed with the model

  /** One generator with the trie of its own semantic-ID table. */
  private record Member(Path runDir, GeneratorModel generator, PrefixTrie trie) {
    Path quantizerDir() {
      return RunFolder.of(runDir).quantizerDir();
    }
  }

  private ServingModel(Path runDir, CatalogSnapshot d, List<Member> members,
      List<SemanticIdTable> tables, List<Item> added, int historyWindow, RecallChannels recall,
      java.time.Instant addedTime) {
    this.runDir = runDir;
    this.recall = recall;
    this.generators = new Generators(members.stream().map(Member::generator).toList(),
        members.stream().map(Member::trie).toList(), this::numItems);
    for (Item it : added) {
      addedAt.put(it.id(), addedTime);
    }
    this.datasetName = d.dataset();
    this.members = List.copyOf(members);
    this.trie = members.get(0).trie();
    this.tables = tables.toArray(new SemanticIdTable[0]);
    this.quantizers = new Quantizer[members.size()];
    this.historyWindow = historyWindow;
    this.datasetItems = d.catalog().size();
    List<Item> all = new ArrayList<>(d.catalog().items());
    all.addAll(added);
    this.items = all.toArray(new Item[0]);
    this.served = items.length;
    for (int i = 0; i < items.length; i++) {
      index.put(items[i].id(), i);
    }
    this.popular = d.popularityOrder();
    this.pipeline = pipeline(null);
  }

  /** The cascade over this model's live catalogue, channels and generators. */
  private Pipeline pipeline(CandidateScorer scorer) {
    return Pipeline.builder().setItems(this).setRecall(recall).optGenerators(generators)
        .optScorer(scorer).build();
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
   * semantic-ID table). An item listed in this run's {@code added-items.jsonl} is served when
   * every member's table has it.
   *
   * @throws IllegalArgumentException as {@link #load(Dataset, Path, int)} for any member, if a
   *     folder is named twice, or if the generators read different history windows
   */
  public static ServingModel load(Dataset d, Path runDir, List<Path> others, int historyWindow) {
    return load(CatalogSnapshot.of(d), genrec.generator.data.LeaveOneOutSplit.of(d).train(),
        runDir, others, historyWindow);
  }

  /**
   * As {@link #load(Dataset, Path, List, int)}, with the catalogue and popularity of a {@link
   * CatalogSnapshot} instead of the dataset (what {@code genrec serve} without {@code --data}
   * serves).
   */
  public static ServingModel load(CatalogSnapshot d, Path runDir, List<Path> others,
      int historyWindow) {
    return load(d, null, runDir, others, historyWindow);
  }

  /**
   * As {@link #load(CatalogSnapshot, Path, List, int)}, with the dataset's training histories:
   * the ItemKNN channel and the run's ranker ({@code genrec serve --data}).
   *
   * @param train the leave-one-out training histories of the dataset, or null
   */
  public static ServingModel load(CatalogSnapshot d, List<int[]> train, Path runDir,
      List<Path> others, int historyWindow) {
    List<Path> dirs = new ArrayList<>();
    dirs.add(runDir);
    dirs.addAll(others);
    RunFolder.firstRepeat(dirs).ifPresent(r -> {
      throw new IllegalArgumentException("run " + r.later() + " is the same folder as "
          + r.first() + " (" + RunFolder.identity(r.later()) + "): each member of a mixture "
          + "must be a different run");
    });
    List<Member> members = new ArrayList<>();
    List<SemanticIdTable> tables = new ArrayList<>();
    int[][] firstCodes = null;
    try {
      for (Path dir : dirs) {
        int[][] codes = RunFolder.of(dir).codes(d.catalog(), "genrec quantize --run " + dir);
        if (firstCodes == null) {
          firstCodes = codes;
        }
        GeneratorModel g = RunFolder.of(dir).generator(codes);
        try {
          Member m = new Member(dir, g, PrefixTrie.of(codes, g.config().codebookSize()));
          tables.add(SidArtifacts.loadTable(m.quantizerDir()));
          members.add(m);
        } catch (RuntimeException e) {
          g.close();
          throw e;
        }
      }
      List<Item> added = new ArrayList<>();
      RunFolder run = RunFolder.of(runDir);
      Path addedFile = run.addedItemsFile();
      if (Files.isRegularFile(addedFile)) {
        Catalog extra = CatalogReaders.jsonl(addedFile, ReadReport.strict());
        items:
        for (Item it : extra.items()) {
          if (d.catalog().contains(it.id())) {
            continue; // the dataset has caught up with this item
          }
          for (int m = 0; m < members.size(); m++) {
            if (!tables.get(m).contains(it.id())) {
              // an addition interrupted before this table was written: adding the item again
              // completes it
              LOG.warn("{}: item '{}' has no semantic ID in {}; skipped (add it again)",
                  addedFile, it.id(),
                  members.get(m).quantizerDir().resolve(SidArtifacts.TABLE_FILE));
              continue items;
            }
          }
          for (int m = 0; m < members.size(); m++) {
            members.get(m).trie().add(tables.get(m).codes(it.id()));
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
      java.time.Instant addedTime = java.time.Instant.now();
      if (Files.isRegularFile(addedFile)) {
        try { // when the added items were last written: how long they have been new at most
          addedTime = Files.getLastModifiedTime(addedFile).toInstant();
        } catch (java.io.IOException e) {
          LOG.debug("no modification time of {}: {}", addedFile, e.toString());
        }
      }
      ServingModel served = new ServingModel(runDir, d, members, tables, added, window,
          recallChannels(d, train, run), addedTime);
      if (run.hasRanker()) {
        try {
          served.ranker = RankingStage.load(run, served.recall, firstCodes, served::codes);
          served.setScorer(served.ranker);
          LOG.info("{}: ranking stage {}", runDir, served.ranker.describe());
        } catch (IllegalArgumentException | genrec.core.io.DataFormatException
            | java.io.UncheckedIOException e) {
          LOG.warn("{}: the trained ranker is not served: {}", runDir, e.getMessage());
        }
      }
      return served;
    } catch (RuntimeException e) {
      members.forEach(m -> m.generator().close());
      throw e;
    }
  }

  /**
   * The channels of a served run: popularity from the snapshot's counts, ItemKNN from the
   * training histories when given, content when the run holds the embeddings of its catalogue.
   */
  private static RecallChannels recallChannels(CatalogSnapshot snap, List<int[]> train,
      RunFolder run) {
    ContentKnn text = null;
    if (run.hasEmbeddings()) {
      try {
        text = ContentKnn.of(run.embeddings(snap.catalog(), "genrec embed --run RUN"),
            ContentKnn.Options.defaults());
      } catch (RuntimeException e) {
        LOG.warn("{}: no content channel or text similarity: {}", run.dir(), e.getMessage());
      }
    }
    return RecallChannels.of(snap.interactions(), train, ItemKnn.Options.defaults(), text);
  }

  public Path runDir() {
    return runDir;
  }

  public String datasetName() {
    return datasetName;
  }

  /** Items that can be recommended (dataset items plus added ones). */
  @Override
  public int numItems() {
    return served;
  }

  /** Items added by cold start since the quantizer ran. */
  public int addedItems() {
    return served - datasetItems;
  }

  /** History items the generator reads (the most recent ones). */
  public int historyWindow() {
    return historyWindow;
  }

  /** The item's index, or -1 if unknown. */
  @Override
  public int indexOf(String id) {
    Integer i = index.get(id);
    return i == null ? -1 : i;
  }

  @Override
  public Item item(int index) {
    return items[index];
  }

  /** The item's semantic ID (c1, c2, c3, dedup). */
  @Override
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
    return generators.search(histories, topK, beam, excludeHistory);
  }

  /** The recall channels besides the generator. */
  public RecallChannels recall() {
    return recall;
  }

  /**
   * The cascade over this model ({@link Pipeline}): its channels, its generators (a mixture's
   * too) and the current ranking stage.
   */
  public Pipeline pipeline() {
    return pipeline;
  }

  /**
   * When item {@code id} was added through cold start (items added before this load: the time
   * the run's list of added items was last written), or null for a dataset item.
   */
  @Override
  public java.time.Instant addedAt(String id) {
    return addedAt.get(id);
  }

  /**
   * The ranking stage's scorer, or null when the run has no trained ranker. A run folder with
   * {@code ranker/} ({@code genrec rank train}) served with its dataset gets its ranker at load.
   */
  public CandidateScorer scorer() {
    return pipeline.scorer();
  }

  /**
   * Installs the ranking stage of the cascade (a loader sets it once it has loaded the run's
   * ranker; null removes it).
   */
  public void setScorer(CandidateScorer scorer) {
    this.pipeline = pipeline(scorer);
  }

  /** The run folders whose generators are served: this run's, then a mixture's others. */
  public List<Path> memberRuns() {
    return members.stream().map(Member::runDir).toList();
  }

  /**
   * Cold start: embeds the new items with MiniLM, gives them semantic IDs with the trained
   * quantizer of every member run (no retraining), persists them ({@link
   * RunFolder#persistAdded}) and makes them recommendable at once.
   *
   * <p>Crash-safe: the other members' folders are written first and this run's last, and {@link
   * #load} serves only what this run lists and every member's table holds; an item that already
   * has an ID in a member's table (an addition interrupted after writing it) keeps that ID, so
   * adding the same items again completes the interrupted addition.
   *
   * @return the indices of the new items, in input order
   * @throws ItemExists if an id is served already
   * @throws IllegalArgumentException if an id repeats
   * @throws NoRoom if an item's semantic ID does not fit a generator (its 3-code group is full)
   * @throws IllegalStateException if a member's trie disagrees with its table (nothing is
   *     written then)
   */
  public int[] addItems(List<Item> newItems) {
    synchronized (addLock) {
      Set<String> seen = new HashSet<>();
      for (Item it : newItems) {
        if (index.containsKey(it.id())) {
          throw new ItemExists("item '" + it.id() + "' exists already");
        }
        if (!seen.add(it.id())) {
          throw new IllegalArgumentException("item '" + it.id() + "' appears twice");
        }
      }
      if (encoder == null) {
        encoder = MiniLmEncoder.create();
      }
      EmbeddingMatrix emb = encoder.embed(new Catalog(newItems),
          MiniLmEncoder.DEFAULT_BATCH_SIZE, Progress.silent());
      SemanticIdTable[] grown = new SemanticIdTable[members.size()];
      int[][][] codes = new int[members.size()][newItems.size()][]; // (member, item, 4)
      for (int m = 0; m < members.size(); m++) {
        try {
          grown[m] = withItems(m, emb);
        } catch (IllegalArgumentException e) {
          if (e.getMessage() == null || !e.getMessage().contains("dedup codes are all taken")) {
            throw e;
          }
          throw new NoRoom("no semantic ID is free for the new items"
              + (members.size() > 1 ? " in the table of mixture member " + (m + 1) : "") + ": "
              + e.getMessage());
        }
        int codebook = members.get(m).trie().codebookSize();
        for (int i = 0; i < newItems.size(); i++) {
          codes[m][i] = grown[m].codes(newItems.get(i).id());
          int[] c = codes[m][i];
          for (int l = 0; l < c.length; l++) {
            if (c[l] >= codebook) {
              LOG.warn("item '{}' got code {} in {}, beyond the generator's {} codes per level",
                  newItems.get(i).id(), c[l], members.get(m).quantizerDir(), codebook);
              throw new NoRoom("item '" + newItems.get(i).id() + "' cannot be served: "
                  + (l == c.length - 1 ? "its first codes " + Arrays.toString(
                      Arrays.copyOf(c, c.length - 1)) + " are taken by " + c[l] + " items "
                      + "already, and the generator tells at most " + codebook + " apart"
                      : "its code " + c[l] + " is beyond the generator's " + codebook
                          + " codes per level")
                  + (members.size() > 1 ? " (mixture member " + (m + 1) + ")" : "")
                  + "; give it a more distinctive title or text, or retrain with a larger "
                  + "codebook (nothing was added)");
            }
          }
          // checked before anything is written: a trie that refused the item half-way through
          // would leave the members disagreeing on which item an index names
          PrefixTrie trie = members.get(m).trie();
          if (trie.numItems() != served) {
            throw new IllegalStateException(members.get(m).runDir() + ": its trie holds "
                + trie.numItems() + " items but " + served + " are served");
          }
          int taken = trie.itemOf(codes[m][i]);
          if (taken >= 0) {
            throw new IllegalStateException(members.get(m).runDir() + ": new item '"
                + newItems.get(i).id() + "' got the semantic ID of item '" + items[taken].id()
                + "'");
          }
        }
      }
      for (int m = members.size() - 1; m >= 0; m--) { // this run (whose list load reads) last
        RunFolder.persistAdded(members.get(m).quantizerDir(), grown[m], newItems);
        tables[m] = grown[m];
      }
      int base = served;
      List<Item> all = new ArrayList<>(Arrays.asList(items).subList(0, base));
      all.addAll(newItems);
      items = all.toArray(new Item[0]); // nameable before any search can return them
      int[] out = new int[newItems.size()];
      for (int m = 0; m < members.size(); m++) { // this run's trie first: its IDs are reported
        for (int i = 0; i < out.length; i++) {
          out[i] = members.get(m).trie().add(codes[m][i]);
          if (out[i] != base + i) {
            throw new IllegalStateException(members.get(m).runDir() + ": new item '"
                + newItems.get(i).id()
                + "' got index " + out[i] + " in the trie, expected " + (base + i));
          }
        }
      }
      served = base + out.length;
      java.time.Instant now = java.time.Instant.now();
      for (int i = 0; i < out.length; i++) {
        addedAt.put(newItems.get(i).id(), now);
        index.put(newItems.get(i).id(), out[i]);
      }
      return out;
    }
  }

  /**
   * Member {@code m}'s table with every item of {@code emb}: the ones it lacks get IDs from its
   * quantizer, the ones it has keep theirs.
   */
  private SemanticIdTable withItems(int m, EmbeddingMatrix emb) {
    List<Integer> lacking = new ArrayList<>();
    for (int i = 0; i < emb.rows(); i++) {
      if (!tables[m].contains(emb.ids().get(i))) {
        lacking.add(i);
      }
    }
    if (lacking.isEmpty()) {
      return tables[m];
    }
    if (quantizers[m] == null) {
      quantizers[m] = RunFolder.loadQuantizer(
          SidArtifacts.modelDir(members.get(m).quantizerDir()));
    }
    return tables[m].assign(
        emb.select(lacking.stream().mapToInt(Integer::intValue).toArray()), quantizers[m]);
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

  /** Drops a reference; the last one closes the generators, MiniLM and the quantizers. */
  public void release() {
    if (refs.decrementAndGet() == 0) {
      synchronized (addLock) {
        members.forEach(m -> m.generator().close());
        if (ranker != null) {
          ranker.close();
        }
        if (encoder != null) {
          encoder.close();
        }
        for (Quantizer q : quantizers) {
          if (q != null) {
            try {
              q.close();
            } catch (Exception e) {
              LOG.warn("closing a quantizer failed", e);
            }
          }
        }
      }
    }
  }

  /**
   * A new item cannot get a semantic ID the generator can decode: its 3-code group is full
   * (HTTP 422; nothing is written). The message names the item, not the server's folders.
   */
  public static final class NoRoom extends IllegalStateException {
    NoRoom(String message) {
      super(message);
    }
  }

  /** An added item's id is served already (HTTP 409). */
  public static final class ItemExists extends IllegalArgumentException {
    ItemExists(String message) {
      super(message);
    }
  }
}
