package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Scopes and gradient recording belong to the thread that opened or switched them, also when two
 * threads take turns operation by operation (the per-thread state remembers the last thread that
 * asked, so every switch of threads is a miss that must find the right state).
 */
@SuppressWarnings("try")
class ThreadStateTest {
  private final Backend cpu = TestBackends.reference();

  private Tensor small() {
    return Tensors.zeros(cpu, Shape.of(2), DType.FLOAT32);
  }

  @Test
  void aScopeReleasesOnlyItsOwnThreadsTensors() throws Exception {
    AtomicReference<Tensor> other = new AtomicReference<>();
    Tensor mine;
    try (Scope s = Scope.open()) {
      mine = small();
      Thread t = new Thread(() -> other.set(small())); // no scope open on that thread
      t.start();
      t.join();
    }
    assertTrue(mine.isClosed(), "the scope's own tensor");
    assertFalse(other.get().isClosed(), "a tensor another thread made while the scope was open");
    other.get().close();
  }

  @Test
  void gradientRecordingIsPerThread() throws Exception {
    AtomicReference<Boolean> seen = new AtomicReference<>();
    try (GradMode off = GradMode.disable()) {
      Thread t = new Thread(() -> seen.set(GradMode.isEnabled()));
      t.start();
      t.join();
      assertFalse(GradMode.isEnabled());
    }
    assertTrue(seen.get(), "another thread still records");
    assertTrue(GradMode.isEnabled(), "restored on close");
  }

  @Test
  void threadsTakingTurnsKeepTheirOwnScopesAndModes() throws Exception {
    int rounds = 200;
    CyclicBarrier turn = new CyclicBarrier(2);
    List<Throwable> failures = new ArrayList<>();
    Runnable worker =
        () -> {
          try {
            for (int r = 0; r < rounds; r++) {
              List<Tensor> made = new ArrayList<>();
              try (Scope s = Scope.open();
                  GradMode mode = (r % 2 == 0) ? GradMode.disable() : GradMode.enable()) {
                for (int i = 0; i < 3; i++) {
                  turn.await(); // the other thread asks for its state in between
                  made.add(small());
                  assertEquals(r % 2 != 0, GradMode.isEnabled(), "mode of this thread");
                  assertEquals(made.size(), s.size(), "this thread's scope holds its tensors");
                }
              }
              for (Tensor t : made) {
                assertTrue(t.isClosed(), "released by this thread's scope");
              }
            }
          } catch (Throwable e) {
            synchronized (failures) {
              failures.add(e);
            }
            turn.reset();
          }
        };
    Thread a = new Thread(worker);
    Thread b = new Thread(worker);
    a.start();
    b.start();
    a.join();
    b.join();
    assertTrue(failures.isEmpty(), () -> "failures: " + failures);
  }
}
