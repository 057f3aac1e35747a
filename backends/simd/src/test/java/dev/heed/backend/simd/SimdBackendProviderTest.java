package dev.heed.backend.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedLayerNorm;
import dev.heed.core.plugin.OptionSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimdBackendProviderTest {

  @Test
  void isFoundAvailableAndPreferredOverTheReference() {
    BackendProvider p = Plugins.discover().backends().get("simd");
    assertInstanceOf(SimdBackendProvider.class, p);
    assertEquals(10, p.priority());
    assertTrue(p.priority() > Plugins.discover().backends().get("cpu").priority());
    assertTrue(p.availability().isAvailable(), p.availability().reason());
    assertFalse(p.description().isBlank());
  }

  @Test
  void declaresTheThreadsOption() {
    OptionSpec threads = new SimdBackendProvider().options().find("threads");
    assertEquals(0, ((Number) threads.defaultValue()).intValue());
    assertFalse(threads.description().isBlank());
  }

  @Test
  void threadsDefaultToTheAvailableProcessorsAndCanBeSet() {
    BackendProvider p = new SimdBackendProvider();
    try (Backend b = p.create(p.options().defaults("backend 'simd'"))) {
      assertTrue(
          b.deviceDescription().contains(Runtime.getRuntime().availableProcessors() + " thread(s)"),
          b.deviceDescription());
      assertTrue(b.supports(DType.FLOAT32));
      assertTrue(b.capability(FusedLayerNorm.class).isPresent());
    }
    try (Backend b = p.create(p.options().resolve("backend 'simd'", Map.of("threads", 3)))) {
      assertTrue(b.deviceDescription().contains("3 thread(s)"), b.deviceDescription());
    }
  }

  @Test
  void rejectsANegativeThreadCount() {
    BackendProvider p = new SimdBackendProvider();
    assertThrows(
        RuntimeException.class,
        () -> p.create(p.options().resolve("backend 'simd'", Map.of("threads", -1))));
  }
}
