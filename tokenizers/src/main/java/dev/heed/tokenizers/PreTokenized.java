package dev.heed.tokenizers;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The input cut into pieces (Hugging Face's {@code PreTokenizedString}): each piece is normalized
 * text and, once known, its tokens (added tokens are known at once; the rest once the model ran).
 */
final class PreTokenized {

  /** One piece; {@code tokens} null until the model (or the added vocabulary) fills it. */
  static final class Piece {
    final Normalized text;
    List<Token> tokens;

    Piece(Normalized text, List<Token> tokens) {
      this.text = text;
      this.tokens = tokens;
    }
  }

  final List<Piece> pieces;

  PreTokenized(List<Piece> pieces) {
    this.pieces = pieces;
  }

  /** Replaces each piece without tokens by the pieces {@code f} makes of it; empty ones go. */
  void split(Function<Normalized, List<Normalized>> f) {
    List<Piece> out = new ArrayList<>(pieces.size() * 2);
    for (Piece p : pieces) {
      if (p.tokens != null) {
        out.add(p);
        continue;
      }
      for (Normalized n : f.apply(p.text)) {
        if (!n.isEmpty()) {
          out.add(new Piece(n, null));
        }
      }
    }
    pieces.clear();
    pieces.addAll(out);
  }

  /** Changes each piece without tokens in place. */
  void normalize(Consumer<Normalized> f) {
    for (Piece p : pieces) {
      if (p.tokens == null) {
        f.accept(p.text);
      }
    }
  }
}
