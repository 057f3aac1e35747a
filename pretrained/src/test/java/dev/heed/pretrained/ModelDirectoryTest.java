package dev.heed.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.io.SafeTensors;
import dev.heed.core.io.StateDicts;
import dev.heed.core.io.StoredType;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.testkit.TestBackends;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the loader says about directories it cannot use (unsupported architectures and config
 * values, missing and unexpected weights, missing, truncated and inconsistent shards), and that a
 * loaded model saves back under the same Hugging Face names.
 */
class ModelDirectoryTest {
  private final Backend backend = TestBackends.reference();
  private final BuildContext ctx = BuildContext.of(backend, DType.FLOAT32, 1);

  @TempDir Path tmp;

  private Path copy(String fixture) throws IOException {
    Path to = tmp.resolve(fixture);
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(Fixtures.dir(fixture))) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }

  private static void edit(Path config, String from, String to) throws IOException {
    String s = Files.readString(config);
    if (!s.contains(from)) {
      throw new AssertionError(from + " not in " + config);
    }
    Files.writeString(config, s.replace(from, to));
  }

  private String failure(Path dir) {
    return assertThrows(RuntimeException.class, () -> HfModels.load(dir, ctx)).getMessage();
  }

  @Test
  void anUnsupportedArchitectureIsRefusedWithTheSupportedList() throws IOException {
    Path d = copy("gpt2");
    edit(d.resolve("config.json"), "\"model_type\": \"gpt2\"", "\"model_type\": \"mistral\"");
    assertEquals(
        d.resolve("config.json")
            + ": model_type 'mistral' is not supported (supported: bert, gpt2, llama)",
        failure(d));
  }

  @Test
  void configValuesThatChangeTheMathAreRefused() throws IOException {
    Path g = copy("gpt2");
    edit(g.resolve("config.json"), "\"gelu_new\"", "\"relu\"");
    assertEquals(
        g.resolve("config.json")
            + ": 'activation_function' = relu is not supported (the feed-forward activation;"
            + " supported: [gelu_new, gelu_pytorch_tanh, gelu])",
        failure(g));
    Path l = copy("llama");
    edit(l.resolve("config.json"), "\"llama3\"", "\"yarn\"");
    assertTrue(
        failure(l)
            .endsWith(
                "'rope_scaling.rope_type' = yarn is not supported (the rotary scaling types of the"
                    + " small public models; supported: [default, linear, llama3])"),
        failure(l));
    Path b = copy("bert-mlm");
    edit(b.resolve("config.json"), "\"absolute\"", "\"relative_key\"");
    assertTrue(failure(b).contains("'position_embedding_type' = relative_key is not supported"));
  }

  @Test
  void missingAndUnexpectedWeightsAreListedByName() throws IOException {
    Path d = copy("llama");
    Path file = d.resolve("model.safetensors");
    Map<String, Tensor> w = new LinkedHashMap<>(SafeTensors.read(file, backend));
    w.remove("model.layers.1.mlp.up_proj.weight");
    w.put("model.layers.1.mlp.extra.weight", w.get("model.norm.weight"));
    SafeTensors.write(file, w, Map.of());
    String m = failure(d);
    assertTrue(m.startsWith(d + ": the weights do not fit the model: "), m);
    assertTrue(m.contains("missing [model.layers.1.mlp.up_proj.weight]"), m);
    assertTrue(m.contains("unexpected [model.layers.1.mlp.extra.weight]"), m);
  }

  @Test
  void aMisShapedWeightIsNamedWithItsFileBeforeAnyDataIsRead() throws IOException {
    Path d = copy("gpt2");
    Path file = d.resolve("model.safetensors");
    Map<String, Tensor> w = new LinkedHashMap<>(SafeTensors.read(file, backend));
    w.put("transformer.h.0.attn.c_proj.weight", w.get("transformer.h.0.attn.c_attn.weight"));
    SafeTensors.write(file, w, Map.of());
    assertEquals(
        d
            + ": the weights do not fit the model: 'transformer.h.0.attn.c_proj.weight' in"
            + " model.safetensors has shape [32, 96], the model expects [32, 32]",
        failure(d));
  }

  @Test
  void aMissingShardIsNamed() throws IOException {
    Path d = copy("llama-sharded");
    Files.delete(d.resolve("model-00002-of-00002.safetensors"));
    assertTrue(
        failure(d).startsWith(d.resolve("model-00002-of-00002.safetensors") + ": missing shard"));
  }

  @Test
  void aTruncatedShardIsNamed() throws IOException {
    Path d = copy("llama-sharded");
    Path shard = d.resolve("model-00001-of-00002.safetensors");
    try (FileChannel ch = FileChannel.open(shard, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 10);
    }
    String m = failure(d);
    assertTrue(m.startsWith(shard.toString()) && m.contains("truncated"), m);
  }

  @Test
  void anIndexThatDisagreesWithItsShardsIsRefused() throws IOException {
    Path d = copy("llama-sharded");
    Path index = d.resolve(Checkpoint.INDEX);
    String json = Files.readString(index);
    // move one tensor to the other shard in the index only
    String one = "\"model.norm.weight\": \"model-00001-of-00002.safetensors\"";
    String two = "\"model.norm.weight\": \"model-00002-of-00002.safetensors\"";
    String moved = json.contains(one) ? json.replace(one, two) : json.replace(two, one);
    if (moved.equals(json)) {
      throw new AssertionError("model.norm.weight not in " + index);
    }
    Files.writeString(index, moved);
    String m = failure(d);
    assertTrue(m.contains("lacks [model.norm.weight]") || m.contains("holds ["), m);

    Path e = copy("llama");
    Files.move(e.resolve("model.safetensors"), e.resolve("model-00001-of-00001.safetensors"));
    List<String> names = new ArrayList<>();
    for (var en : SafeTensors.entries(e.resolve("model-00001-of-00001.safetensors"))) {
      names.add("\"" + en.name() + "\": \"model-00001-of-00001.safetensors\"");
    }
    Files.writeString(
        e.resolve(Checkpoint.INDEX),
        "{\"metadata\": {\"total_size\": 12}, \"weight_map\": {" + String.join(", ", names) + "}}");
    assertTrue(failure(e).contains("metadata.total_size is 12 bytes but the shards hold"));
  }

  @Test
  void aDirectoryWithoutWeightsSaysWhatIsExpected() throws IOException {
    Path d = copy("gpt2");
    Files.delete(d.resolve("model.safetensors"));
    assertTrue(failure(d).contains("no weights: expected model.safetensors or"));
  }

  @Test
  @SuppressWarnings("try")
  void aLoadedModelSavesBackUnderTheSameNamesAndReloads() throws IOException {
    for (String fixture : List.of("gpt2", "llama", "llama-tied", "bert-mlm", "bert-cls")) {
      PretrainedModel model = HfModels.load(Fixtures.dir(fixture), ctx);
      Path out = copy(fixture);
      StateDicts.save(model, out.resolve("model.safetensors"), Map.of("format", "pt"));
      TreeSet<String> saved = new TreeSet<>();
      SafeTensors.entries(out.resolve("model.safetensors")).forEach(e -> saved.add(e.name()));
      TreeSet<String> original = new TreeSet<>();
      SafeTensors.entries(Fixtures.dir(fixture).resolve("model.safetensors"))
          .forEach(e -> original.add(e.name()));
      assertEquals(original, saved, fixture + ": the names save_pretrained wrote");
      PretrainedModel back = HfModels.load(out, ctx);
      for (var e : model.namedParameters().entrySet()) {
        assertEquals(
            0.0,
            Fixtures.maxAbsDiff(
                e.getValue().value(), back.namedParameters().get(e.getKey()).value()),
            fixture + " " + e.getKey());
      }
    }
  }

  @Test
  @SuppressWarnings("try")
  void bf16WeightsSaveAsBf16AndStayWithinTheStatedBoundOfTheF32Model() throws IOException {
    DecoderModel f32 = (DecoderModel) HfModels.load(Fixtures.dir("llama"), ctx);
    DecoderModel bf16 = (DecoderModel) HfModels.load(Fixtures.dir("llama-bf16"), ctx);
    Map<String, Tensor> ref = Fixtures.reference("llama", backend);
    try (GradMode off = GradMode.disable();
        Scope s = Scope.open()) {
      Tensor ids = ref.get("0.input_ids");
      Tensor a = f32.forward(ids, null, ForwardContext.inference()).logits();
      Tensor b = bf16.forward(ids, null, ForwardContext.inference()).logits();
      double d = Fixtures.maxAbsDiff(a, b);
      // rounding the weights to 8 significant bits moves these logits (standard deviation 1.8)
      // by at most 0.106: the cost of BF16 weights, which the bound states; reading them wrong
      // (or not rounding at all) falls outside it
      assertTrue(d > 1e-3 && d < 0.25, "BF16 weights moved the logits by " + d);
    }
    Path out = tmp.resolve("bf16.safetensors");
    SafeTensors.write(out, StateDicts.of(bf16), Map.of(), StoredType.BF16);
    assertEquals(
        Files.size(Fixtures.dir("llama-bf16").resolve("model.safetensors")) / 100,
        Files.size(out) / 100,
        "the same tensors in BF16, give or take the header");
    Map<String, Tensor> reread = SafeTensors.read(out, backend);
    for (var e : StateDicts.of(bf16).entrySet()) {
      assertEquals(0.0, Fixtures.maxAbsDiff(e.getValue(), reread.get(e.getKey())), e.getKey());
    }
  }

  @Test
  @SuppressWarnings("try")
  void aMaskedLmCheckpointBecomesAClassifierWithANewHeadForFineTuning() {
    Bert a =
        HfModels.bertForSequenceClassification(
            Fixtures.dir("bert-mlm"), 4, BuildContext.of(backend, DType.FLOAT32, 7));
    Bert b =
        HfModels.bertForSequenceClassification(
            Fixtures.dir("bert-mlm"), 4, BuildContext.of(backend, DType.FLOAT32, 7));
    assertEquals(Shape.of(4, 32), a.namedParameters().get("classifier.weight").shape());
    double[] w = a.namedParameters().get("classifier.weight").value().toDoubleArray();
    double sq = 0;
    for (double x : w) {
      sq += x * x;
    }
    double std = Math.sqrt(sq / w.length);
    assertTrue(std > 0.01 && std < 0.04, "initializer_range 0.02, got std " + std);
    assertEquals(
        0.0,
        Fixtures.maxAbsDiff(
            a.namedParameters().get("classifier.weight").value(),
            b.namedParameters().get("classifier.weight").value()),
        "drawn from the context's seeds: the same seed, the same head");
    assertEquals(0.0, Math.abs(a.namedParameters().get("classifier.bias").value().sum().item()));
    Map<String, Tensor> ref = Fixtures.reference("bert-mlm", backend);
    try (GradMode off = GradMode.disable();
        Scope s = Scope.open()) {
      Bert.Output out =
          a.forward(
              ref.get("0.input_ids"),
              ref.get("0.attention_mask"),
              ref.get("0.token_type_ids"),
              ForwardContext.inference());
      assertTrue(Fixtures.maxAbsDiff(ref.get("0.hidden.f32"), out.hidden()) < 1e-4, "encoder");
      assertEquals(Shape.of(2, 4), out.logits().shape());
    }
    // a classification checkpoint keeps its pooler and head; a head of another size does not
    // fit its stored weights and is refused (as from_pretrained does without
    // ignore_mismatched_sizes)
    Bert c = HfModels.bertForSequenceClassification(Fixtures.dir("bert-cls"), 3, ctx);
    PretrainedModel same = HfModels.load(Fixtures.dir("bert-cls"), ctx);
    assertEquals(
        0.0,
        Fixtures.maxAbsDiff(
            same.namedParameters().get("classifier.weight").value(),
            c.namedParameters().get("classifier.weight").value()));
    assertThrows(
        PretrainedException.class,
        () -> HfModels.bertForSequenceClassification(Fixtures.dir("bert-cls"), 5, ctx));
  }

  @Test
  @SuppressWarnings("try")
  void aFineTunedClassifierSavesAsAHuggingFaceDirectoryThatLoadsBack() throws IOException {
    Bert model = HfModels.bertForSequenceClassification(Fixtures.dir("bert-mlm"), 4, ctx);
    Path out = tmp.resolve("classifier");
    HfSave.save(model, Fixtures.dir("bert-mlm"), out, StoredType.F32);
    String config = Files.readString(out.resolve("config.json"));
    assertTrue(config.contains("\"BertForSequenceClassification\""), config);
    assertTrue(config.contains("\"LABEL_3\""), config);
    PretrainedModel back = HfModels.load(out, ctx);
    assertEquals(model.namedParameters().keySet(), back.namedParameters().keySet());
    for (var e : model.namedParameters().entrySet()) {
      assertEquals(
          0.0,
          Fixtures.maxAbsDiff(e.getValue().value(), back.namedParameters().get(e.getKey()).value()),
          e.getKey());
    }
    // in BF16: half the bytes, the weights rounded once
    Path half = tmp.resolve("gpt2-bf16");
    PretrainedModel gpt2 = HfModels.load(Fixtures.dir("gpt2"), ctx);
    HfSave.save(gpt2, Fixtures.dir("gpt2"), half, StoredType.BF16);
    assertTrue(Files.readString(half.resolve("config.json")).contains("\"bfloat16\""));
    assertTrue(Files.isRegularFile(half.resolve("generation_config.json")));
    long f32 = Files.size(Fixtures.dir("gpt2").resolve("model.safetensors"));
    long bf16 = Files.size(half.resolve("model.safetensors"));
    assertTrue(bf16 < f32 * 0.55 && bf16 > f32 * 0.45, f32 + " bytes against " + bf16);
    assertEquals(
        new TreeSet<>(
            SafeTensors.entries(Fixtures.dir("gpt2-bf16").resolve("model.safetensors")).stream()
                .map(e -> e.name())
                .toList()),
        new TreeSet<>(
            SafeTensors.entries(half.resolve("model.safetensors")).stream()
                .map(e -> e.name())
                .toList()),
        "the names of PyTorch's directory");
    PretrainedModel reread = HfModels.load(half, ctx);
    PretrainedModel pytorchs = HfModels.load(Fixtures.dir("gpt2-bf16"), ctx);
    for (var e : pytorchs.namedParameters().entrySet()) {
      assertEquals(
          0.0,
          Fixtures.maxAbsDiff(
              e.getValue().value(), reread.namedParameters().get(e.getKey()).value()),
          "PyTorch's BF16 rounding of " + e.getKey());
    }
  }
}
