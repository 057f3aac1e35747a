package com.example.heed.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Capability;
import dev.heed.core.backend.FusedAttention;
import dev.heed.core.backend.FusedElementwise;
import dev.heed.core.backend.FusedLayerNorm;
import dev.heed.testkit.BackendContract;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;

/**
 * Heed's backend contract on the counting backend over the {@code simd} backend, with the contracts
 * of the simd backend's three capabilities, which the counting backend passes through.
 */
class CountingOverSimdTest extends BackendContract {
  @Override
  protected Backend backend() {
    return CountingBackends.over("simd");
  }

  /** The capability contracts skip a capability that is missing, so require all three here. */
  @BeforeAll
  static void theSimdCapabilitiesArePassedThrough() {
    Backend b = CountingBackends.over("simd");
    for (Class<? extends Capability> type :
        List.of(FusedElementwise.class, FusedLayerNorm.class, FusedAttention.class)) {
      assertTrue(b.capability(type).isPresent(), "simd's " + type.getSimpleName() + " was lost");
    }
  }
}
