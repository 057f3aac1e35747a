/**
 * Pretrained transformers from Hugging Face model directories: {@code config.json}, {@code
 * model.safetensors} or a sharded index, weights matched by the names of Hugging Face {@code
 * transformers}, and the BERT, GPT-2 and Llama families as modules of core tensor operations (so
 * their gradients come from the tape and they can be fine-tuned).
 */
module dev.heed.pretrained {
  requires transitive dev.heed.core;
  requires com.fasterxml.jackson.databind;

  exports dev.heed.pretrained;
  exports dev.heed.pretrained.blocks;
}
