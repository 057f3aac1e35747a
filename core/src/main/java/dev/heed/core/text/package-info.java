/**
 * The tokenizer SPI: text to token ids and back ({@link dev.heed.core.text.Tokenizer}), the result
 * of one encoding ({@link dev.heed.core.text.Encoding}), truncation and padding ({@link
 * dev.heed.core.text.Truncation}, {@link dev.heed.core.text.Padding}) and the provider that opens a
 * tokenizer from a file ({@link dev.heed.core.text.TokenizerProvider}). Implementations (for
 * example the Hugging Face {@code tokenizer.json} reader in {@code dev.heed.tokenizers}) are found
 * with {@link java.util.ServiceLoader}.
 */
package dev.heed.core.text;
