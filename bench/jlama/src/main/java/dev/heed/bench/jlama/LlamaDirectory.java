package dev.heed.bench.jlama;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a Hugging Face Llama directory with random weights: {@code config.json}, {@code
 * model.safetensors} (the {@code state_dict} names of {@code transformers}' {@code
 * LlamaForCausalLM}; weights N(0, 0.02), norms 1; F32 or BF16) and a {@code tokenizer.json} (BPE
 * with byte fallback and no merges: the 3 special tokens, the 256 byte tokens, printable ASCII
 * characters, and filler tokens up to 32000) that Jlama's Llama tokenizer reads.
 */
final class LlamaDirectory {
  static final int VOCAB = 32000;
  static final int D = 768;
  static final int LAYERS = 12;
  static final int HEADS = 12;
  static final int KV_HEADS = 4;
  static final int FF = 2048;
  static final int HEAD_DIM = D / HEADS;

  private LlamaDirectory() {}

  /** The tensors in file order: name and shape. */
  static Map<String, long[]> tensors() {
    Map<String, long[]> t = new LinkedHashMap<>();
    t.put("model.embed_tokens.weight", new long[] {VOCAB, D});
    for (int i = 0; i < LAYERS; i++) {
      String p = "model.layers." + i + ".";
      t.put(p + "input_layernorm.weight", new long[] {D});
      t.put(p + "self_attn.q_proj.weight", new long[] {HEADS * HEAD_DIM, D});
      t.put(p + "self_attn.k_proj.weight", new long[] {KV_HEADS * HEAD_DIM, D});
      t.put(p + "self_attn.v_proj.weight", new long[] {KV_HEADS * HEAD_DIM, D});
      t.put(p + "self_attn.o_proj.weight", new long[] {D, HEADS * HEAD_DIM});
      t.put(p + "post_attention_layernorm.weight", new long[] {D});
      t.put(p + "mlp.gate_proj.weight", new long[] {FF, D});
      t.put(p + "mlp.up_proj.weight", new long[] {FF, D});
      t.put(p + "mlp.down_proj.weight", new long[] {D, FF});
    }
    t.put("model.norm.weight", new long[] {D});
    t.put("lm_head.weight", new long[] {VOCAB, D});
    return t;
  }

  /** Bytes of the weights one decoding step reads (every tensor but the embedding table). */
  static long weightBytes(boolean bf16) {
    long n = 0;
    for (Map.Entry<String, long[]> e : tensors().entrySet()) {
      if (!e.getKey().equals("model.embed_tokens.weight")) {
        long c = 1;
        for (long d : e.getValue()) {
          c *= d;
        }
        n += c;
      }
    }
    return n * (bf16 ? 2 : 4);
  }

  static void write(Path dir, boolean bf16) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("config.json"),
        """
        {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
         "hidden_size": %d, "intermediate_size": %d, "num_hidden_layers": %d,
         "num_attention_heads": %d, "num_key_value_heads": %d, "vocab_size": %d,
         "max_position_embeddings": 2048, "rms_norm_eps": 1e-06, "rope_theta": 10000.0,
         "tie_word_embeddings": false, "bos_token_id": 1, "eos_token_id": 2,
         "torch_dtype": "%s"}
        """
            .formatted(D, FF, LAYERS, HEADS, KV_HEADS, VOCAB, bf16 ? "bfloat16" : "float32"));
    writeTokenizer(dir.resolve("tokenizer.json"));
    writeWeights(dir.resolve("model.safetensors"), bf16);
  }

  private static void writeTokenizer(Path file) throws IOException {
    List<String> vocab = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
    for (int b = 0; b < 256; b++) {
      vocab.add(String.format("<0x%02X>", b));
    }
    vocab.add("\u2581");
    for (char c = '!'; c <= '~'; c++) {
      vocab.add(String.valueOf(c));
    }
    for (int i = 0; vocab.size() < VOCAB; i++) {
      vocab.add("\u2581t" + i);
    }
    StringBuilder v = new StringBuilder();
    for (int i = 0; i < vocab.size(); i++) {
      if (i > 0) {
        v.append(", ");
      }
      v.append('"').append(json(vocab.get(i))).append("\": ").append(i);
    }
    String added =
        """
        {"id": %d, "content": "%s", "single_word": false, "lstrip": false, "rstrip": false,
         "normalized": false, "special": true}""";
    String text =
        """
        {"version": "1.0", "truncation": null, "padding": null,
         "added_tokens": [%s, %s, %s],
         "normalizer": null, "pre_tokenizer": null, "post_processor": null, "decoder": null,
         "model": {"type": "BPE", "dropout": null, "unk_token": "<unk>",
          "continuing_subword_prefix": null, "end_of_word_suffix": null, "fuse_unk": true,
          "byte_fallback": true, "vocab": {%s}, "merges": []}}
        """
            .formatted(
                added.formatted(0, "<unk>"),
                added.formatted(1, "<s>"),
                added.formatted(2, "</s>"),
                v);
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static String json(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  private static void writeWeights(Path file, boolean bf16) throws IOException {
    Map<String, long[]> tensors = tensors();
    int width = bf16 ? 2 : 4;
    StringBuilder h = new StringBuilder("{\"__metadata__\": {\"format\": \"pt\"}");
    long offset = 0;
    for (Map.Entry<String, long[]> e : tensors.entrySet()) {
      long n = 1;
      StringBuilder shape = new StringBuilder();
      for (long d : e.getValue()) {
        n *= d;
        shape.append(shape.isEmpty() ? "" : ", ").append(d);
      }
      h.append(", \"")
          .append(e.getKey())
          .append("\": {\"dtype\": \"")
          .append(bf16 ? "BF16" : "F32")
          .append("\", \"shape\": [")
          .append(shape)
          .append("], \"data_offsets\": [")
          .append(offset)
          .append(", ")
          .append(offset + n * width)
          .append("]}");
      offset += n * width;
    }
    h.append('}');
    while ((h.length() + 8) % 8 != 0) {
      h.append(' ');
    }
    byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
    SplittableRandom random = new SplittableRandom(18);
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      len.putLong(header.length).flip();
      ch.write(len);
      ch.write(ByteBuffer.wrap(header));
      ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      for (Map.Entry<String, long[]> e : tensors.entrySet()) {
        long n = 1;
        for (long d : e.getValue()) {
          n *= d;
        }
        boolean norm = e.getKey().endsWith("norm.weight");
        for (long i = 0; i < n; i++) {
          float v = norm ? 1f : (float) (random.nextGaussian() * 0.02);
          if (buf.remaining() < width) {
            buf.flip();
            ch.write(buf);
            buf.clear();
          }
          if (bf16) {
            int bits = Float.floatToRawIntBits(v);
            bits += 0x7FFF + ((bits >>> 16) & 1); // round to nearest even
            buf.putShort((short) (bits >>> 16));
          } else {
            buf.putFloat(v);
          }
        }
      }
      buf.flip();
      ch.write(buf);
    }
  }
}
