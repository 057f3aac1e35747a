package dev.heed.core.nn;

import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.Provider;

/**
 * Service interface of a layer that configs can name ({@code dense}, {@code layer-norm}, {@code
 * transformer-encoder}, …). A layer maps {@code [..., inputFeatures]} to {@code [...,
 * outputFeatures]}.
 *
 * <p>The options arrive resolved, once, by the registry: a plugin option ({@link
 * dev.heed.core.plugin.OptionType#PLUGIN}, for example an activation or an attention unit) is a
 * {@link dev.heed.core.plugin.Configured} with its own resolved options ({@link
 * Options#getPlugin}); a factory checks them with {@code options().check(...)} and never resolves
 * them again. A layer returned as a {@link Sequential} is laid out as its layers, one model index
 * each (as {@code dense} with an activation is: Linear, then the activation). A layer that is a
 * {@link MaskedLayer} receives the padding mask of token sequences.
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
