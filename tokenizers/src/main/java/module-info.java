/**
 * Hugging Face {@code tokenizer.json} tokenizers in pure Java: the normalizers, pre-tokenizers,
 * models (WordPiece, BPE with byte fallback, Unigram), post-processors and decoders that BERT,
 * GPT-2, RoBERTa, Llama and T5/ALBERT-style files use, with the same ids and offsets as Hugging
 * Face's {@code tokenizers}. Found by name ({@code huggingface}) through the tokenizer SPI of core;
 * {@link dev.heed.tokenizers.HuggingFaceTokenizer} is the direct API.
 */
module dev.heed.tokenizers {
  requires transitive dev.heed.core;
  requires com.fasterxml.jackson.databind;

  exports dev.heed.tokenizers;

  provides dev.heed.core.text.TokenizerProvider with
      dev.heed.tokenizers.HuggingFaceTokenizerProvider;
}
