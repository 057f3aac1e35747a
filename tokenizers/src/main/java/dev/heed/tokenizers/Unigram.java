package dev.heed.tokenizers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Unigram language model segmentation (SentencePiece's, as Hugging Face runs it): the Viterbi path
 * with the highest sum of piece scores; a code point no piece covers is the unknown token with
 * score {@code minScore - 10}, and unknown neighbours are fused into one token.
 */
final class Unigram implements Model {
  private static final double UNK_PENALTY = 10.0;

  private final String[] pieces;
  private final double[] scores;
  private final Map<String, Integer> ids;
  private final int unkId;
  private final boolean byteFallback;
  private final double unkScore;
  private final CodePointTrie trie;

  Unigram(List<String> pieces, List<Double> scores, int unkId, boolean byteFallback) {
    this.pieces = pieces.toArray(new String[0]);
    this.scores = new double[pieces.size()];
    this.ids = new HashMap<>();
    double min = Double.MAX_VALUE;
    for (int i = 0; i < pieces.size(); i++) {
      this.scores[i] = scores.get(i);
      ids.put(pieces.get(i), i); // a repeated piece: the last one wins, as in HF
      min = Math.min(min, scores.get(i));
    }
    this.unkId = unkId;
    this.byteFallback = byteFallback;
    this.unkScore = min - UNK_PENALTY;
    this.trie = new CodePointTrie(pieces.size());
    for (Map.Entry<String, Integer> e : ids.entrySet()) {
      trie.put(e.getKey(), e.getValue());
    }
  }

  @Override
  public List<Token> tokenize(int[] cps) {
    int n = cps.length;
    if (n == 0) {
      return List.of();
    }
    String s = new String(cps, 0, n);
    int[] at = new int[n + 1];
    for (int i = 0; i < n; i++) {
      at[i + 1] = at[i] + Character.charCount(cps[i]);
    }
    double[] best = new double[n + 1];
    int[] from = new int[n + 1];
    int[] idAt = new int[n + 1];
    java.util.Arrays.fill(from, -1);
    for (int start = 0; start < n; start++) {
      double here = best[start];
      boolean single = false;
      int node = 0;
      for (int end = start + 1; end <= n; end++) {
        node = trie.step(node, cps[end - 1]);
        if (node < 0) {
          break;
        }
        int id = trie.id(node);
        if (id < 0) {
          continue;
        }
        double candidate = scores[id] + here;
        if (from[end] < 0 || candidate > best[end]) {
          best[end] = candidate;
          from[end] = start;
          idAt[end] = id;
        }
        if (end == start + 1) {
          single = true;
        }
      }
      if (!single) {
        double candidate = unkScore + here;
        if (from[start + 1] < 0 || candidate > best[start + 1]) {
          best[start + 1] = candidate;
          from[start + 1] = start;
          idAt[start + 1] = unkId;
        }
      }
    }
    // back from the end, fusing unknown neighbours
    List<int[]> spans = new ArrayList<>();
    int end = n;
    int unkEnd = -1;
    while (end > 0) {
      int start = from[end];
      if (unkId >= 0 && idAt[end] == unkId) {
        if (unkEnd < 0) {
          unkEnd = end;
        }
      } else {
        if (unkEnd >= 0) {
          spans.add(new int[] {end, unkEnd});
          unkEnd = -1;
        }
        spans.add(new int[] {start, end});
      }
      end = start;
    }
    if (unkEnd >= 0) {
      spans.add(new int[] {0, unkEnd});
    }
    List<Token> out = new ArrayList<>(spans.size());
    for (int i = spans.size() - 1; i >= 0; i--) {
      int a = spans.get(i)[0];
      int b = spans.get(i)[1];
      String piece = s.substring(at[a], at[b]);
      Integer id = ids.get(piece);
      if (id != null) {
        out.add(new Token(id, piece, a, b));
        continue;
      }
      if (byteFallback) {
        byte[] bytes = piece.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<Token> bt = new ArrayList<>(bytes.length);
        for (byte x : bytes) {
          String name = String.format("<0x%02X>", x & 0xFF);
          Integer bid = ids.get(name);
          if (bid == null) {
            bt = null;
            break;
          }
          bt.add(new Token(bid, name, a, b));
        }
        if (bt != null) {
          out.addAll(bt);
          continue;
        }
      }
      if (unkId < 0) {
        throw new IllegalStateException("Unigram met an unknown piece and has no unk_id");
      }
      out.add(new Token(unkId, piece, a, b));
    }
    return out;
  }

  @Override
  public int tokenToId(String token) {
    Integer id = ids.get(token);
    return id == null ? -1 : id;
  }

  @Override
  public String idToToken(int id) {
    return id >= 0 && id < pieces.length ? pieces[id] : null;
  }

  @Override
  public int vocabSize() {
    return pieces.length;
  }
}
