package dev.heed.optimizers;

import dev.heed.core.plugin.OptionsException;

/**
 * Parses the tuple options that PyTorch spells as Python tuples ({@code betas=(0.9, 0.999)}), which
 * configs give as comma-separated text ({@code "0.9,0.999"}).
 */
final class Pairs {
  private Pairs() {}

  /**
   * The two numbers of option {@code name}.
   *
   * @param owner what the option belongs to, for messages
   * @throws OptionsException when the text is not two comma-separated numbers
   */
  static double[] parse(String owner, String name, String text) {
    String[] parts = text.split(",", -1);
    double[] out = new double[parts.length];
    boolean ok = parts.length == 2;
    for (int i = 0; ok && i < parts.length; i++) {
      try {
        out[i] = Double.parseDouble(parts[i].trim());
        ok = !Double.isNaN(out[i]);
      } catch (NumberFormatException e) {
        ok = false;
      }
    }
    if (!ok) {
      throw new OptionsException(
          name,
          owner
              + " option '"
              + name
              + "': found '"
              + text
              + "', expected two comma-separated numbers, for example '0.9,0.999'");
    }
    return out;
  }

  /** The two betas, each checked to lie in [0, 1) as PyTorch checks them. */
  static double[] betas(String owner, String text) {
    double[] b = parse(owner, "betas", text);
    for (int i = 0; i < 2; i++) {
      if (!(b[i] >= 0 && b[i] < 1)) {
        throw new OptionsException(
            "betas",
            owner
                + " option 'betas': beta "
                + (i + 1)
                + " is "
                + b[i]
                + ", expected a number >= 0 and < 1 (for example '0.9,0.999')");
      }
    }
    return b;
  }
}
