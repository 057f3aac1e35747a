package dev.heed.core.nn;

/**
 * An elementwise (or, for softmax-like functions, axis-wise) nonlinearity. Built from core
 * operations, so a third-party activation runs on every backend with a correct gradient. An
 * activation may own parameters (PReLU's slope). The output has the input's shape unless documented
 * otherwise (GLU halves an axis).
 */
public interface Activation extends Layer {}
