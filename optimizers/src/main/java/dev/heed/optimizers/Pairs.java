package dev.heed.optimizers;

import dev.heed.core.plugin.OptionsException;

/**
 * Checks on the tuple options that PyTorch spells as Python tuples ({@code betas=(0.9, 0.999)}) and
 * configs as lists ({@code [0.9, 0.999]}); the schema has already parsed them into numbers, once.
 */
final class Pairs {
  private Pairs() {}

  /** The two betas, each checked to lie in [0, 1) as PyTorch checks them. */
  static double[] betas(String owner, double[] b) {
    for (int i = 0; i < 2; i++) {
      if (!(b[i] >= 0 && b[i] < 1)) {
        throw new OptionsException(
            "betas",
            owner
                + " option 'betas': beta "
                + (i + 1)
                + " is "
                + b[i]
                + ", expected a number >= 0 and < 1 (for example [0.9, 0.999])");
      }
    }
    return b;
  }
}
