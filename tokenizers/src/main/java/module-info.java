/**
 * Hugging Face {@code tokenizer.json} tokenizers in pure Java: the normalizers, pre-tokenizers,
 * models (WordPiece, BPE with byte fallback, Unigram), post-processors and decoders that BERT,
 * GPT-2, RoBERTa, Llama and T5/ALBERT-style files use, with the same ids and offsets as Hugging
 * Face's {@code tokenizers}. The module exports nothing: tokenizers are opened by name ({@code
 * huggingface}) through the tokenizer SPI of core ({@code dev.heed.core.text}).
 */
module dev.heed.tokenizers {
  requires dev.heed.core;
  requires com.fasterxml.jackson.databind;

  provides dev.heed.core.text.TokenizerProvider with
      dev.heed.tokenizers.HuggingFaceTokenizerProvider;
}
