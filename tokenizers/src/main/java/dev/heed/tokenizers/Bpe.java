package dev.heed.tokenizers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-pair encoding as Hugging Face runs it: each code point starts as a symbol (or its UTF-8
 * bytes as {@code <0xNN>} tokens with byte fallback, or the unknown token, fused with its
 * neighbours when {@code fuseUnk}); then the pair with the lowest merge rank, leftmost first, is
 * merged until none is left. With {@code ignoreMerges}, a whole piece found in the vocabulary is
 * one token. Dropout is not supported (refused when the file asks for it).
 */
final class Bpe implements Model {
  private static final int CACHE_LIMIT = 100_000;

  private final Vocab vocab;
  private final PairMap merges;
  private final String unk;
  private final int unkId;
  private final String prefix;
  private final String suffix;
  private final boolean fuseUnk;
  private final boolean byteFallback;
  private final boolean ignoreMerges;
  private final int[] byteIds = new int[256];
  private final Map<String, int[]> cache = new ConcurrentHashMap<>();

  Bpe(
      Vocab vocab,
      List<String[]> mergeList,
      String unk,
      String prefix,
      String suffix,
      boolean fuseUnk,
      boolean byteFallback,
      boolean ignoreMerges) {
    this.vocab = vocab;
    this.unk = unk;
    this.unkId = unk == null ? -1 : vocab.id(unk);
    this.prefix = prefix;
    this.suffix = suffix;
    this.fuseUnk = fuseUnk;
    this.byteFallback = byteFallback;
    this.ignoreMerges = ignoreMerges;
    this.merges = new PairMap(mergeList.size());
    int prefixLen = prefix == null ? 0 : prefix.length();
    for (int rank = 0; rank < mergeList.size(); rank++) {
      String[] m = mergeList.get(rank);
      int a = vocab.id(m[0]);
      int b = vocab.id(m[1]);
      if (a < 0 || b < 0) {
        throw new IllegalArgumentException(
            "merge "
                + rank
                + " ('"
                + m[0]
                + "' '"
                + m[1]
                + "') uses a token that is not in the vocabulary");
      }
      String merged = m[0] + (prefixLen <= m[1].length() ? m[1].substring(prefixLen) : "");
      int id = vocab.id(merged);
      if (id < 0) {
        throw new IllegalArgumentException(
            "merge " + rank + " makes '" + merged + "', which is not in the vocabulary");
      }
      merges.put(a, b, rank, id);
    }
    for (int b = 0; b < 256; b++) {
      byteIds[b] = vocab.id(String.format("<0x%02X>", b));
    }
  }

  @Override
  public List<Token> tokenize(int[] cps) {
    if (cps.length == 0) {
      return List.of();
    }
    String word = new String(cps, 0, cps.length);
    if (ignoreMerges) {
      int id = vocab.id(word);
      if (id >= 0) {
        return List.of(new Token(id, word, 0, cps.length));
      }
    }
    int[] packed = cache.get(word);
    if (packed == null) {
      packed = merge(cps);
      if (cache.size() < CACHE_LIMIT) {
        cache.put(word, packed);
      }
    }
    List<Token> out = new ArrayList<>(packed.length / 3);
    for (int i = 0; i < packed.length; i += 3) {
      out.add(new Token(packed[i], vocab.token(packed[i]), packed[i + 1], packed[i + 2]));
    }
    return out;
  }

  /** The merged symbols as (id, start, end) triples. */
  private int[] merge(int[] cps) {
    int n = cps.length;
    IntList sym = new IntList(n * 3);
    int pendingUnkStart = -1;
    int pendingUnkEnd = -1;
    for (int i = 0; i < n; i++) {
      String s = Character.toString(cps[i]);
      if (i > 0 && prefix != null) {
        s = prefix + s;
      }
      if (i == n - 1 && suffix != null) {
        s = s + suffix;
      }
      int id = vocab.id(s);
      if (id >= 0) {
        if (pendingUnkStart >= 0) {
          sym.add(unkId, pendingUnkStart, pendingUnkEnd);
          pendingUnkStart = -1;
        }
        sym.add(id, i, i + 1);
        continue;
      }
      if (byteFallback) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        boolean all = true;
        for (byte b : bytes) {
          if (byteIds[b & 0xFF] < 0) {
            all = false;
            break;
          }
        }
        if (all) {
          // HF flushes no pending unknown here: it stays pending until the next known piece
          for (byte b : bytes) {
            sym.add(byteIds[b & 0xFF], i, i + 1);
          }
          continue;
        }
      }
      if (unk != null) {
        if (unkId < 0) {
          throw new IllegalStateException(
              "BPE's unknown token '" + unk + "' is not in the vocabulary");
        }
        if (pendingUnkStart >= 0 && fuseUnk) {
          pendingUnkEnd = i + 1;
        } else {
          if (pendingUnkStart >= 0) {
            sym.add(unkId, pendingUnkStart, pendingUnkEnd);
          }
          pendingUnkStart = i;
          pendingUnkEnd = i + 1;
        }
      }
    }
    if (pendingUnkStart >= 0) {
      sym.add(unkId, pendingUnkStart, pendingUnkEnd);
    }
    return mergeAll(sym.toArray());
  }

  private int[] mergeAll(int[] s) {
    int count = s.length / 3;
    if (count < 2) {
      return s;
    }
    int[] id = new int[count];
    int[] start = new int[count];
    int[] end = new int[count];
    int[] prev = new int[count];
    int[] next = new int[count];
    boolean[] gone = new boolean[count];
    for (int i = 0; i < count; i++) {
      id[i] = s[3 * i];
      start[i] = s[3 * i + 1];
      end[i] = s[3 * i + 2];
      prev[i] = i - 1;
      next[i] = i + 1 < count ? i + 1 : -1;
    }
    LongHeap queue = new LongHeap(count);
    for (int i = 0; i + 1 < count; i++) {
      long m = merges.get(id[i], id[i + 1]);
      if (m >= 0) {
        queue.push(((m >>> 32) << 32) | i);
      }
    }
    while (!queue.isEmpty()) {
      long top = queue.pop();
      int rank = (int) (top >>> 32);
      int pos = (int) top;
      if (gone[pos] || next[pos] < 0) {
        continue;
      }
      int right = next[pos];
      long m = merges.get(id[pos], id[right]);
      if (m < 0 || (int) (m >>> 32) != rank) {
        continue;
      }
      id[pos] = (int) m;
      end[pos] = end[right];
      gone[right] = true;
      next[pos] = next[right];
      if (next[right] >= 0) {
        prev[next[right]] = pos;
      }
      if (prev[pos] >= 0) {
        long pm = merges.get(id[prev[pos]], id[pos]);
        if (pm >= 0) {
          queue.push(((pm >>> 32) << 32) | prev[pos]);
        }
      }
      if (next[pos] >= 0) {
        long nm = merges.get(id[pos], id[next[pos]]);
        if (nm >= 0) {
          queue.push(((nm >>> 32) << 32) | pos);
        }
      }
    }
    IntList out = new IntList(count * 3);
    for (int i = 0; i < count; i++) {
      if (!gone[i]) {
        out.add(id[i], start[i], end[i]);
      }
    }
    return out.toArray();
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
