package genrec.serving.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.core.io.DataFormatException;
import genrec.generator.align.AlignConfig;
import genrec.generator.model.GeneratorConfig;
import genrec.generator.train.TrainConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator:, train: and align: keys of a preset file of one's own. */
class PresetKeysTest {
  @TempDir Path dir;

  private static String tiny() throws IOException {
    return new String(Preset.class.getResourceAsStream("/configs/tiny.yaml").readAllBytes(),
        StandardCharsets.UTF_8);
  }

  /** The tiny preset without its generator:, train: and align: sections, then {@code tail}. */
  private static String tinyWithout(String tail) throws IOException {
    String t = tiny();
    int from = t.indexOf("\ngenerator:");
    int to = t.indexOf("\npipeline:");
    return t.substring(0, from + 1) + tail + t.substring(to + 1);
  }

  private Path write(String yaml) throws IOException {
    Path f = dir.resolve("mine.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  /** 1-based line of the first line of {@code yaml} starting with {@code prefix}. */
  private static int lineOf(String yaml, String prefix) {
    List<String> lines = yaml.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return i + 1;
      }
    }
    throw new AssertionError(prefix + " not in the file");
  }

  private DataFormatException refused(String yaml) throws IOException {
    Path f = write(yaml);
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> Preset.load(f.toString()));
    assertEquals(f, e.file(), e.getMessage());
    return e;
  }

  @Test
  void aFileOfOnesOwnChangesTheNetworkAndTheRecipe() throws IOException {
    String yaml = tiny().replace("  dModel: 32 ", "  dModel: 48 ")
        .replace("  heads: 2 ", "  heads: 3 ").replace("  encoderLayers: 2", "  encoderLayers: 3")
        .replace("  layout: sequence ", "  layout: tiger    ")
        .replace("  maxSteps: 60 ", "  maxSteps: 90 ").replace("  decay: cosine ", "  decay: linear ")
        .replace("  steps: 12 ", "  steps: 14 ");
    Preset p = Preset.load(write(yaml).toString());
    GeneratorConfig g = p.generatorConfig(null, 256);
    assertEquals(48, g.dModel());
    assertEquals(3, g.heads());
    assertEquals(16, g.headDim());
    assertEquals(3, g.encoderLayers());
    assertEquals(2, g.decoderLayers());
    assertEquals(GeneratorConfig.Layout.TIGER, g.layout(), "the file's layout");
    assertEquals(false, g.causalEncoder());
    assertEquals(GeneratorConfig.Layout.COMPACT,
        p.generatorConfig(Preset.Layout.SEQUENCE, 256).layout(), "--layout overrides it");
    TrainConfig t = p.trainConfig(null);
    assertEquals(90, t.maxSteps());
    assertEquals(TrainConfig.Decay.LINEAR, t.decay());
    assertEquals(TrainConfig.Samples.PER_PREFIX, t.samples(), "tiger layout: per prefix");
    assertEquals(14, p.align().steps());
  }

  @Test
  void aFileOfOnesOwnChangesTheQuantizer() throws IOException {
    String yaml = tiny().replace("  hiddenDims: [32, 16] ", "  hiddenDims: [64, 32, 16] ")
        .replace("  codebookSize: 8 ", "  codebookSize: 16 ");
    Preset p = Preset.load(write(yaml).toString());
    assertEquals(List.of(64, 32, 16), p.rqvae().hiddenDims());
    assertEquals(16, p.rqvae().codebookSize());
    assertEquals(16, p.rqkmeans().codebookSize());
    assertEquals(p.quantizer().epochs(), p.rqvae().epochs(), "quantizer.epochs");
    assertEquals(p.quantizer().iterations(), p.rqkmeans().iterations(), "quantizer.iterations");
    String bad = tiny().replace("  hiddenDims: [32, 16] ", "  hiddenDims: [32, wide] ");
    DataFormatException e = refused(bad);
    assertEquals("rqvae.hiddenDims", e.field());
    assertEquals(lineOf(bad, "  hiddenDims"), e.line());
    assertTrue(e.getMessage().contains("must be a list of whole numbers"), e.getMessage());
    bad = tiny().replace("  hiddenDims: [32, 16] ", "  hiddenDims: [32, 0]  ");
    e = refused(bad);
    assertEquals("rqvae.hiddenDims", e.field());
    assertTrue(e.getMessage().contains("hiddenDims[1]=0 must be >= 1"), e.getMessage());
  }

  @Test
  void keysLeftOutTakeTheDocumentedDefaults() throws IOException {
    Preset p = Preset.load(write(tinyWithout("generator:\n  dModel: 64\n  headDim: 16\n"
        + "train:\n  batchSize: 8\n  learningRate: 1e-2\n  epochs: 3\nalign: {}\n")).toString());
    GeneratorConfig tiger = GeneratorConfig.tiger();
    GeneratorConfig g = p.generatorConfig(null, 256);
    assertEquals(64, g.dModel());
    assertEquals(16, g.headDim());
    assertEquals(tiger.encoderLayers(), g.encoderLayers());
    assertEquals(tiger.heads(), g.heads());
    assertEquals(tiger.mlpDim(), g.mlpDim());
    assertEquals(tiger.dropout(), g.dropout());
    assertEquals(0, g.userBuckets(), "user tokens off");
    assertEquals(Preset.Layout.SEQUENCE, p.generator().layout());
    TrainConfig t = p.trainConfig(null);
    TrainConfig expected = TrainConfig.builder().setBatchSize(8).setLearningRate(1e-2f)
        .setEpochs(3).optSamples(TrainConfig.Samples.SEQUENCE).build();
    assertEquals(expected, t);
    assertEquals(0.0, p.train().scaledEpochs());
    assertEquals(TrainConfig.VALIDATE_SHARE, p.train().validateShare());
    assertEquals(AlignConfig.defaults(), p.align());
  }

  @Test
  void anUnknownKeyNamesFileLineAndKey() throws IOException {
    String yaml = tiny().replace("  mlpDim: 64 ", "  mlpDim: 64\n  mlpDimm: 64 ");
    DataFormatException e = refused(yaml);
    assertEquals("generator.mlpDimm", e.field());
    assertEquals(lineOf(yaml, "  mlpDimm"), e.line());
    assertTrue(e.getMessage().contains("unknown setting 'mlpDimm' in 'generator'"),
        e.getMessage());
    assertTrue(e.getMessage().contains("mlpDim"), "the known keys are listed");
    String align = tiny().replace("  beta: 0.1 ", "  betta: 0.1 ");
    e = refused(align);
    assertEquals("align.betta", e.field());
    assertEquals(lineOf(align, "  betta"), e.line());
    e = refused(tiny().replace("  rounds: 2 ", "  rounds: 2\n  steps: 40 "));
    assertTrue(e.getMessage().contains("'steps' is set twice"), e.getMessage());
  }

  @Test
  void aBadValueNamesKeyValueAndLine() throws IOException {
    String yaml = tiny().replace("  dModel: 32 ", "  dModel: wide ");
    DataFormatException e = refused(yaml);
    assertEquals("generator.dModel", e.field());
    assertEquals(lineOf(yaml, "  dModel"), e.line());
    assertTrue(e.getMessage().contains("generator.dModel='wide' must be a whole number"),
        e.getMessage());
    // a value the config's builder refuses: named by the builder, located by its key
    yaml = tiny().replace("  dropout: 0.1 ", "  dropout: 1.5 ");
    e = refused(yaml);
    assertEquals("generator.dropout", e.field());
    assertEquals(lineOf(yaml, "  dropout"), e.line());
    assertTrue(e.getMessage().contains("dropout=1.5 must be in [0, 1)"), e.getMessage());
    yaml = tiny().replace("  decay: cosine ", "  decay: cosin ");
    e = refused(yaml);
    assertEquals("train.decay", e.field());
    assertTrue(e.getMessage().contains("train.decay='cosin' must be one of cosine, linear, "
        + "constant"), e.getMessage());
    yaml = tiny().replace("  validationUsers: 50 ", "  validationUsers: 0 ");
    e = refused(yaml);
    assertEquals("train.validationUsers", e.field());
    assertEquals(lineOf(yaml, "  validationUsers: 0"), e.line());
    assertTrue(e.getMessage().contains("validationUsers=0 must be >= 1"), e.getMessage());
    yaml = tiny().replace("  scaledEpochs: 0 ", "  scaledEpochs: -2 ");
    e = refused(yaml);
    assertEquals("train.scaledEpochs", e.field());
    assertTrue(e.getMessage().contains("scaledEpochs=-2.0 must be >= 0"), e.getMessage());
    yaml = tiny().replace("  beamWidth: 6 ", "  beamWidth: 5 ");
    e = refused(yaml);
    assertEquals("align.beamWidth", e.field());
    assertTrue(e.getMessage().contains("beamWidth=5 must be >= 2 x listSize=3"),
        e.getMessage());
    e = refused(tiny().replace("  selectBy: ndcg ", "  selectBy: auc  "));
    assertTrue(e.getMessage().contains("align.selectBy='auc' must be one of ndcg, reward"),
        e.getMessage());
    e = refused(tiny().replace("  excludeHistory: false", "  excludeHistory: 3"));
    assertTrue(e.getMessage().contains("align.excludeHistory=3 must be true or false"),
        e.getMessage());
    e = refused(tiny().replace("  epsilon: 1.0e-8\n", "  epsilon: 1.0e-8\n  epochs: 2\n"));
    assertTrue(e.getMessage().contains("maxSteps=60 and epochs=2: exactly one must be set"),
        e.getMessage());
  }

  @Test
  void theRequiredKeysAndSectionsAreNamed() throws IOException {
    DataFormatException e = refused(tinyWithout("generator: {}\ntrain:\n  batchSize: 8\n"
        + "align: {}\n"));
    assertEquals("train", e.field());
    assertTrue(e.getMessage().contains("learningRate, maxSteps or epochs must be set (no "
        + "default)"), e.getMessage());
    e = refused(tinyWithout("generator: 5\ntrain: {batchSize: 8, learningRate: 0.1, "
        + "maxSteps: 3}\nalign: {}\n"));
    assertEquals("generator", e.field());
    assertTrue(e.getMessage().contains("must be a mapping"), e.getMessage());
    e = refused(tinyWithout("generator: {}\ntrain: {batchSize: 8, learningRate: 0.1, "
        + "maxSteps: 3}\n"));
    assertTrue(e.getMessage().contains("align"), e.getMessage());
  }
}
