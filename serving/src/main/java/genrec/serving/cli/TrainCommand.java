package genrec.serving.cli;

import genrec.generator.data.ColdItems;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.eval.TrainedOn;
import genrec.generator.model.GeneratorConfig;
import genrec.generator.train.Checkpoint;
import genrec.generator.train.GeneratorModel;
import genrec.generator.train.GeneratorTrainer;
import genrec.generator.train.TrainConfig;
import genrec.generator.train.TrainData;
import genrec.generator.train.TrainResult;
import genrec.quantizer.sid.SidArtifacts;
import genrec.serving.config.Preset;
import genrec.serving.http.CatalogSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code genrec train}: trains the generator on the semantic IDs of {@code genrec quantize}. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train the generator (TIGER recipe) on RUN/quantizer/sid.tsv: every prefix of "
        + "each training sequence predicts the next item's semantic ID. Writes RUN/generator/: "
        + "model.bin (best by validation NDCG@10), model.json, checkpoint.bin, learning-curve.csv. "
        + "Ctrl-C writes a checkpoint; --resume continues it exactly.")
final class TrainCommand implements Callable<Integer> {
  enum Layout {
    tiger, compact, sequence;

    /** The preset's name for this layout. */
    Preset.Layout preset() {
      return Preset.Layout.valueOf(name().toUpperCase(Locale.ROOT));
    }
  }

  @Mixin DataCommand.DataOptions data;

  @Mixin RunDir run;

  @Option(names = "--layout", description = "sequence (one position per item, causal encoder: "
      + "one pass trains every prefix of a sequence; the fastest and, on Beauty, the most "
      + "accurate at equal time), tiger (one encoder position per code, every prefix its own "
      + "sample) or compact (one position per item, every prefix its own sample) "
      + "(default: the preset's generator.layout, sequence in tiny, demo and beauty).")
  Layout layout;

  @Option(names = "--seed", defaultValue = "42", description = "Training seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--max-minutes", paramLabel = "M",
      description = "Stop after M minutes of wall time (validate, checkpoint, write the model).")
  Double maxMinutes;

  @Option(names = "--steps", description = "Optimiser steps (default: the preset's; for beauty, "
      + "27 epochs of the data, 9,963 steps on Amazon Beauty, with validation and checkpoints "
      + "every 15% of the run).")
  Integer steps;

  @Option(names = "--batch-size", description = "Batch size: targets, or sequences with --layout "
      + "sequence (default: the preset's).")
  Integer batchSize;

  @Option(names = "--learning-rate", paramLabel = "LR",
      description = "Peak learning rate after warm-up (default: the preset's).")
  Float learningRate;

  @Option(names = "--warmup-steps", description = "Learning-rate warm-up steps (default: the preset's).")
  Integer warmupSteps;

  @Option(names = "--dropout", paramLabel = "P",
      description = "Dropout rate of the network, in [0, 1) (default: the preset's "
          + "generator.dropout, 0.1 as TIGER's).")
  Float dropout;

  @Option(names = "--weight-decay", paramLabel = "W",
      description = "AdamW weight decay on matrices (default: 0.01).")
  Float weightDecay;

  @Option(names = "--ema-decay", paramLabel = "D",
      description = "Keep an exponential moving average of the weights with decay D in [0, 1) "
          + "and validate, keep and write it instead of the raw weights; 0 = off (default: the "
          + "preset's: 0.999 for beauty, 0 for tiny and demo).")
  Float emaDecay;

  @Option(names = "--validate-every", paramLabel = "STEPS",
      description = "Validate (and keep the best model) every STEPS steps (default: the preset's).")
  Integer validateEvery;

  @Option(names = "--validation-users", description = "Validation users per check (default: the preset's).")
  Integer validationUsers;

  @Option(names = "--patience", paramLabel = "CHECKS",
      description = "Stop after CHECKS validations without a better NDCG@10; 0 never stops early "
          + "(default: the preset's: 0 for beauty, 4 for demo).")
  Integer patience;

  @Option(names = "--length-buckets", paramLabel = "BATCHES",
      description = "--layout sequence: sort chunks by length within pools of BATCHES batches, so "
          + "a batch pads less; 0 draws batches at random (default: 32).")
  Integer lengthBuckets;

  @Option(names = "--resume", description = "Continue RUN/generator/checkpoint.bin with the "
      + "network, optimisation settings and seed saved in it (a warning names any of those "
      + "options given with it: they are ignored); --max-minutes and --threads still apply.")
  boolean resume;

  /** The options a resumed run takes from its checkpoint instead. */
  static final java.util.List<String> FROM_CHECKPOINT = java.util.List.of("--layout", "--seed",
      "--steps", "--batch-size", "--learning-rate", "--warmup-steps", "--dropout",
      "--weight-decay", "--ema-decay", "--validate-every", "--validation-users", "--patience",
      "--length-buckets");

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--threads", description = "Validation threads (default: all processors).")
  Integer threads;

  @Option(names = "--refit", description = "Also train on each user's validation interaction "
      + "(everything but the test item), as 'genrec eval-baseline --refit' fits ItemKNN. No "
      + "validation checks (their targets are trained on): model.bin is the last step (its "
      + "weight average with --ema-decay), and 'genrec eval' then reports the test split only, beside baselines refit the same way. "
      + "A resumed refit run is recognised from its checkpoint.")
  boolean refit;

  @Override
  public Integer call() {
    Dataset d = data.load();
    Path runDir = run.dir(d);
    int[][] codes = itemCodes(d, runDir, data.data);
    LeaveOneOutSplit split = LeaveOneOutSplit.of(d);
    ColdItems cold = ColdStart.of(d, runDir);
    Path out = genrec.cascade.pipeline.RunFolder.of(runDir).generatorDir();
    Path checkpoint = out.resolve(GeneratorTrainer.CHECKPOINT_FILE);
    GeneratorTrainer.Builder b;
    TrainData td;
    Checkpoint cp = null; // read once, when resuming
    if (resume) {
      if (!Files.isRegularFile(checkpoint)) {
        throw new IllegalArgumentException("nothing to resume: " + checkpoint + " does not exist");
      }
      LeaveOneOutSplit full = split;
      split = ColdStart.trainingSplit(split, cold, false, "train");
      cp = Checkpoint.read(checkpoint);
      // a refit run is recognised by the data it was trained on
      boolean refitCheckpoint = TrainedOn.of(cp.dataFingerprint(), full, codes).refit();
      if (refit && !refitCheckpoint) {
        throw new IllegalArgumentException("--refit: " + checkpoint
            + " was not trained with --refit (resume it without --refit)");
      }
      refit = refitCheckpoint;
      java.util.List<String> ignored = FROM_CHECKPOINT.stream()
          .filter(spec.commandLine().getParseResult()::hasMatchedOption).toList();
      if (!ignored.isEmpty()) {
        System.err.println("genrec train: " + String.join(", ", ignored) + " ignored: a resumed "
            + "run keeps the settings saved in its checkpoint");
      }
      td = refit ? TrainData.refit(full, codes) : TrainData.of(split, codes);
      b = GeneratorTrainer.resumeFrom(cp);
    } else {
      if (refit && (validateEvery != null || validationUsers != null || patience != null)) {
        throw new IllegalArgumentException("--refit trains on the validation targets, so it "
            + "has no validation checks: drop --validate-every, --validation-users and --patience");
      }
      split = ColdStart.trainingSplit(split, cold, refit, "train");
      td = refit ? TrainData.refit(split, codes) : TrainData.of(split, codes);
      Preset preset = data.preset();
      // the quantizer's codebook, or more if a dedup code goes beyond it
      int k = Math.max(codeRange(codes),
          SidArtifacts.loadTable(genrec.cascade.pipeline.RunFolder.of(runDir).quantizerDir())
              .codebookSize());
      GeneratorConfig mc = modelConfig(preset, layout, preset.data().historyWindow(), k);
      if (dropout != null) {
        if (!(dropout >= 0f && dropout < 1f)) {
          throw new IllegalArgumentException("--dropout=" + dropout + " must be in [0, 1)");
        }
        mc = mc.toBuilder().optDropout(dropout).build();
      }
      // preset, then every option given; validated once, by build()
      TrainConfig.Builder tb =
          preset.trainConfig(layout == null ? null : layout.preset()).toBuilder();
      if (batchSize != null) {
        tb.setBatchSize(batchSize);
      }
      if (learningRate != null) {
        tb.setLearningRate(learningRate);
      }
      if (warmupSteps != null) {
        tb.optWarmupSteps(warmupSteps);
      }
      if (weightDecay != null) {
        tb.optWeightDecay(weightDecay);
      }
      if (emaDecay != null) {
        if (!(emaDecay >= 0f && emaDecay < 1f)) {
          throw new IllegalArgumentException("--ema-decay=" + emaDecay
              + " must be in [0, 1) (0 = off)");
        }
        tb.optEmaDecay(emaDecay);
      }
      if (validateEvery != null) {
        tb.optValidateEvery(validateEvery).optCheckpointEvery(validateEvery);
      }
      if (validationUsers != null) {
        tb.optValidationUsers(validationUsers);
      }
      if (steps != null) {
        tb.setMaxSteps(steps);
      }
      if (lengthBuckets != null) {
        tb.optLengthBuckets(lengthBuckets);
      }
      if (patience != null) {
        tb.optPatience(patience);
      }
      if (refit) {
        tb.optValidateEvery(0).optPatience(0); // checkpoints keep the preset's cadence
      }
      TrainConfig tc = tb.build();
      if (steps == null && preset.train().scaledEpochs() > 0) {
        // the real-data rule (beauty: Beauty's 27 epochs on any dataset), the schedule scaled
        tc = preset.train().scaled(tc, GeneratorTrainer.batchesPerEpoch(td, mc, tc));
        if (validateEvery != null) {
          tc = tc.toBuilder().optValidateEvery(validateEvery).optCheckpointEvery(validateEvery)
              .build();
        }
      }
      b = GeneratorTrainer.builder().setModelConfig(mc).setTrainConfig(tc).setSeed(seed);
    }
    b.optOutputDir(out).optProgress(true).optShutdownHook(true)
        .optEvalThreads(threads != null ? threads : Runtime.getRuntime().availableProcessors());
    if (maxMinutes != null) {
      if (!(maxMinutes > 0)) {
        throw new IllegalArgumentException("--max-minutes=" + maxMinutes + " must be > 0");
      }
      b.optMaxSeconds(maxMinutes * 60);
    }
    GeneratorTrainer trainer = b.build();
    GeneratorConfig mc = trainer.modelConfig();
    System.out.printf(Locale.ROOT,
        "%s: %,d users, %,d items; generator %d+%d layers, D=%d, %s layout%s, codebook %d; "
            + "dropout %.2f; batch %d, lr %.1e, weight decay %s, %s, %d steps, %s, seed %d%s%n%s",
        d.name(), d.users().size(), d.catalog().size(), mc.encoderLayers(), mc.decoderLayers(),
        mc.dModel(), mc.layout().name().toLowerCase(Locale.ROOT),
        trainer.trainConfig().samples() == TrainConfig.Samples.SEQUENCE
            ? " (sequence-parallel, causal encoder)" : "", mc.codebookSize(),
        mc.dropout(), trainer.trainConfig().batchSize(), trainer.trainConfig().learningRate(),
        trainer.trainConfig().weightDecay(),
        trainer.trainConfig().emaDecay() > 0
            ? "weight average (EMA) decay " + trainer.trainConfig().emaDecay() : "no weight average",
        trainer.trainConfig().maxSteps(),
        refit ? "refit" : trainer.trainConfig().patience() == 0 ? "no early stopping"
            : "patience " + trainer.trainConfig().patience(),
        trainer.seed(), resume ? " (resumed)" : "",
        refit ? "refit: training on training + validation interactions; no validation checks, "
            + "model.bin is the last step; only the test split measures it\n" : "");
    // what 'genrec serve --run RUN' reads without --data: the catalogue this run is trained on
    CatalogSnapshot.of(d).write(runDir);
    TrainResult r = cp != null ? trainer.resume(td, cp, checkpoint) : trainer.train(td);
    try (GeneratorModel m = r.model()) {
      System.out.print(r.summary());
      System.out.println("wrote " + out + " (" + GeneratorTrainer.MODEL_FILE + ", "
          + GeneratorTrainer.MODEL_JSON + ", " + GeneratorTrainer.CHECKPOINT_FILE
          + (refit ? "" : ", " + GeneratorTrainer.CURVE_FILE + ", "
              + GeneratorTrainer.CURVE_CHART_FILE) + ") and "
          + CatalogSnapshot.file(runDir));
    }
    return 0;
  }

  /**
   * The generator's network of a preset ({@code generator:} in its YAML file) for a run: the given
   * layout (null: the preset's {@code generator.layout}), history window and codebook size. User
   * tokens are off: the evaluation harness passes no user id, so they could not be used at test
   * time.
   */
  static GeneratorConfig modelConfig(Preset preset, Layout layout, int window, int codebookSize) {
    return preset.generator().config(layout == null ? null : layout.preset(), window,
        codebookSize);
  }

  /** {@link #modelConfig(Preset, Layout, int, int)} of a preset by name or YAML file. */
  static GeneratorConfig modelConfig(String preset, Layout layout, int window, int codebookSize) {
    return modelConfig(Preset.load(preset), layout, window, codebookSize);
  }

  /** 1 + the largest code: the codebook size the generator needs. */
  static int codeRange(int[][] codes) {
    int max = 0;
    for (int[] c : codes) {
      for (int v : c) {
        max = Math.max(max, v);
      }
    }
    return max + 1;
  }

  /**
   * Every catalogue item's semantic ID from {@code RUN/quantizer/sid.tsv}, in catalogue order.
   *
   * @throws IllegalArgumentException if the table is missing (run {@code genrec quantize})
   */
  static int[][] itemCodes(Dataset d, Path runDir, Path dataArg) {
    return RunDir.itemCodes(d, runDir, dataArg);
  }

}
