package dev.heed.assembly.api;

import java.util.List;

/**
 * Attention weights of a few validation examples, for a heatmap.
 *
 * @param weights {@code weights[example][position]}
 * @param positionLabels names of the positions (feature names for feature attention)
 * @param exampleLabels names of the examples
 * @param title a title for the picture
 */
public record AttentionSample(
    double[][] weights, List<String> positionLabels, List<String> exampleLabels, String title) {

  /** Copies the labels. */
  public AttentionSample {
    positionLabels = List.copyOf(positionLabels);
    exampleLabels = List.copyOf(exampleLabels);
  }
}
