package genrec.generator.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.core.io.DataFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadersTest {
  @TempDir Path dir;

  private Path write(String name, String... lines) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, String.join("\n", lines) + "\n");
    return p;
  }

  private void amazon(String... sequences) throws IOException {
    write("items.tsv", "item_id\tasin\ttitle", "1\tA1\tRed Lipstick", "2\tA2\tBlue Mascara",
        "3\tA3\t", "4\tA4\tHair Dryer");
    write("item2attributes.json", "{\"1\": [1, 2], \"2\": [2, 3]}");
    write("sequences.txt", sequences);
  }

  @Test
  void readsAmazonSequencesTitlesAndAttributes() throws IOException {
    amazon("1 1 2 3", "2 4 1 2 3");
    Dataset d = Datasets.load(dir, false);
    assertEquals(4, d.catalog().size());
    assertEquals("Red Lipstick", d.catalog().get(0).title());
    assertEquals("", d.catalog().get(2).title());
    assertEquals(List.of("2", "3"), d.catalog().get(1).attributes());
    assertEquals(2, d.users().size());
    assertArrayEquals(new int[] {3, 0, 1, 2}, d.users().get(1).items());
    assertEquals(7, d.interactions());
  }

  @Test
  void unknownItemNamesFileLineAndField() throws IOException {
    amazon("1 1 2 3", "2 4 99 2");
    DataFormatException e = assertThrows(DataFormatException.class, () -> Datasets.load(dir, false));
    assertEquals(2, e.line());
    assertEquals("item_id #2", e.field());
    assertTrue(e.getMessage().contains("sequences.txt:2"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown item: '99'"), e.getMessage());
  }

  @Test
  void nonNumericIdIsAnError() throws IOException {
    amazon("1 1 2 3", "abc 1 2");
    DataFormatException e = assertThrows(DataFormatException.class, () -> Datasets.load(dir, false));
    assertEquals("user_id", e.field());
    assertTrue(e.getMessage().contains("non-numeric id: 'abc'"), e.getMessage());
  }

  @Test
  void lenientModeSkipsAndCountsBadLines() throws IOException {
    amazon("1 1 2 3", "2 4 99 2", "x 1 2", "3 2 3 4");
    Dataset d = Datasets.load(dir, true);
    assertEquals(2, d.users().size());
    assertEquals(2, d.report().skipped());
    assertEquals(1L, d.report().skippedByReason().get("unknown item"));
    assertEquals(1L, d.report().skippedByReason().get("non-numeric id"));
    assertTrue(d.report().summary().startsWith("skipped 2 bad lines"), d.report().summary());
    assertTrue(d.report().examples().get(0).contains("sequences.txt:2"));
  }

  @Test
  void emptyFileIsAnError() throws IOException {
    amazon("1 1 2 3");
    Files.writeString(dir.resolve("sequences.txt"), "");
    DataFormatException e = assertThrows(DataFormatException.class, () -> Datasets.load(dir, false));
    assertTrue(e.getMessage().contains("empty file"), e.getMessage());
  }

  @Test
  void unrecognisedFolderSaysWhatItExpects() {
    DataFormatException e = assertThrows(DataFormatException.class, () -> Datasets.load(dir, false));
    assertTrue(e.getMessage().contains("ratings.csv + movies.csv"), e.getMessage());
    assertThrows(DataFormatException.class, () -> Datasets.load(dir.resolve("nope"), false));
  }

  @Test
  void readsMovieLensWithQuotedTitlesTagsAndTimeOrder() throws IOException {
    write("movies.csv", "movieId,title,genres", "1,Toy Story (1995),Animation|Children",
        "11,\"American President, The (1995)\",Comedy|Drama|Romance", "5,Heat (1995),(no genres listed)");
    write("ratings.csv", "userId,movieId,rating,timestamp", "7,11,4.5,300", "7,1,3.0,100",
        "2,5,5.0,50", "7,5,2.0,300");
    write("tags.csv", "userId,movieId,tag,timestamp", "7,1,funny,150", "7,1,classic,160",
        "2,1,kids,10");
    Dataset d = Datasets.load(dir, false);
    assertEquals("American President, The (1995)", d.catalog().get(1).title());
    assertEquals(List.of("Comedy", "Drama", "Romance"), d.catalog().get(1).categories());
    assertEquals(List.of(), d.catalog().get(2).categories());
    assertEquals("2", d.users().get(0).user()); // users in numeric order
    UserSequence u2 = d.users().get(0);
    assertArrayEquals(new int[] {0, 2}, u2.items()); // tag-only at t=10, then rating at t=50
    assertEquals("tag", u2.events()[0]);
    assertTrue(Float.isNaN(u2.values()[0]));
    UserSequence u7 = d.users().get(1);
    // t=100 movie 1 (rated and tagged), t=300 ties broken by item index: movie 11 (idx 1), movie 5 (idx 2)
    assertArrayEquals(new int[] {0, 1, 2}, u7.items());
    assertArrayEquals(new long[] {100, 300, 300}, u7.times());
    assertEquals("rating+tag", u7.events()[0]);
    assertEquals(3.0f, u7.values()[0]);
    assertEquals("rating", u7.events()[1]);
  }

  @Test
  void movieLensMissingColumnAndBadRating() throws IOException {
    write("movies.csv", "movieId,title,genres", "1,Toy Story (1995),Animation");
    write("ratings.csv", "userId,movieId,timestamp", "7,1,100");
    DataFormatException e = assertThrows(DataFormatException.class, () -> Datasets.load(dir, false));
    assertEquals("rating", e.field());
    assertTrue(e.getMessage().contains("ratings.csv:1"), e.getMessage());
    write("ratings.csv", "userId,movieId,rating,timestamp", "7,1,good,100");
    e = assertThrows(DataFormatException.class, () -> Datasets.load(dir, false));
    assertEquals(2, e.line());
    assertEquals("rating", e.field());
  }

  @Test
  void readsGenericCsvWithIsoAndIntegerTimestamps() throws IOException {
    write("items.jsonl", "{\"id\": \"a\", \"title\": \"Serum\", \"categories\": [\"Skin\"]}",
        "{\"id\": 2, \"title\": \"Lipstick\", \"text\": \"red\"}", "", "{\"id\": \"c\"}");
    write("interactions.csv", "user,item,timestamp,event,value", "u1,a,2024-01-02T00:00:00Z,click,",
        "u1,2,2024-01-01T00:00:00Z,purchase,19.9", "u2,c,5,,", "u2,a,3,,");
    Dataset d = Datasets.load(dir, false);
    assertEquals(3, d.catalog().size());
    assertEquals("2", d.catalog().get(1).id());
    assertEquals(List.of("Skin"), d.catalog().get(0).categories());
    assertArrayEquals(new int[] {1, 0}, d.users().get(0).items());
    assertEquals("purchase", d.users().get(0).events()[0]);
    assertEquals(19.9f, d.users().get(0).values()[0]);
    assertNull(d.users().get(1).events()[0]);
    assertArrayEquals(new int[] {0, 2}, d.users().get(1).items());
  }

  @Test
  void genericErrorsNameTheField() throws IOException {
    write("items.jsonl", "{\"id\": \"a\"}", "{\"title\": \"no id\"}");
    write("interactions.csv", "user,item,timestamp", "u1,a,1");
    DataFormatException e = assertThrows(DataFormatException.class, () -> Datasets.load(dir, false));
    assertEquals("id", e.field());
    assertEquals(2, e.line());
    write("items.jsonl", "{\"id\": \"a\"}");
    write("interactions.csv", "user,item", "u1,a");
    e = assertThrows(DataFormatException.class, () -> Datasets.load(dir, false));
    assertEquals("timestamp", e.field());
    write("interactions.csv", "user,item,timestamp", "u1,a,yesterday");
    e = assertThrows(DataFormatException.class, () -> Datasets.load(dir, false));
    assertEquals("timestamp", e.field());
    assertEquals(2, e.line());
  }

  @Test
  void readsGenericJsonl() throws IOException {
    write("items.jsonl", "{\"id\": \"a\"}", "{\"id\": \"b\"}");
    write("interactions.jsonl", "{\"user\": 1, \"item\": \"b\", \"timestamp\": 2}",
        "{\"user\": 1, \"item\": \"a\", \"timestamp\": 1, \"value\": 3}", "{not json");
    DataFormatException e = assertThrows(DataFormatException.class, () -> Datasets.load(dir, false));
    assertEquals(3, e.line());
    Dataset d = Datasets.load(dir, true);
    assertArrayEquals(new int[] {0, 1}, d.users().get(0).items());
    assertEquals(1, d.report().skipped());
  }
}
