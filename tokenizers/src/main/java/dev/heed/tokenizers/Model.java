package dev.heed.tokenizers;

import java.util.List;

/** The model of a {@code tokenizer.json}: one pre-tokenized piece to tokens. */
interface Model {

  /** Tokens of one piece, with spans in code points of {@code cps}. */
  List<Token> tokenize(int[] cps);

  /** The id of a vocabulary string, or -1. */
  int tokenToId(String token);

  /** The vocabulary string of an id, or null. */
  String idToToken(int id);

  /** Number of ids in the model's vocabulary. */
  int vocabSize();
}
