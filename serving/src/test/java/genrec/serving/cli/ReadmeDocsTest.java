package genrec.serving.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The README against the code: every command its table names exists in the {@code genrec}
 * command line (and every runnable command is in the table), its test command is the one
 * {@code .ci/run} runs, its demo command is what the launcher runs, and the relative links of
 * README.md and docs/ point at files and headings that exist.
 *
 * <p>Reads the files from the project root: {@code -Dgenrec.root=DIR}, else the nearest folder
 * above the working directory holding {@code README.md} and {@code .ci/run} (Maven runs the
 * tests in {@code serving/}).
 */
class ReadmeDocsTest {
  private static final Pattern TABLE_ROW = Pattern.compile("^\\|\\s*`genrec ([^`]*)`\\s*\\|");
  private static final Pattern WORD = Pattern.compile("[a-z][a-z0-9-]*");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

  static Path root() {
    String prop = System.getProperty("genrec.root");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop).toAbsolutePath().normalize();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("README.md")) && Files.isRegularFile(p.resolve(".ci/run"))) {
        return p;
      }
    }
    throw new IllegalStateException("no folder above " + Path.of("").toAbsolutePath()
        + " holds README.md and .ci/run; set -Dgenrec.root");
  }

  private static String read(String relative) throws IOException {
    return Files.readString(root().resolve(relative), StandardCharsets.UTF_8);
  }

  /** The lines of the section under {@code ## title}, up to the next {@code ## } heading. */
  static List<String> section(String markdown, String title) {
    List<String> out = new ArrayList<>();
    boolean in = false;
    for (String line : markdown.split("\n", -1)) {
      if (line.startsWith("## ")) {
        if (in) {
          break;
        }
        in = line.substring(3).strip().equals(title);
      } else if (in) {
        out.add(line);
      }
    }
    if (!in && out.isEmpty()) {
      throw new AssertionError("README.md has no section '## " + title + "'");
    }
    return out;
  }

  /**
   * The command paths of the table in {@code lines}: for a row {@code | `genrec quantize assign
   * --quantizer DIR` | ...}, the words after {@code genrec} up to the first option or
   * placeholder ({@code [quantize, assign]}).
   */
  static List<List<String>> tableCommands(List<String> lines) {
    List<List<String>> out = new ArrayList<>();
    for (String line : lines) {
      Matcher m = TABLE_ROW.matcher(line);
      if (!m.find()) {
        continue;
      }
      List<String> path = new ArrayList<>();
      for (String w : m.group(1).strip().split("\\s+")) {
        if (!WORD.matcher(w).matches()) {
          break;
        }
        path.add(w);
      }
      out.add(List.copyOf(path));
    }
    return out;
  }

  /** The paths of {@code rows} that do not name a command of {@code cli}. */
  static List<String> unknownCommands(List<List<String>> rows, CommandLine cli) {
    List<String> bad = new ArrayList<>();
    for (List<String> path : rows) {
      CommandLine at = cli;
      for (String w : path) {
        at = at == null ? null : at.getSubcommands().get(w);
      }
      if (path.isEmpty() || at == null) {
        bad.add("genrec " + String.join(" ", path));
      }
    }
    return bad;
  }

  /**
   * Every path of {@code cli} whose command does work (a {@link Callable}, not picocli's {@code
   * help}), e.g. "quantize assign"; groups that only print their usage ({@code data}, {@code
   * bench}) are left out.
   */
  static Set<String> runnableCommands(CommandLine cli) {
    Set<String> out = new LinkedHashSet<>();
    collect(cli, "", out);
    return out;
  }

  private static void collect(CommandLine cl, String prefix, Set<String> out) {
    for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
      String path = prefix.isEmpty() ? e.getKey() : prefix + " " + e.getKey();
      Object command = e.getValue().getCommand();
      if (command instanceof Callable<?> && !(command instanceof CommandLine.HelpCommand)) {
        out.add(path);
      }
      collect(e.getValue(), path, out);
    }
  }

  /** The lines of the first {@code ```bash} block in {@code lines}, comments cut off, stripped. */
  static List<String> firstBashBlock(List<String> lines) {
    List<String> out = new ArrayList<>();
    boolean in = false;
    for (String line : lines) {
      if (line.strip().startsWith("```")) {
        if (in) {
          return out;
        }
        in = line.strip().equals("```bash");
      } else if (in) {
        int hash = line.indexOf(" #");
        String cmd = (hash >= 0 ? line.substring(0, hash) : line).strip();
        if (!cmd.isEmpty()) {
          out.add(cmd);
        }
      }
    }
    throw new AssertionError("no closed ```bash block");
  }

  /** The command a CI script runs: its last line that is not blank, a comment, set or cd. */
  static String ciCommand(String script) {
    String last = null;
    for (String line : script.split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#") || l.startsWith("set ") || l.startsWith("cd ")) {
        continue;
      }
      last = l;
    }
    if (last == null) {
      throw new AssertionError(".ci/run runs no command");
    }
    return last;
  }

  @Test
  void everyCommandOfTheReadmeTableExistsInGenrecHelp() {
    List<List<String>> rows = tableCommands(section(readme(), "Commands"));
    assertTrue(rows.size() >= 10, "the README's command table has only " + rows.size() + " rows");
    CommandLine cli = new CommandLine(new GenrecCli());
    assertEquals(List.of(), unknownCommands(rows, cli),
        "README.md's command table names commands that 'genrec --help' does not list");
    for (List<String> path : rows) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      CliRun help = CliRun.of(args.toArray(String[]::new));
      assertEquals(0, help.code(), "genrec " + String.join(" ", args) + ": " + help.err());
      assertTrue(help.out().startsWith("Usage: genrec " + String.join(" ", path) + " "),
          help.out());
    }
  }

  @Test
  void everyRunnableCommandIsInTheReadmeTable() {
    Set<String> listed = new HashSet<>();
    tableCommands(section(readme(), "Commands")).forEach(p -> listed.add(String.join(" ", p)));
    Set<String> missing = new LinkedHashSet<>(runnableCommands(new CommandLine(new GenrecCli())));
    missing.removeAll(listed);
    assertEquals(Set.of(), missing, "commands of 'genrec --help' missing from README.md's "
        + "command table (add a short row; options go to docs/commands.md)");
  }

  @Test
  void theTableCheckFailsOnACommandThatDoesNotExist() {
    List<String> table = List.of(
        "| command | what it does |",
        "|---|---|",
        "| `genrec quantize assign --items FILE` | fine |",
        "| `genrec frobnicate --data DIR` | no such command |",
        "| `genrec quantize frob` | no such subcommand |",
        "| `genrec bench` | a group: exists |");
    List<List<String>> rows = tableCommands(table);
    assertEquals(List.of(List.of("quantize", "assign"), List.of("frobnicate"),
        List.of("quantize", "frob"), List.of("bench")), rows);
    assertEquals(List.of("genrec frobnicate", "genrec quantize frob"),
        unknownCommands(rows, new CommandLine(new GenrecCli())));
    assertFalse(runnableCommands(new CommandLine(new GenrecCli())).contains("bench"),
        "a group that only prints its usage need not be listed");
    // and the --help check: picocli answers the root usage for an unknown command, not its own
    assertFalse(CliRun.of("frobnicate", "--help").out().startsWith("Usage: genrec frobnicate "));
  }

  @Test
  void theReadmeTestCommandIsWhatCiRuns() throws IOException {
    String ci = ciCommand(read(".ci/run"));
    assertEquals("mvn -B -ntp verify", ci, ".ci/run changed: update README.md and this test");
    List<String> block = firstBashBlock(section(readme(), "Install and the two commands"));
    List<String> mvn = block.stream().filter(l -> l.startsWith("mvn")).toList();
    assertEquals(List.of(ci), mvn, "the README's test command is not what .ci/run runs");
    assertEquals("mvn -B -ntp verify", ciCommand("#!/bin/sh\n# c\nset -e\ncd x\nmvn -B -ntp verify\n"));
  }

  @Test
  void theReadmeDemoCommandIsWhatTheLauncherRuns() throws IOException {
    List<String> block = firstBashBlock(section(readme(), "Install and the two commands"));
    List<String> launcher = block.stream().filter(l -> l.startsWith("./genrec")).toList();
    assertEquals(List.of("./genrec demo"), launcher);
    // ./genrec runs serving/target/genrec.jar with the arguments as given ...
    Path script = root().resolve("genrec");
    assertTrue(Files.isExecutable(script), script + " is not executable");
    String sh = Files.readString(script, StandardCharsets.UTF_8);
    assertTrue(sh.contains("jar=\"$here/serving/target/genrec.jar\""), sh);
    assertTrue(Pattern.compile("(?m)^exec java .*-jar \"\\$jar\" \"\\$@\"\\s*$").matcher(sh).find(), sh);
    // ... which is the shaded jar whose entry point is GenrecCli ...
    String pom = read("serving/pom.xml");
    assertTrue(pom.contains("<finalName>genrec</finalName>"), "serving/pom.xml: finalName");
    assertTrue(pom.contains("<mainClass>" + GenrecCli.class.getName() + "</mainClass>"),
        "serving/pom.xml: mainClass");
    // ... and 'demo' is its demo command
    CommandLine demo = new CommandLine(new GenrecCli()).getSubcommands().get("demo");
    assertTrue(demo != null && demo.getCommand() instanceof DemoCommand);
  }

  @Test
  void relativeLinksOfTheDocsPointAtFilesAndHeadings() throws IOException {
    Path root = root();
    List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md")));
    try (Stream<Path> s = Files.walk(root.resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    assertTrue(pages.size() > 1, "docs/ has no pages");
    List<String> broken = new ArrayList<>();
    for (Path page : pages) {
      String text = Files.readString(page, StandardCharsets.UTF_8);
      Matcher m = LINK.matcher(text);
      while (m.find()) {
        String target = m.group(1);
        if (target.contains("://") || target.startsWith("mailto:")) {
          continue;
        }
        int hash = target.indexOf('#');
        String file = hash >= 0 ? target.substring(0, hash) : target;
        String anchor = hash >= 0 ? target.substring(hash + 1) : null;
        Path to = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        String where = root.relativize(page) + ": (" + target + ")";
        if (!Files.exists(to)) {
          broken.add(where + " no such file");
        } else if (anchor != null && to.toString().endsWith(".md")
            && !anchors(Files.readString(to, StandardCharsets.UTF_8)).contains(anchor)) {
          broken.add(where + " no such heading");
        }
      }
    }
    assertEquals(List.of(), broken);
  }

  @Test
  void anchorsAreGithubStyle() {
    assertEquals(Set.of("beam-search-latency-tiger-preset-beauty-catalogue", "what-limits-it-as-measured",
            "genrec-quantize-assign", "a", "a-1"),
        anchors("## Beam-search latency (`tiger` preset, Beauty catalogue)\n"
            + "## What limits it, as measured\n### `genrec quantize assign`\n# A\n## A\n```\n# not a heading\n```\n"));
  }

  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, -1 for repeats. */
  static Set<String> anchors(String markdown) {
    Set<String> out = new HashSet<>();
    boolean code = false;
    for (String line : markdown.split("\n")) {
      if (line.strip().startsWith("```")) {
        code = !code;
        continue;
      }
      if (code || !line.startsWith("#")) {
        continue;
      }
      String title = line.replaceFirst("^#+\\s*", "").strip();
      String slug = title.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "")
          .replace(' ', '-');
      String s = slug;
      for (int i = 1; out.contains(s); i++) {
        s = slug + "-" + i;
      }
      out.add(s);
    }
    return out;
  }

  private static String readme() {
    try {
      return read("README.md");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
