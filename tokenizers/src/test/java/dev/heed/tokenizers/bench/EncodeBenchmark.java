package dev.heed.tokenizers.bench;

import dev.heed.core.text.Encoding;
import dev.heed.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Encoding throughput on the 10,000 fixture lines, one thread, special tokens added, each line
 * encoded on its own: the same work the fixture script times for Hugging Face's Rust tokenizers and
 * the pure-JS tokenizers. MB/s = {@link #bytes} / (seconds per operation) / 1e6. Run as the module
 * README says (from {@code tokenizers/}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EncodeBenchmark {

  @Param({
    "bert-base-uncased",
    "gpt2",
    "llama3-like",
    "llama2-like",
    "unigram-albert-like",
    "roberta-like",
    "wordpiece-pipeline",
    "bert-added-tokens",
    "llama2-metaspace",
    "bytelevel-splits"
  })
  public String tokenizer;

  HuggingFaceTokenizer tok;
  List<String> lines;

  /** UTF-8 bytes of all lines: the work of one operation. */
  public long bytes;

  @Setup
  public void setUp() throws IOException {
    Path dir = Path.of("src/test/resources/fixtures");
    tok = HuggingFaceTokenizer.open(dir.resolve(tokenizer + ".tokenizer.json.gz"));
    String json;
    try (var in = new GZIPInputStream(Files.newInputStream(dir.resolve("lines.json.gz")))) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    var arr = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    lines = new ArrayList<>(arr.size());
    arr.forEach(n -> lines.add(n.asText()));
    for (String l : lines) {
      bytes += l.getBytes(StandardCharsets.UTF_8).length;
    }
    // untimed: warm the BPE cache the same way the reference's first round does
    for (String l : lines) {
      tok.encode(l, true);
    }
  }

  /** All 10,000 lines, one encode call each. */
  @Benchmark
  public void encodeAllLines(Blackhole bh) {
    for (String l : lines) {
      Encoding e = tok.encode(l, true);
      bh.consume(e);
    }
  }
}
