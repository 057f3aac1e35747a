package dev.heed.integration;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.AttentionMasks;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A generated transduction task: dates written day/month/year without leading zeros ({@code
 * 3/7/1994}, 8 to 10 characters) to ISO 8601 ({@code 1994-07-03}). The model must reorder the
 * fields and pad one-digit days and months with a zero, so every output character comes from a
 * source position that depends on the source's own lengths. Dates run from 1900-01-01 to
 * 2099-12-31; every tenth day (epoch day divisible by 10) is held out for validation, so a model is
 * judged on dates it never saw.
 */
final class DateFormats {
  static final int SLASH = 10;
  static final int DASH = 11;
  static final int START = 12;
  static final int STOP = 13;
  static final int PAD = 14;
  static final int VOCABULARY = 15;
  static final int SOURCE_LENGTH = 10;
  static final int TARGET_LENGTH = 10;
  private static final long FIRST = LocalDate.of(1900, 1, 1).toEpochDay();
  private static final long LAST = LocalDate.of(2099, 12, 31).toEpochDay();

  private DateFormats() {}

  /** One example: the source's tokens and the target's (without start and stop). */
  record Example(int[] source, int[] target) {}

  /** {@code n} examples drawn from the training or the held-out dates. */
  static List<Example> draw(int n, boolean heldOut, SplittableRandom random) {
    List<Example> out = new ArrayList<>();
    while (out.size() < n) {
      long day = random.nextLong(FIRST, LAST + 1);
      if ((Math.floorMod(day, 10) == 0) == heldOut) {
        LocalDate d = LocalDate.ofEpochDay(day);
        String source = d.getDayOfMonth() + "/" + d.getMonthValue() + "/" + d.getYear();
        out.add(new Example(tokens(source), tokens(d.toString())));
      }
    }
    return out;
  }

  static int[] tokens(String s) {
    int[] t = new int[s.length()];
    for (int i = 0; i < t.length; i++) {
      char c = s.charAt(i);
      t[i] = c == '/' ? SLASH : c == '-' ? DASH : c - '0';
    }
    return t;
  }

  /** A batch as tensors: the padded sources, their mask, the decoder's input and the labels. */
  record Batch(Tensor source, Tensor sourceMask, Tensor decoderInput, Tensor labels) {}

  static Batch batch(List<Example> examples, Backend backend, DType dtype) {
    int n = examples.size();
    int[] source = new int[n * SOURCE_LENGTH];
    Arrays.fill(source, PAD);
    int[] lengths = new int[n];
    int[] input = new int[n * (TARGET_LENGTH + 1)];
    int[] labels = new int[n * (TARGET_LENGTH + 1)];
    for (int b = 0; b < n; b++) {
      Example e = examples.get(b);
      System.arraycopy(e.source(), 0, source, b * SOURCE_LENGTH, e.source().length);
      lengths[b] = e.source().length;
      int at = b * (TARGET_LENGTH + 1);
      input[at] = START;
      System.arraycopy(e.target(), 0, input, at + 1, TARGET_LENGTH);
      System.arraycopy(e.target(), 0, labels, at, TARGET_LENGTH);
      labels[at + TARGET_LENGTH] = STOP;
    }
    return new Batch(
        Tensors.indices(backend, source, n, SOURCE_LENGTH),
        AttentionMasks.fromLengths(backend, dtype, lengths, SOURCE_LENGTH),
        Tensors.indices(backend, input, n, TARGET_LENGTH + 1),
        Tensors.indices(backend, labels, n * (TARGET_LENGTH + 1)));
  }
}
