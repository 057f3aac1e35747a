package dev.heed.tokenizers;

import java.util.ArrayList;
import java.util.List;

/**
 * Greedy longest-match-first WordPiece, as Hugging Face runs it: a word longer than {@code
 * maxInputCharsPerWord} code points, or one with a part not in the vocabulary, is one unknown token
 * spanning the whole word.
 */
final class WordPiece implements Model {
  private final Vocab vocab;
  private final String unk;
  private final int unkId;
  private final String prefix;
  private final int maxInputChars;

  /** Tokens that start a word, and continuation tokens without their prefix. */
  private final CodePointTrie starts;

  private final CodePointTrie continuations;

  WordPiece(Vocab vocab, String unk, String prefix, int maxInputChars) {
    this.vocab = vocab;
    this.unk = unk;
    this.unkId = vocab.id(unk);
    this.prefix = prefix;
    this.maxInputChars = maxInputChars;
    this.starts = new CodePointTrie(vocab.size());
    this.continuations = new CodePointTrie(vocab.size());
    for (var e : vocab.ids.entrySet()) {
      String t = e.getKey();
      starts.put(t, e.getValue());
      if (t.startsWith(prefix) && t.length() > prefix.length()) {
        continuations.put(t.substring(prefix.length()), e.getValue());
      }
    }
  }

  @Override
  public List<Token> tokenize(int[] cps) {
    if (cps.length > maxInputChars) {
      return List.of(unknown(cps.length));
    }
    List<Token> out = new ArrayList<>(4);
    int start = 0;
    while (start < cps.length) {
      // the longest vocabulary entry from here: what HF finds by shortening from the end
      CodePointTrie trie = start == 0 ? starts : continuations;
      int node = 0;
      int end = -1;
      int id = -1;
      for (int i = start; i < cps.length; i++) {
        node = trie.step(node, cps[i]);
        if (node < 0) {
          break;
        }
        if (trie.id(node) >= 0) {
          end = i + 1;
          id = trie.id(node);
        }
      }
      if (end < 0) {
        return List.of(unknown(cps.length));
      }
      out.add(new Token(id, vocab.token(id), start, end));
      start = end;
    }
    return out;
  }

  private Token unknown(int length) {
    if (unkId < 0) {
      throw new IllegalStateException(
          "WordPiece needs its unknown token '" + unk + "' in the vocabulary");
    }
    return new Token(unkId, unk, 0, length);
  }

  @Override
  public int tokenToId(String token) {
    return vocab.id(token);
  }

  @Override
  public String idToToken(int id) {
    return vocab.token(id);
  }

  @Override
  public int vocabSize() {
    return vocab.size();
  }
}
