package dev.heed.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.backend.DType;
import org.junit.jupiter.api.Test;

class CpuBackendProviderTest {

  @Test
  void isFoundThroughThePluginRegistry() {
    BackendProvider p = Plugins.discover().backends().get("cpu");
    assertInstanceOf(CpuBackendProvider.class, p);
    assertEquals("cpu", p.name());
    assertEquals(0, p.priority());
    assertTrue(p.availability().isAvailable());
    assertTrue(p.options().options().isEmpty());
    assertFalse(p.description().isBlank());
  }

  @Test
  void createsAWorkingBackend() {
    BackendProvider p = Plugins.discover().backends().get("cpu");
    try (Backend b = p.create(p.options().defaults("backend 'cpu'"))) {
      assertInstanceOf(CpuBackend.class, b);
      assertEquals("cpu", b.name());
      assertFalse(b.deviceDescription().isBlank());
      for (DType t : DType.values()) {
        assertTrue(b.supports(t), t.toString());
      }
    }
    CpuBackendProvider direct = new CpuBackendProvider();
    try (Backend b = direct.create(direct.options().defaults("backend 'cpu'"))) {
      assertInstanceOf(CpuBackend.class, b);
    }
  }
}
