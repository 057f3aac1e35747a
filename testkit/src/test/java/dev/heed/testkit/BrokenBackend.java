package dev.heed.testkit;

import dev.heed.core.backend.support.HeapBackend;

/**
 * The reference kernels ({@link HeapBackend}) with one deliberate bug, to show that the contracts
 * notice. Each subclass breaks one kernel or capability by overriding it and calling {@code super}
 * for what it leaves intact. Named {@code cpu}, so that it passes as a registered backend.
 */
class BrokenBackend extends HeapBackend {

  @Override
  public String name() {
    return TestBackends.REFERENCE;
  }

  @Override
  public String deviceDescription() {
    return "the reference kernels with a bug";
  }
}
