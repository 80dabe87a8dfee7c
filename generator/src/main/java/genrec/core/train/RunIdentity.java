package genrec.core.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.core.tensor.TensorFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a checkpoint must share with the run that resumes it: the run's settings and seed (a
 * mismatch is "another run") and the data it was trained on (each mismatch has its own message,
 * e.g. "was trained on different semantic IDs"). Saved as a JSON object in the checkpoint; values
 * are compared as JSON, after the same write/read round trip as the file's.
 */
public final class RunIdentity {
  private final String task;
  private final ObjectNode fields = TensorFile.JSON.createObjectNode();
  private final Map<String, String> dataMessages = new LinkedHashMap<>();

  /** An identity for a run of {@code task} ("generator", "ranker"), its checkpoints' tag. */
  public RunIdentity(String task) {
    if (task == null || task.isBlank()) {
      throw new IllegalArgumentException("task name is required");
    }
    this.task = task;
  }

  /** The task's name, saved in and required of its checkpoints. */
  public String task() {
    return task;
  }

  /** A setting of the run (a config record, the seed): a difference means another run. */
  public RunIdentity run(String name, Object value) {
    fields.set(name, normalised(value));
    return this;
  }

  /**
   * A fingerprint of the data; a difference fails with "checkpoint FILE " + {@code message}
   * (e.g. "was trained on different rows").
   */
  public RunIdentity data(String name, String fingerprint, String message) {
    fields.put(name, fingerprint);
    dataMessages.put(name, message);
    return this;
  }

  /** The fields as saved in a checkpoint. */
  public ObjectNode toJson() {
    return fields.deepCopy();
  }

  /**
   * Refuses a checkpoint of another run or of other data.
   *
   * @param saved the identity saved in the checkpoint
   * @param file the checkpoint, named in the error
   * @throws IllegalArgumentException naming every differing setting (saved vs now), or the
   *     first differing data fingerprint
   */
  public void requireSame(ObjectNode saved, Path file) {
    StringBuilder diff = new StringBuilder();
    for (Map.Entry<String, JsonNode> e : fields.properties()) {
      if (dataMessages.containsKey(e.getKey())) {
        continue;
      }
      JsonNode old = saved.get(e.getKey());
      if (!e.getValue().equals(old)) {
        diff.append(' ').append(e.getKey()).append(' ').append(text(old)).append(" vs ")
            .append(text(e.getValue()));
      }
    }
    if (diff.length() > 0) {
      throw new IllegalArgumentException("checkpoint " + file + " belongs to another run:" + diff);
    }
    for (Map.Entry<String, String> e : dataMessages.entrySet()) {
      if (!fields.get(e.getKey()).equals(saved.get(e.getKey()))) {
        throw new IllegalArgumentException("checkpoint " + file + " " + e.getValue());
      }
    }
  }

  private static String text(JsonNode n) {
    return n == null ? "(none)" : n.isValueNode() ? n.asText() : n.toString();
  }

  /** {@code value} as JSON read back from its text, as it will be read from the file. */
  private static JsonNode normalised(Object value) {
    try {
      return TensorFile.JSON.readTree(TensorFile.JSON.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot save " + value + " in a checkpoint: "
          + e.getOriginalMessage(), e);
    }
  }
}
