package dev.heed.assembly.data;

/**
 * One mini-batch on the host, row-major.
 *
 * @param x inputs {@code [rows, inputs]}
 * @param y targets {@code [rows, outputs]}
 * @param rows the number of examples
 */
public record Batch(float[] x, float[] y, int rows) {}
