package dev.heed.tokenizers;

import java.util.function.IntPredicate;
import java.util.regex.Matcher;

/**
 * What a split or a replace looks for, with Hugging Face's {@code Pattern::find_matches} semantics:
 * the result covers the whole text as consecutive {@code (start, end, isMatch)} triples in code
 * points, flattened into one array; an empty text gives one empty non-match.
 */
interface Pattern {

  int[] findMatches(Normalized text);

  /** Each code point for which {@code p} holds is a match of its own. */
  static Pattern chars(IntPredicate p) {
    return text -> {
      int[] cps = text.cps;
      if (cps.length == 0) {
        return new int[] {0, 0, 0};
      }
      IntList out = new IntList(16);
      int last = 0;
      for (int i = 0; i < cps.length; i++) {
        if (p.test(cps[i])) {
          if (last < i) {
            out.add(last, i, 0);
          }
          out.add(i, i + 1, 1);
          last = i + 1;
        }
      }
      if (last < cps.length) {
        out.add(last, cps.length, 0);
      }
      return out.toArray();
    };
  }

  /** A literal string; an empty one matches nothing. */
  static Pattern literal(String s) {
    if (s.isEmpty()) {
      return text -> new int[] {0, text.length(), 0};
    }
    int[] lit = s.codePoints().toArray();
    if (lit.length == 1) {
      int c = lit[0];
      return chars(cp -> cp == c);
    }
    return regex(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(s)));
  }

  /** A regular expression, matched left to right without overlaps. */
  static Pattern regex(java.util.regex.Pattern re) {
    return text -> {
      int[] cps = text.cps;
      if (cps.length == 0) {
        return new int[] {0, 0, 0};
      }
      String s = new String(cps, 0, cps.length);
      Matcher m = re.matcher(s);
      IntList out = new IntList(16);
      int prevChar = 0;
      int prevCp = 0;
      while (m.find()) {
        int startCp = prevCp + s.codePointCount(prevChar, m.start());
        int endCp = startCp + s.codePointCount(m.start(), m.end());
        if (prevCp != startCp) {
          out.add(prevCp, startCp, 0);
        }
        out.add(startCp, endCp, 1);
        prevChar = m.end();
        prevCp = endCp;
      }
      if (prevCp != cps.length) {
        out.add(prevCp, cps.length, 0);
      }
      return out.toArray();
    };
  }

  /** Matches become non-matches and the other way round. */
  static Pattern invert(Pattern p) {
    return text -> {
      int[] m = p.findMatches(text);
      for (int i = 2; i < m.length; i += 3) {
        m[i] = m[i] == 0 ? 1 : 0;
      }
      return m;
    };
  }
}
