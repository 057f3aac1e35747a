package dev.heed.tokenizers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The added tokens of a {@code tokenizer.json} and how they are cut out of the text before the
 * model runs: tokens marked {@code normalized: false} are found in the raw text, the others in the
 * normalized pieces between those (leftmost, then longest match), with the {@code single_word},
 * {@code lstrip} and {@code rstrip} rules of Hugging Face.
 */
final class AddedVocabulary {

  /** One added token as the file declares it. */
  record AddedToken(
      int id,
      String content,
      boolean singleWord,
      boolean lstrip,
      boolean rstrip,
      boolean normalized,
      boolean special) {}

  private static final java.util.regex.Pattern WORD_START =
      java.util.regex.Pattern.compile("^\\w", java.util.regex.Pattern.UNICODE_CHARACTER_CLASS);
  private static final java.util.regex.Pattern WORD_END =
      java.util.regex.Pattern.compile("\\w\\z", java.util.regex.Pattern.UNICODE_CHARACTER_CLASS);

  private final Map<Integer, AddedToken> byId = new HashMap<>();
  private final Map<String, AddedToken> byContent = new HashMap<>();
  private final Trie raw = new Trie();
  private final Trie normalizedTrie = new Trie();

  AddedVocabulary(List<AddedToken> tokens, NormalizerStep normalizer) {
    for (AddedToken t : tokens) {
      byId.put(t.id(), t);
      byContent.put(t.content(), t);
      if (t.normalized()) {
        Normalized n = Normalized.of(t.content());
        if (normalizer != null) {
          normalizer.normalize(n);
        }
        normalizedTrie.put(n.cps, t);
      } else {
        raw.put(t.content().codePoints().toArray(), t);
      }
    }
  }

  AddedToken byId(int id) {
    return byId.get(id);
  }

  AddedToken byContent(String content) {
    return byContent.get(content);
  }

  java.util.Collection<AddedToken> tokens() {
    return byId.values();
  }

  /** HF's {@code extract_and_normalize}: raw matches, then normalize the rest, then matches. */
  PreTokenized extractAndNormalize(NormalizerStep normalizer, String text) {
    List<PreTokenized.Piece> pieces = new ArrayList<>();
    pieces.add(new PreTokenized.Piece(Normalized.of(text), null));
    PreTokenized p = new PreTokenized(pieces);
    if (!raw.isEmpty()) {
      splitOn(p, raw);
    }
    for (PreTokenized.Piece piece : p.pieces) {
      if (piece.tokens == null && normalizer != null) {
        normalizer.normalize(piece.text);
      }
    }
    p.pieces.removeIf(x -> x.tokens == null && x.text.isEmpty());
    if (!normalizedTrie.isEmpty()) {
      splitOn(p, normalizedTrie);
    }
    return p;
  }

  private void splitOn(PreTokenized p, Trie trie) {
    List<PreTokenized.Piece> out = new ArrayList<>();
    for (PreTokenized.Piece piece : p.pieces) {
      if (piece.tokens != null) {
        out.add(piece);
        continue;
      }
      Normalized n = piece.text;
      int[] cps = n.cps;
      int len = cps.length;
      int startOffset = 0;
      int pos = 0;
      String s = null;
      while (pos < len) {
        long m = trie.longestAt(cps, pos);
        if (m < 0) {
          pos++;
          continue;
        }
        int stopMatch = (int) (m >>> 32);
        AddedToken t = trie.value((int) m);
        int start = pos;
        int stop = stopMatch;
        pos = stopMatch;
        if (t.singleWord()) {
          if (s == null) {
            s = n.toString();
          }
          boolean startSpace =
              start == 0
                  || !WORD_END.matcher(s.substring(0, s.offsetByCodePoints(0, start))).find();
          boolean stopSpace =
              stop == len || !WORD_START.matcher(s.substring(s.offsetByCodePoints(0, stop))).find();
          if (!startSpace || !stopSpace) {
            continue;
          }
        }
        if (t.lstrip()) {
          int newStart = start;
          while (newStart > 0 && Chars.isWhitespace(cps[newStart - 1])) {
            newStart--;
          }
          start = Math.max(newStart, startOffset);
        }
        if (t.rstrip()) {
          while (stop < len && Chars.isWhitespace(cps[stop])) {
            stop++;
          }
        }
        if (startOffset < start) {
          out.add(new PreTokenized.Piece(n.slice(startOffset, start), null));
        }
        Normalized tokenText = n.slice(start, stop);
        out.add(
            new PreTokenized.Piece(
                tokenText, List.of(new Token(t.id(), tokenText.toString(), 0, stop - start))));
        startOffset = stop;
      }
      if (startOffset == 0) {
        out.add(piece);
      } else if (startOffset < len) {
        out.add(new PreTokenized.Piece(n.slice(startOffset, len), null));
      }
    }
    p.pieces.clear();
    p.pieces.addAll(out);
  }

  /** A trie over code points that finds the longest token starting at a position. */
  private static final class Trie {
    private final List<Map<Integer, Integer>> next = new ArrayList<>();
    private final List<AddedToken> values = new ArrayList<>();

    Trie() {
      next.add(new HashMap<>());
      values.add(null);
    }

    boolean isEmpty() {
      return next.get(0).isEmpty();
    }

    void put(int[] key, AddedToken token) {
      if (key.length == 0) {
        return;
      }
      int node = 0;
      for (int c : key) {
        Integer child = next.get(node).get(c);
        if (child == null) {
          child = next.size();
          next.add(new HashMap<>());
          values.add(null);
          next.get(node).put(c, child);
        }
        node = child;
      }
      if (values.get(node) == null) {
        values.set(node, token);
      }
    }

    /** {@code end << 32 | node} of the longest match at {@code pos}, or -1. */
    long longestAt(int[] cps, int pos) {
      int node = 0;
      long best = -1;
      for (int i = pos; i < cps.length; i++) {
        Integer child = next.get(node).get(cps[i]);
        if (child == null) {
          break;
        }
        node = child;
        if (values.get(node) != null) {
          best = ((long) (i + 1) << 32) | node;
        }
      }
      return best;
    }

    AddedToken value(int node) {
      return values.get(node);
    }
  }
}
