package dev.heed.tokenizers;

import java.util.List;

/** One pre-tokenizer of a {@code tokenizer.json}: cuts the pieces further, or rewrites them. */
@FunctionalInterface
interface PreTokenizerStep {

  void preTokenize(PreTokenized p);

  int FLAGS = java.util.regex.Pattern.UNICODE_CHARACTER_CLASS;

  /** GPT-2's split regex, which the ByteLevel pre-tokenizer uses. */
  java.util.regex.Pattern GPT2 =
      java.util.regex.Pattern.compile(
          "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
          FLAGS);

  /** Whitespace pre-tokenizer's regex. */
  java.util.regex.Pattern WORDS = java.util.regex.Pattern.compile("\\w+|[^\\w\\s]+", FLAGS);

  static PreTokenizerStep bert() {
    Pattern ws = Pattern.chars(Chars::isWhitespace);
    Pattern punct = Pattern.chars(Chars::isPunctuation);
    return p -> {
      p.split(n -> Behavior.REMOVED.split(n, ws));
      p.split(n -> Behavior.ISOLATED.split(n, punct));
    };
  }

  static PreTokenizerStep split(Pattern pattern, Behavior behavior, boolean invert) {
    Pattern pat = invert ? Pattern.invert(pattern) : pattern;
    return p -> p.split(n -> behavior.split(n, pat));
  }

  static PreTokenizerStep whitespace() {
    return split(Pattern.regex(WORDS), Behavior.REMOVED, true);
  }

  static PreTokenizerStep whitespaceSplit() {
    return split(Pattern.chars(Chars::isWhitespace), Behavior.REMOVED, false);
  }

  static PreTokenizerStep charDelimiter(int delimiter) {
    return split(Pattern.chars(c -> c == delimiter), Behavior.REMOVED, false);
  }

  static PreTokenizerStep digits(boolean individual) {
    return split(
        Pattern.chars(Chars::isNumeric),
        individual ? Behavior.ISOLATED : Behavior.CONTIGUOUS,
        false);
  }

  static PreTokenizerStep punctuation(Behavior behavior) {
    return split(Pattern.chars(Chars::isPunctuation), behavior, false);
  }

  /** Prepend schemes of Metaspace. */
  enum Prepend {
    ALWAYS,
    FIRST,
    NEVER
  }

  static PreTokenizerStep metaspace(int replacement, Prepend scheme, boolean split) {
    String rep = Character.toString(replacement);
    Pattern space = Pattern.chars(c -> c == ' ');
    Pattern marker = Pattern.chars(c -> c == replacement);
    return p ->
        p.split(n -> {
          n.replace(space, rep);
          boolean startsWith = n.length() > 0 && n.cps[0] == replacement;
          if (scheme == Prepend.ALWAYS && !startsWith) {
            n.prepend(rep);
          } else if (scheme == Prepend.FIRST && !startsWith && n.shift == 0) {
            n.prepend(rep);
          }
          return split ? Behavior.MERGED_WITH_NEXT.split(n, marker) : List.of(n);
        });
  }

  static PreTokenizerStep byteLevel(boolean addPrefixSpace, boolean useRegex) {
    Pattern gpt2 = Pattern.regex(GPT2);
    return p -> {
      p.split(n -> {
        if (addPrefixSpace && !(n.length() > 0 && n.cps[0] == ' ')) {
          n.prepend(" ");
        }
        return useRegex ? Behavior.ISOLATED.split(n, gpt2) : List.of(n);
      });
      p.normalize(ByteLevel::toByteChars);
    };
  }

  static PreTokenizerStep sequence(List<PreTokenizerStep> steps) {
    return p -> {
      for (PreTokenizerStep s : steps) {
        s.preTokenize(p);
      }
    };
  }
}
