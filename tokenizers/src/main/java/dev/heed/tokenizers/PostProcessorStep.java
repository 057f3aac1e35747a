package dev.heed.tokenizers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A post-processor of a {@code tokenizer.json}: adds special tokens around the encodings of one or
 * two sequences (and their overflow), sets type ids, or trims offsets. The encodings are merged
 * into one afterwards.
 */
interface PostProcessorStep {

  /** How many tokens this adds to one sequence, or to a pair. */
  int addedTokens(boolean pair);

  List<Enc> process(List<Enc> encodings, boolean addSpecialTokens);

  /** A piece of a template: a special token (ids, tokens) or sequence A/B, with its type id. */
  record Piece(boolean sequenceB, boolean isSpecial, int[] ids, String[] tokens, int typeId) {}

  static PostProcessorStep template(List<Piece> single, List<Piece> pair) {
    return new PostProcessorStep() {
      @Override
      public int addedTokens(boolean isPair) {
        int n = 0;
        for (Piece p : isPair ? pair : single) {
          if (p.isSpecial()) {
            n += p.ids().length;
          }
        }
        return n;
      }

      @Override
      public List<Enc> process(List<Enc> encs, boolean add) {
        List<Piece> template = encs.size() == 2 ? pair : single;
        List<Enc> out = new ArrayList<>();
        for (Piece p : template) {
          if (p.isSpecial()) {
            if (add) {
              out.add(Enc.specials(p.ids(), p.tokens(), p.typeId()));
            }
          } else {
            Enc e = encs.get(p.sequenceB() ? 1 : 0);
            Arrays.fill(e.typeIds, p.typeId());
            out.add(e.copy());
          }
        }
        return out;
      }
    };
  }

  /** BERT's: [CLS] A [SEP] and [CLS] A [SEP] B [SEP], B with type id 1. */
  static PostProcessorStep bert(String cls, int clsId, String sep, int sepId) {
    return new PostProcessorStep() {
      @Override
      public int addedTokens(boolean pair) {
        return pair ? 3 : 2;
      }

      @Override
      public List<Enc> process(List<Enc> encs, boolean add) {
        if (!add) {
          return encs;
        }
        List<Enc> out = new ArrayList<>();
        for (int i = 0; i < encs.size(); i++) {
          Enc e = encs.get(i);
          out.add(i == 0 ? wrapFirst(e) : wrapSecond(e));
        }
        return out;
      }

      private Enc wrapFirst(Enc e) {
        Enc r = surround(e, clsId, cls, sepId, sep, 0, 0, false);
        r.overflowing = new ArrayList<>();
        for (Enc o : e.overflowing) {
          r.overflowing.add(surround(o, clsId, cls, sepId, sep, 0, 0, false));
        }
        return r;
      }

      private Enc wrapSecond(Enc e) {
        Enc r = surround(e, -1, null, sepId, sep, 0, 1, false);
        r.overflowing = new ArrayList<>();
        for (Enc o : e.overflowing) {
          r.overflowing.add(surround(o, -1, null, sepId, sep, 0, 1, false));
        }
        return r;
      }
    };
  }

  /**
   * RoBERTa's: &lt;s&gt; A &lt;/s&gt; and &lt;s&gt; A &lt;/s&gt;&lt;/s&gt; B &lt;/s&gt;, all type
   * 0.
   */
  static PostProcessorStep roberta(
      String cls, int clsId, String sep, int sepId, boolean trimOffsets, boolean addPrefixSpace) {
    return new PostProcessorStep() {
      @Override
      public int addedTokens(boolean pair) {
        return pair ? 4 : 2;
      }

      @Override
      public List<Enc> process(List<Enc> encs, boolean add) {
        if (trimOffsets) {
          for (Enc e : encs) {
            ByteLevelTrim.trim(e, addPrefixSpace);
            for (Enc o : e.overflowing) {
              ByteLevelTrim.trim(o, addPrefixSpace);
            }
          }
        }
        for (Enc e : encs) {
          Arrays.fill(e.typeIds, 0);
        }
        if (!add) {
          return encs;
        }
        List<Enc> out = new ArrayList<>();
        for (int i = 0; i < encs.size(); i++) {
          Enc e = encs.get(i);
          int left = i == 0 ? clsId : sepId;
          String leftTok = i == 0 ? cls : sep;
          Enc r = surround(e, left, leftTok, sepId, sep, 0, 0, true);
          r.overflowing = new ArrayList<>();
          for (Enc o : e.overflowing) {
            r.overflowing.add(surround(o, left, leftTok, sepId, sep, 0, 0, true));
          }
          out.add(r);
        }
        return out;
      }
    };
  }

  /** ByteLevel's: trims the offsets of leading and trailing spaces; adds nothing. */
  static PostProcessorStep byteLevel(boolean trimOffsets, boolean addPrefixSpace) {
    return new PostProcessorStep() {
      @Override
      public int addedTokens(boolean pair) {
        return 0;
      }

      @Override
      public List<Enc> process(List<Enc> encs, boolean add) {
        if (trimOffsets) {
          for (Enc e : encs) {
            ByteLevelTrim.trim(e, addPrefixSpace);
            for (Enc o : e.overflowing) {
              ByteLevelTrim.trim(o, addPrefixSpace);
            }
          }
        }
        return encs;
      }
    };
  }

  static PostProcessorStep sequence(List<PostProcessorStep> steps) {
    return new PostProcessorStep() {
      @Override
      public int addedTokens(boolean pair) {
        int n = 0;
        for (PostProcessorStep s : steps) {
          n += s.addedTokens(pair);
        }
        return n;
      }

      @Override
      public List<Enc> process(List<Enc> encs, boolean add) {
        for (PostProcessorStep s : steps) {
          encs = s.process(encs, add);
        }
        return encs;
      }
    };
  }

  /**
   * {@code left? e right} with the given type ids around; the sequence's own type ids are kept
   * unless {@code zeroSequenceTypes}; the sequence's special flags become 0.
   */
  private static Enc surround(
      Enc e,
      int leftId,
      String leftTok,
      int rightId,
      String rightTok,
      int leftType,
      int rightType,
      boolean zeroSequenceTypes) {
    int n = e.length();
    int l = leftId >= 0 ? 1 : 0;
    int total = n + l + 1;
    int[] ids = new int[total];
    int[] type = new int[total];
    String[] tokens = new String[total];
    int[] starts = new int[total];
    int[] ends = new int[total];
    int[] special = new int[total];
    int[] attention = new int[total];
    Arrays.fill(attention, 1);
    if (l == 1) {
      ids[0] = leftId;
      tokens[0] = leftTok;
      type[0] = leftType;
      special[0] = 1;
    }
    System.arraycopy(e.ids, 0, ids, l, n);
    if (!zeroSequenceTypes) {
      System.arraycopy(e.typeIds, 0, type, l, n);
    }
    System.arraycopy(e.tokens, 0, tokens, l, n);
    System.arraycopy(e.starts, 0, starts, l, n);
    System.arraycopy(e.ends, 0, ends, l, n);
    ids[total - 1] = rightId;
    tokens[total - 1] = rightTok;
    type[total - 1] = rightType;
    special[total - 1] = 1;
    return new Enc(ids, type, tokens, starts, ends, special, attention, new ArrayList<>());
  }
}
