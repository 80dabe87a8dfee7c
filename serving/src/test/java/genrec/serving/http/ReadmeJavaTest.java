package genrec.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.cascade.pipeline.CascadeResult;
import genrec.cascade.pipeline.Pipeline;
import genrec.cascade.pipeline.RunFolder;
import genrec.generator.data.Dataset;
import genrec.generator.data.Datasets;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's "Use from Java" code is {@link #useFromJava}'s body, line for line, and it runs
 * on the tiny run: ten items, each named with its channel.
 */
class ReadmeJavaTest {
  static void useFromJava(Path dataDir, Path runDir) {
    // README:begin
    Dataset data = Datasets.load(dataDir, false);                  // the dataset folder
    try (Pipeline pipeline = Pipeline.loader(RunFolder.of(runDir))  // e.g. runs/mine
        .setDataset(data).load()) {                                // channels, generator, ranker
      int[] history = data.users().get(0).items();                 // item indices, oldest first
      CascadeResult result = pipeline.recommend(pipeline.request(history)
          .optK(10).optRerank("mmr", 0.5, 0).build());             // rank, re-rank, rules, ...
      for (CascadeResult.Slot slot : result.slots()) {
        System.out.println(data.catalog().get(slot.item()).id() + " from " + slot.channel());
      }
    }
    // README:end
  }

  private static List<String> javaBlock(String markdown) {
    List<String> out = new ArrayList<>();
    boolean section = false;
    boolean code = false;
    for (String line : markdown.split("\n", -1)) {
      if (line.startsWith("## ")) {
        section = line.equals("## Use from Java");
      } else if (section && line.equals("```java")) {
        code = true;
      } else if (code && line.equals("```")) {
        return out;
      } else if (code) {
        out.add(line);
      }
    }
    throw new AssertionError("README.md has no ```java block under '## Use from Java'");
  }

  private static List<String> methodBody() throws Exception {
    Path src = Path.of("src/test/java/genrec/serving/http/ReadmeJavaTest.java");
    List<String> out = new ArrayList<>();
    boolean in = false;
    for (String line : Files.readAllLines(src, StandardCharsets.UTF_8)) {
      if (line.trim().equals("// README:begin")) {
        in = true;
      } else if (line.trim().equals("// README:end")) {
        return out;
      } else if (in) {
        out.add(line.startsWith("    ") ? line.substring(4) : line);
      }
    }
    throw new AssertionError("no README markers in " + src);
  }

  @Test
  void theReadmeCodeIsThisTestsCode() throws Exception {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.isRegularFile(root.resolve("README.md")) || !Files.isDirectory(
        root.resolve("serving"))) {
      root = root.getParent();
      assertTrue(root != null, "no README.md above " + Path.of("").toAbsolutePath());
    }
    String readme = Files.readString(root.resolve("README.md"), StandardCharsets.UTF_8);
    assertEquals(methodBody(), javaBlock(readme));
  }

  @Test
  void theReadmeCodeRecommendsOnTheTinyRun() {
    TinyRun tiny = TinyRun.get();
    PrintStream out = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      useFromJava(tiny.data(), tiny.run());
    } finally {
      System.setOut(out);
    }
    List<String> lines = buf.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(10, lines.size(), "" + lines);
    for (String l : lines) {
      assertTrue(l.matches("\\S+ from (generator|itemknn|content|popularity)"), l);
    }
  }
}
