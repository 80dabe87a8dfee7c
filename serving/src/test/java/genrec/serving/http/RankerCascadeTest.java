package genrec.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.cascade.pipeline.RankerCascade;
import genrec.cascade.rank.model.RankerModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RankerCascadeTest {

  private static Path rankerDir(Path run) throws IOException {
    Path dir = Files.createDirectories(run.resolve(RankerCascade.DIR));
    Files.writeString(dir.resolve(RankerModel.MODEL_FILE), "weights");
    return dir;
  }

  @Test
  void whatIsWrittenIsReadBack(@TempDir Path run) throws IOException {
    Path dir = rankerDir(run);
    RankerCascade c = new RankerCascade("itemknn:60,content:30", 50, 20, 4f,
        List.of("click", "like"), List.of("a", "b", "c"));
    c.write(dir.resolve(RankerCascade.FILE));
    assertTrue(RankerCascade.exists(run));
    assertEquals(c, RankerCascade.read(run));
    RankerCascade noBeam = new RankerCascade("itemknn:10", null, 5, 0f, List.of("click"),
        List.of());
    noBeam.write(dir.resolve(RankerCascade.FILE));
    assertEquals(noBeam, RankerCascade.read(run));
  }

  @Test
  void aMissingRankerOrFieldIsNamedWithoutAPath(@TempDir Path run) throws IOException {
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> RankerCascade.read(run));
    assertTrue(none.getMessage().contains("run 'genrec rank train' first"), none.getMessage());
    Path dir = rankerDir(run);
    assertFalse(RankerCascade.exists(run)); // the model without its cascade
    Files.writeString(dir.resolve(RankerCascade.FILE),
        "{\"quotas\": \"itemknn:10\", \"likedAt\": 4, \"features\": []}");
    IllegalArgumentException lacks = assertThrows(IllegalArgumentException.class,
        () -> RankerCascade.read(run));
    assertEquals("ranker/cascade.json lacks historyLength: retrain with 'genrec rank train'",
        lacks.getMessage());
    Files.writeString(dir.resolve(RankerCascade.FILE), "{not json");
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> RankerCascade.read(run));
    assertFalse(bad.getMessage().contains(run.toString()), bad.getMessage());
    assertTrue(bad.getMessage().contains("unreadable"), bad.getMessage());
  }
}
