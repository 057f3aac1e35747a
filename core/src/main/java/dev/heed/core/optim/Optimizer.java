package dev.heed.core.optim;

import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters in place from their gradients. The update runs as backend kernels on the
 * parameters' device, outside the tape. Parameters without a gradient are left untouched. Not
 * thread-safe.
 */
public interface Optimizer {

  /** Applies one update to every parameter that has a gradient. */
  void step();

  /** The parameter groups, in order. */
  List<ParameterGroup> groups();

  /** Drops the gradients of every parameter. */
  default void zeroGrad() {
    for (ParameterGroup g : groups()) {
      for (Parameter p : g.parameters().values()) {
        p.zeroGrad();
      }
    }
  }

  /** The learning rate of group {@code group}. */
  double learningRate(int group);

  /** Sets the learning rate of group {@code group} (schedules call this). */
  void setLearningRate(int group, double learningRate);

  /**
   * The optimizer's state (moment buffers, step counts) as named tensors, for checkpoints. Names
   * are {@code <parameter name>.<slot>} or {@code <slot>} for global values.
   */
  Map<String, Tensor> state();

  /**
   * Restores a state saved by {@link #state()}, so that a resumed run continues identically.
   *
   * @throws IllegalArgumentException when a tensor is missing or has the wrong shape
   */
  void loadState(Map<String, Tensor> state);
}
