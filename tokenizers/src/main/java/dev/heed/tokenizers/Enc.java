package dev.heed.tokenizers;

import dev.heed.core.text.Encoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The mutable encoding the pipeline works on (Hugging Face's {@code Encoding}): parallel arrays
 * plus what truncation cut off. Offsets are code points of the original text.
 */
final class Enc {
  int[] ids;
  int[] typeIds;
  String[] tokens;
  int[] starts;
  int[] ends;
  int[] special;
  int[] attention;
  List<Enc> overflowing;

  Enc(
      int[] ids,
      int[] typeIds,
      String[] tokens,
      int[] starts,
      int[] ends,
      int[] special,
      int[] attention,
      List<Enc> overflowing) {
    this.ids = ids;
    this.typeIds = typeIds;
    this.tokens = tokens;
    this.starts = starts;
    this.ends = ends;
    this.special = special;
    this.attention = attention;
    this.overflowing = overflowing;
  }

  static Enc empty() {
    return new Enc(
        new int[0],
        new int[0],
        new String[0],
        new int[0],
        new int[0],
        new int[0],
        new int[0],
        new ArrayList<>());
  }

  /** Special tokens of a post-processor: offsets (0, 0), special and attended. */
  static Enc specials(int[] ids, String[] tokens, int typeId) {
    int n = ids.length;
    int[] type = new int[n];
    Arrays.fill(type, typeId);
    int[] ones = new int[n];
    Arrays.fill(ones, 1);
    return new Enc(
        ids, type, tokens, new int[n], new int[n], ones, ones.clone(), new ArrayList<>());
  }

  int length() {
    return ids.length;
  }

  Enc copy() {
    List<Enc> over = new ArrayList<>(overflowing.size());
    for (Enc o : overflowing) {
      over.add(o.copy());
    }
    return new Enc(
        ids.clone(),
        typeIds.clone(),
        tokens.clone(),
        starts.clone(),
        ends.clone(),
        special.clone(),
        attention.clone(),
        over);
  }

  private Enc range(int from, int to) {
    return new Enc(
        Arrays.copyOfRange(ids, from, to),
        Arrays.copyOfRange(typeIds, from, to),
        Arrays.copyOfRange(tokens, from, to),
        Arrays.copyOfRange(starts, from, to),
        Arrays.copyOfRange(ends, from, to),
        Arrays.copyOfRange(special, from, to),
        Arrays.copyOfRange(attention, from, to),
        new ArrayList<>());
  }

  /** HF's {@code Encoding::truncate}: keeps {@code maxLen} tokens, the rest become overflow. */
  void truncate(int maxLen, int stride, boolean left) {
    int n = ids.length;
    if (maxLen >= n) {
      return;
    }
    if (maxLen == 0) {
      Enc all = new Enc(ids, typeIds, tokens, starts, ends, special, attention, overflowing);
      set(empty());
      overflowing.add(all);
      return;
    }
    if (stride >= maxLen) {
      throw new IllegalArgumentException(
          "truncation stride ("
              + stride
              + ") must be less than the length left for the sequence ("
              + maxLen
              + "; special tokens are taken off the maximum length first)");
    }
    int step = maxLen - stride;
    List<int[]> parts = new ArrayList<>();
    if (!left) {
      for (int start = 0; start < n; start += step) {
        int stop = Math.min(start + maxLen, n);
        parts.add(new int[] {start, stop});
        if (stop == n) {
          break;
        }
      }
    } else {
      for (int s = n - 1; s >= 0; s -= step) {
        int stop = s + 1;
        int start = Math.max(0, stop - maxLen);
        parts.add(new int[] {start, stop});
        if (start == 0) {
          break;
        }
      }
    }
    Enc first = range(parts.get(0)[0], parts.get(0)[1]);
    for (int i = 1; i < parts.size(); i++) {
      first.overflowing.add(range(parts.get(i)[0], parts.get(i)[1]));
    }
    set(first);
  }

  private void set(Enc o) {
    ids = o.ids;
    typeIds = o.typeIds;
    tokens = o.tokens;
    starts = o.starts;
    ends = o.ends;
    special = o.special;
    attention = o.attention;
    overflowing = o.overflowing;
  }

  /** HF's {@code Encoding::merge_with} without growing offsets, overflow combinations included. */
  void mergeWith(Enc pair) {
    List<Enc> over = new ArrayList<>();
    for (Enc selfO : overflowing) {
      Enc n1 = selfO.copy();
      n1.mergeWith(pair.copy());
      over.add(n1);
      for (Enc otherO : pair.overflowing) {
        Enc n2 = selfO.copy();
        n2.mergeWith(otherO.copy());
        over.add(n2);
      }
    }
    for (Enc otherO : pair.overflowing) {
      Enc n3 = this.copy();
      n3.mergeWith(otherO.copy());
      over.add(n3);
    }
    ids = concat(ids, pair.ids);
    typeIds = concat(typeIds, pair.typeIds);
    String[] t = Arrays.copyOf(tokens, tokens.length + pair.tokens.length);
    System.arraycopy(pair.tokens, 0, t, tokens.length, pair.tokens.length);
    tokens = t;
    starts = concat(starts, pair.starts);
    ends = concat(ends, pair.ends);
    special = concat(special, pair.special);
    attention = concat(attention, pair.attention);
    overflowing = over;
  }

  static Enc merge(List<Enc> encs) {
    Enc out = empty();
    for (Enc e : encs) {
      out.mergeWith(e);
    }
    return out;
  }

  private static int[] concat(int[] a, int[] b) {
    int[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /** HF's {@code Encoding::pad}: overflow first, then this one, to {@code target} tokens. */
  void pad(int target, int padId, int padTypeId, String padToken, boolean left) {
    for (Enc o : overflowing) {
      o.pad(target, padId, padTypeId, padToken, left);
    }
    int n = ids.length;
    if (n >= target) {
      return;
    }
    int k = target - n;
    ids = padded(ids, k, padId, left);
    typeIds = padded(typeIds, k, padTypeId, left);
    starts = padded(starts, k, 0, left);
    ends = padded(ends, k, 0, left);
    special = padded(special, k, 1, left);
    attention = padded(attention, k, 0, left);
    String[] t = new String[target];
    Arrays.fill(t, padToken);
    System.arraycopy(tokens, 0, t, left ? k : 0, n);
    tokens = t;
  }

  private static int[] padded(int[] a, int k, int value, boolean left) {
    int[] r = new int[a.length + k];
    Arrays.fill(r, value);
    System.arraycopy(a, 0, r, left ? k : 0, a.length);
    return r;
  }

  Encoding toEncoding() {
    Encoding.Offsets[] offs = new Encoding.Offsets[ids.length];
    for (int i = 0; i < offs.length; i++) {
      offs[i] = new Encoding.Offsets(starts[i], ends[i]);
    }
    List<Encoding> over = new ArrayList<>(overflowing.size());
    for (Enc o : overflowing) {
      over.add(o.toEncoding());
    }
    return new Encoding(
        ids.clone(),
        Arrays.asList(tokens),
        typeIds.clone(),
        offs,
        attention.clone(),
        special.clone(),
        over);
  }
}
