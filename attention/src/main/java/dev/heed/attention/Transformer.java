package dev.heed.attention;

import dev.heed.core.nn.AttentionWeightsSource;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.MemoryLayer;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An encoder–decoder transformer as {@code nn.Transformer(d_model, nhead, num_encoder_layers,
 * num_decoder_layers, dim_feedforward, dropout, activation, layer_norm_eps, batch_first=True,
 * norm_first, bias)}: an encoder stack with a final norm over the source, and a decoder stack with
 * a final norm over the target that reads the encoded source. Parameters {@code
 * encoder.layers.<i>.*}, {@code encoder.norm.*}, {@code decoder.layers.<i>.*}, {@code
 * decoder.norm.*}.
 *
 * <p>As a {@link MemoryLayer} its memory is the source {@code [B, S, d_model]} (already embedded):
 * {@code forward(tgt, src, tgtMask, srcMask)} is PyTorch's {@code forward(src, tgt,
 * tgt_mask=causal, src_key_padding_mask, tgt_key_padding_mask,
 * memory_key_padding_mask=src_key_padding_mask)}. For generation, {@link #encode} runs the encoder
 * once and {@link #decode} the decoder per step.
 */
final class Transformer implements MemoryLayer, AttentionWeightsSource {
  private final TransformerEncoder encoder;
  private final TransformerDecoder decoder;
  private final int features;

  Transformer(
      EncoderOptions encoderOptions,
      EncoderOptions decoderOptions,
      int features,
      int encoderLayers,
      int decoderLayers,
      BuildContext ctx) {
    this.encoder = new TransformerEncoder(encoderOptions, features, encoderLayers, true, ctx);
    this.decoder =
        new TransformerDecoder(decoderOptions, features, features, decoderLayers, true, ctx);
    this.features = features;
  }

  @Override
  public int memoryFeatures() {
    return features;
  }

  @Override
  public Tensor forward(
      Tensor target, Tensor source, Tensor targetMask, Tensor sourceMask, ForwardContext ctx) {
    return decode(target, encode(source, sourceMask, ctx), targetMask, sourceMask, ctx);
  }

  /** The encoded source {@code [B, S, d_model]} (the decoder's memory). */
  Tensor encode(Tensor source, Tensor sourceMask, ForwardContext ctx) {
    if (source == null || source.rank() != 3 || source.dim(2) != features) {
      throw new IllegalArgumentException(
          "transformer: expected the source [batch, time, "
              + features
              + "], got "
              + (source == null ? "none" : source.shape().toString()));
    }
    return encoder.forward(source, sourceMask, ctx);
  }

  /** The decoder over an encoded source. */
  Tensor decode(
      Tensor target, Tensor memory, Tensor targetMask, Tensor memoryMask, ForwardContext ctx) {
    return decoder.forward(target, memory, targetMask, memoryMask, ctx);
  }

  /** The cross-attention weights of the decoder's last layer. */
  @Override
  public Tensor lastAttentionWeights() {
    return decoder.lastAttentionWeights();
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    encoder.namedParameters().forEach((k, p) -> m.put("encoder." + k, p));
    decoder.namedParameters().forEach((k, p) -> m.put("decoder." + k, p));
    return m;
  }
}
