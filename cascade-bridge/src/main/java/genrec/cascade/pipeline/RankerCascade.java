package genrec.cascade.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.cascade.rank.model.RankerModel;
import genrec.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The cascade a run's ranker was trained on ({@code RUN/ranker/cascade.json}, written by {@code
 * genrec rank train}): the one reader for {@code eval --cascade}, {@code bench rank} and {@code
 * serve}.
 *
 * @param quotas the merged list's channels and quotas, e.g. {@code itemknn:60,content:30}
 * @param beam the generator channel's beam width, or null for the default
 * @param historyLength history positions the ranker's features read
 * @param likedAt the rating from which an interaction counts as liked
 * @param tasks the ranker's task names
 * @param features the ranker's dense feature names, in order
 */
public record RankerCascade(String quotas, Integer beam, int historyLength, float likedAt,
    List<String> tasks, List<String> features) {
  /** The ranker's folder inside a run. */
  public static final String DIR = "ranker";
  /** The file inside {@link #DIR}. */
  public static final String FILE = "cascade.json";

  private static final String RETRAIN = ": retrain with 'genrec rank train'";

  public RankerCascade {
    tasks = List.copyOf(tasks);
    features = List.copyOf(features);
  }

  /** Whether {@code runDir} holds a trained ranker and its cascade. */
  public static boolean exists(Path runDir) {
    Path dir = runDir.resolve(DIR);
    return Files.isRegularFile(dir.resolve(RankerModel.MODEL_FILE))
        && Files.isRegularFile(dir.resolve(FILE));
  }

  /**
   * Reads the run's cascade.
   *
   * @throws IllegalArgumentException when the run has no trained ranker, or the file is
   *     unreadable or lacks a field (the message names the file inside the run, not a path)
   */
  public static RankerCascade read(Path runDir) {
    if (!exists(runDir)) {
      throw new IllegalArgumentException("the run has no trained ranker (" + DIR + "/); run "
          + "'genrec rank train' first");
    }
    JsonNode j;
    try {
      j = new ObjectMapper().readTree(runDir.resolve(DIR).resolve(FILE).toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(DIR + "/" + FILE + " is unreadable" + RETRAIN);
    }
    for (String field : new String[] {"quotas", "historyLength", "likedAt"}) {
      if (!j.hasNonNull(field)) {
        throw new IllegalArgumentException(DIR + "/" + FILE + " lacks " + field + RETRAIN);
      }
    }
    if (!j.path("features").isArray()) {
      throw new IllegalArgumentException(DIR + "/" + FILE + " lacks features" + RETRAIN);
    }
    return new RankerCascade(j.get("quotas").asText(),
        j.hasNonNull("beam") ? j.get("beam").asInt() : null, j.get("historyLength").asInt(),
        (float) j.get("likedAt").asDouble(), texts(j.path("tasks")), texts(j.get("features")));
  }

  /** Writes it atomically as {@code file}. */
  public void write(Path file) {
    ObjectNode j = new ObjectMapper().createObjectNode();
    j.put("quotas", quotas);
    if (beam != null) {
      j.put("beam", beam);
    }
    j.put("historyLength", historyLength);
    j.put("likedAt", likedAt);
    j.putPOJO("tasks", tasks);
    j.putPOJO("features", features);
    AtomicFiles.writeString(file, j.toPrettyString() + "\n");
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
