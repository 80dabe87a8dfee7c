package genrec.serving.cli;

import genrec.core.io.DataFormatException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code genrec} launcher. */
@Command(
    name = "genrec",
    mixinStandardHelpOptions = true,
    version = "genrec 0.1.0",
    description = "Generative recommender with semantic IDs.",
    subcommands = {DataCommand.class, EvalBaselineCommand.class, EmbedCommand.class, QuantizeCommand.class,
        TrainCommand.class, AlignCommand.class, EvalCommand.class, ServeCommand.class, DemoCommand.class,
        BenchCommand.class,
        RecallCommand.class, RankCommand.class, RerankEvalCommand.class,
        CommandLine.HelpCommand.class})
public final class GenrecCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Runs the command line and returns its exit code (2 = bad input or usage). */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new GenrecCli());
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof DataFormatException || ex instanceof IllegalArgumentException
          || ex instanceof UncheckedIOException || ex instanceof IllegalStateException) {
        cmd.getErr().println("genrec: " + ex.getMessage());
        return 2;
      }
      throw ex;
    });
    return cl.execute(args);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }
}
