package dev.heed.testkit;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;

/**
 * The reference backend against the contract: a fresh instance per test, compared with the
 * normative definitions and, for composites, with the shared reference instance.
 */
class CpuBackendContractTest extends BackendContract {

  @Override
  protected Backend backend() {
    BackendProvider cpu = Plugins.shared().backends().get("cpu");
    return cpu.create(cpu.options().defaults("backend 'cpu'"));
  }
}
