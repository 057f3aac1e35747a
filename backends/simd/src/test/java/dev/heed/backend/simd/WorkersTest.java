package dev.heed.backend.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The worker pool: every task exactly once, failures, nesting, concurrent callers, helpers. */
class WorkersTest {
  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {1, 2, 3, 16})
  void everyTaskRunsExactlyOnceInEveryJob(int threads) {
    try (Workers w = new Workers(threads)) {
      for (int job = 0; job < 3000; job++) {
        int tasks = job % 37;
        AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
        w.parallelFor(tasks, runs::incrementAndGet);
        for (int t = 0; t < tasks; t++) {
          assertEquals(1, runs.get(t), "job " + job + " task " + t);
        }
      }
    }
  }

  @Test
  void helpersRunTasksAtTheSameTimeAsTheCaller() throws InterruptedException {
    // each of two tasks waits for the other to start: only two threads at once can finish them;
    // first with the helper just started, then after it has stopped spinning and parked
    try (Workers w = new Workers(2)) {
      for (int round = 0; round < 2; round++) {
        if (round == 1) {
          Thread.sleep(TimeUnit.NANOSECONDS.toMillis(Workers.SPIN_NANOS) + 100);
        }
        CountDownLatch both = new CountDownLatch(2);
        Set<String> names = ConcurrentHashMap.newKeySet();
        AtomicInteger met = new AtomicInteger();
        w.parallelFor(
            2,
            t -> {
              names.add(Thread.currentThread().getName());
              both.countDown();
              try {
                if (both.await(10, TimeUnit.SECONDS)) {
                  met.incrementAndGet();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
        assertEquals(2, met.get(), "round " + round + ": the tasks did not run at the same time");
        assertTrue(names.contains(Thread.currentThread().getName()), names::toString);
        assertTrue(names.stream().anyMatch(n -> n.startsWith("heed-simd-")), names::toString);
      }
    }
  }

  @Test
  void aFailingTaskReachesTheCallerAfterTheOtherTasksFinish() {
    try (Workers w = new Workers(2)) {
      AtomicIntegerArray runs = new AtomicIntegerArray(64);
      IllegalStateException boom = new IllegalStateException("task 13");
      IllegalStateException thrown =
          assertThrows(
              IllegalStateException.class,
              () ->
                  w.parallelFor(
                      64,
                      t -> {
                        runs.incrementAndGet(t);
                        if (t == 13) {
                          throw boom;
                        }
                      }));
      assertSame(boom, thrown);
      for (int t = 0; t < 64; t++) {
        assertEquals(1, runs.get(t), "task " + t);
      }
      // the pool still works
      AtomicInteger after = new AtomicInteger();
      w.parallelFor(10, t -> after.incrementAndGet());
      assertEquals(10, after.get());
      assertThrows(OutOfMemoryError.class, () -> w.parallelFor(4, t -> throwError(t)));
    }
  }

  private static void throwError(int task) {
    if (task == 3) {
      throw new OutOfMemoryError("task 3");
    }
  }

  @Test
  void aSplitInsideATaskRunsOnItsThread() {
    try (Workers w = new Workers(2)) {
      AtomicIntegerArray runs = new AtomicIntegerArray(8 * 8);
      w.parallelFor(
          8,
          outer ->
              w.parallelFor(
                  8,
                  inner -> {
                    runs.incrementAndGet(outer * 8 + inner);
                  }));
      for (int t = 0; t < 64; t++) {
        assertEquals(1, runs.get(t), "task " + t);
      }
    }
  }

  @Test
  void callersOnSeveralThreadsEachGetAllTheirTasks() throws InterruptedException {
    try (Workers w = new Workers(2)) {
      int callers = 4;
      AtomicInteger wrong = new AtomicInteger();
      Thread[] ts = new Thread[callers];
      for (int c = 0; c < callers; c++) {
        ts[c] =
            new Thread(() -> {
              for (int job = 0; job < 2000; job++) {
                int tasks = 1 + job % 9;
                AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
                w.parallelFor(tasks, runs::incrementAndGet);
                for (int t = 0; t < tasks; t++) {
                  if (runs.get(t) != 1) {
                    wrong.incrementAndGet();
                  }
                }
              }
            });
        ts[c].start();
      }
      for (Thread t : ts) {
        t.join(60_000);
        assertFalse(t.isAlive());
      }
      assertEquals(0, wrong.get());
    }
  }

  @Test
  void anInterruptedHelperStillParksAndTakesLaterJobs() throws InterruptedException {
    try (Workers w = new Workers(2)) {
      w.parallelFor(4, t -> {});
      for (Thread t : w.helperThreads()) {
        t.interrupt();
      }
      Thread.sleep(TimeUnit.NANOSECONDS.toMillis(Workers.SPIN_NANOS) + 100);
      for (Thread t : w.helperThreads()) {
        // parked (waiting), not spinning on a park that returns at once
        assertEquals(Thread.State.TIMED_WAITING, t.getState(), t::toString);
      }
      AtomicIntegerArray runs = new AtomicIntegerArray(16);
      w.parallelFor(16, runs::incrementAndGet);
      for (int i = 0; i < 16; i++) {
        assertEquals(1, runs.get(i), "task " + i);
      }
    }
  }

  @Test
  void closingEndsTheHelpersAndLaterJobsRunOnTheCaller() throws InterruptedException {
    Workers w = new Workers(3);
    w.parallelFor(6, t -> {});
    w.close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (helpersAlive(w) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertFalse(helpersAlive(w), "helper threads still running after close");
    Set<String> names = ConcurrentHashMap.newKeySet();
    w.parallelFor(6, t -> names.add(Thread.currentThread().getName()));
    assertEquals(Set.of(Thread.currentThread().getName()), names);
  }

  private static boolean helpersAlive(Workers w) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith("heed-simd-") && t.isAlive() && owns(w, t));
  }

  /** Whether {@code t} is one of {@code w}'s helpers (other tests' pools may still be running). */
  private static boolean owns(Workers w, Thread t) {
    return w.helperThreads().contains(t);
  }
}
