/**
 * Heed's built-in attention units and the blocks around them. Each is composed of core tensor
 * operations, so it runs on every backend and its gradient comes from the tape. The module exports
 * nothing: units and layers are found by name through {@link dev.heed.core.Plugins}.
 */
module dev.heed.attention {
  requires dev.heed.core;

  provides dev.heed.core.nn.AttentionUnitProvider with
      dev.heed.attention.FeatureAttentionProvider,
      dev.heed.attention.AdditiveAttentionProvider,
      dev.heed.attention.DotAttentionProvider,
      dev.heed.attention.ScaledDotAttentionProvider,
      dev.heed.attention.MultiHeadAttentionProvider;
  provides dev.heed.core.nn.LayerProvider with
      dev.heed.attention.EmbeddingProvider,
      dev.heed.attention.SinusoidalPositionalEncodingProvider,
      dev.heed.attention.LearnedPositionalEncodingProvider,
      dev.heed.attention.LayerNormProvider,
      dev.heed.attention.DropoutProvider,
      dev.heed.attention.ResidualProvider,
      dev.heed.attention.SelfAttentionProvider,
      dev.heed.attention.AttentionLayerProvider,
      dev.heed.attention.FeedForwardProvider,
      dev.heed.attention.TransformerEncoderLayerProvider,
      dev.heed.attention.TransformerEncoderProvider,
      dev.heed.attention.TransformerDecoderLayerProvider,
      dev.heed.attention.TransformerDecoderProvider,
      dev.heed.attention.TransformerProvider,
      dev.heed.attention.SequenceClassificationHeadProvider,
      dev.heed.attention.LanguageModelHeadProvider,
      dev.heed.attention.RmsNormProvider,
      dev.heed.attention.SwiGluProvider,
      dev.heed.attention.GroupedQueryAttentionProvider;
}
