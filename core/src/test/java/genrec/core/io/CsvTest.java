package genrec.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {
  private static final Path F = Path.of("movies.csv");

  @Test
  void splitsPlainAndQuotedFields() {
    assertEquals(List.of("1", "Toy Story (1995)", "Animation|Comedy"),
        Csv.split("1,Toy Story (1995),Animation|Comedy", F, 2));
    assertEquals(List.of("11", "American President, The (1995)", "Comedy"),
        Csv.split("11,\"American President, The (1995)\",Comedy", F, 3));
    assertEquals(List.of("x", "say \"hi\"", ""), Csv.split("x,\"say \"\"hi\"\"\",", F, 4));
  }

  @Test
  void unclosedQuoteNamesFileAndLine() {
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> Csv.split("1,\"open,x", F, 7));
    assertEquals(7, e.line());
    assertTrue(e.getMessage().startsWith("movies.csv:7"), e.getMessage());
  }

  @Test
  void missingColumnIsNamed() {
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> Csv.column(List.of("userId", "movieId"), "rating", F));
    assertEquals("rating", e.field());
    assertTrue(e.getMessage().contains("missing column 'rating'"), e.getMessage());
  }
}
