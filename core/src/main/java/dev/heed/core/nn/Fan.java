package dev.heed.core.nn;

/**
 * The number of inputs and outputs a weight connects, for scale-aware initialisers (Xavier, He).
 * For a {@code [out, in]} dense weight: {@code fanIn = in}, {@code fanOut = out}.
 *
 * @param fanIn inputs per output unit
 * @param fanOut outputs per input unit
 */
public record Fan(int fanIn, int fanOut) {

  /** The fans of a dense {@code [out, in]} weight. */
  public static Fan dense(int in, int out) {
    return new Fan(in, out);
  }
}
