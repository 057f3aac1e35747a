package dev.heed.core.nn;

import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.Provider;

/**
 * Service interface of a layer that configs can name ({@code dense}, {@code layer-norm}, {@code
 * transformer-encoder}, …). A layer maps {@code [..., inputFeatures]} to {@code [...,
 * outputFeatures]}.
 */
public interface LayerProvider extends Provider {

  /**
   * A layer with options validated against {@link #options()}.
   *
   * @param inputFeatures the extent of the input's last dimension
   * @param ctx where its parameters are created
   */
  Layer create(Options options, int inputFeatures, BuildContext ctx);

  /** The extent of the output's last dimension for this input size and these options. */
  int outputFeatures(Options options, int inputFeatures);
}
