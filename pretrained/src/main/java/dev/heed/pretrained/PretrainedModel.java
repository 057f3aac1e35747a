package dev.heed.pretrained;

import dev.heed.core.nn.Module;
import java.util.Collection;
import java.util.Map;

/**
 * A model of one of the families Heed reads from Hugging Face directories. Its {@link
 * #namedParameters()} are the names of Hugging Face {@code transformers}' {@code state_dict} for
 * the same architecture, so {@link dev.heed.core.io.StateDicts#save} writes a checkpoint that
 * {@code from_pretrained} loads.
 */
public sealed interface PretrainedModel extends Module permits Bert, DecoderModel {

  /**
   * This model's parameter name for each checkpoint name that is kept: tied copies of a parameter
   * (an output layer that shares the embedding) and non-parameter buffers that some checkpoints
   * carry (causal masks, position ids, rotary frequencies) are left out, and the prefixes of the
   * bare base-model classes are added. Every other name is kept (under its own name when it means
   * nothing here), so that the loader lists it as unexpected.
   */
  Map<String, String> parameterNames(Collection<String> checkpointNames);
}
