package dev.heed.serve;

import dev.heed.assembly.api.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the predict requests of one served model. With batching on, requests wait in a bounded
 * queue; each worker takes the oldest and adds the next ones until the batch holds {@code
 * maxBatchRows} rows or {@code maxWait} has passed since it took the first, runs one forward pass
 * and hands every request its rows of the answer; it does not wait when every request in flight is
 * already in it, and a request that arrives when no other is in flight runs at once on its own
 * thread. Workers are virtual threads, like the request handlers, so handing a request over costs
 * no OS thread switch. A request that would overflow the queue is refused at once (429); one that
 * waits longer than {@code requestTimeout} is answered 503 and dropped from its batch. With
 * batching off each request runs alone on its own thread, at most {@code queueCapacity} at a time.
 * A batch runs on the checkpoint that is current when it starts and keeps it until it ends (hot
 * reload never changes a model under a running batch).
 */
final class Batcher {
  /** A predict request in the queue. */
  private record Job(List<double[]> rows, CompletableFuture<Answer> answer) {}

  /**
   * The answer to one request.
   *
   * @param predictions one row per request row
   * @param epoch the epoch of the checkpoint that answered
   * @param batchRows the rows of the forward pass it was part of
   */
  record Answer(List<double[]> predictions, int epoch, int batchRows) {}

  private final ModelSlot slot;
  private final ServeOptions options;
  private final ServeMetrics metrics;
  private final ArrayBlockingQueue<Job> queue;
  private final Semaphore unbatched;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean stopping;
  private volatile CountDownLatch paused;
  private final AtomicInteger parked = new AtomicInteger();
  private final AtomicInteger streams = new AtomicInteger();

  Batcher(ModelSlot slot, ServeOptions options, ServeMetrics metrics) {
    this.slot = slot;
    this.options = options;
    this.metrics = metrics;
    this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
    this.unbatched = new Semaphore(options.queueCapacity());
    if (options.batching()) {
      for (int i = 0; i < options.workers(); i++) {
        workers.add(
            Thread.ofVirtual().name("heed-batch-" + slot.name() + "-" + i).start(this::work));
      }
    }
  }

  int queueDepth() {
    return queue.size();
  }

  int inFlight() {
    return inFlight.get();
  }

  /**
   * Predicts for {@code rows} (already checked for width), blocking until the answer is there.
   *
   * @throws ApiError 429 when the queue is full, 503 when stopping or timed out, 400 when the model
   *     refuses the rows
   */
  Answer predict(List<double[]> rows) {
    inFlight.incrementAndGet();
    try {
      if (stopping) {
        throw new ApiError(503, "the server is shutting down", null, "a retry on another server");
      }
      if (!options.batching() || (inFlight.get() == 1 && queue.isEmpty() && paused == null)) {
        return predictAlone(rows); // alone: nothing to batch with, so no hand-over to a worker
      }
      return predictBatched(rows);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private Answer predictBatched(List<double[]> rows) {
    Job job = new Job(rows, new CompletableFuture<>());
    if (!queue.offer(job)) {
      throw new ApiError(
          429,
          slot.name() + ": " + options.queueCapacity() + " requests are waiting; try again later",
          null,
          "fewer concurrent requests");
    }
    try {
      return job.answer().get(options.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      job.answer().cancel(false);
      throw new ApiError(
          503,
          slot.name() + ": no answer within " + options.requestTimeout().toMillis() + " ms",
          null,
          "a retry when the server is less busy");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ApiError a) {
        throw a;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      job.answer().cancel(false);
      throw new ApiError(503, "interrupted", null, "a retry");
    }
  }

  private Answer predictAlone(List<double[]> rows) {
    if (!unbatched.tryAcquire()) {
      throw new ApiError(
          429,
          slot.name() + ": " + options.queueCapacity() + " requests are running; try again later",
          null,
          "fewer concurrent requests");
    }
    Lease lease = slot.acquire();
    try {
      List<double[]> out = run(lease, rows);
      metrics.batch(slot.name(), rows.size());
      return new Answer(out, lease.predictor().checkpoint().epoch(), rows.size());
    } finally {
      lease.release();
      unbatched.release();
    }
  }

  private static List<double[]> run(Lease lease, List<double[]> rows) {
    try {
      return lease.predictor().predict(rows);
    } catch (ConfigException e) {
      throw new ApiError(400, e.getMessage(), "rows", "rows the model accepts");
    }
  }

  /** A worker: takes batches until the batcher stops and its queue is empty. */
  private void work() {
    Job carry = null;
    List<Job> batch = new ArrayList<>();
    while (true) {
      Thread.interrupted(); // an interrupt only wakes the worker to look at paused and stopping
      CountDownLatch gate = paused;
      if (gate != null) {
        parked.incrementAndGet();
        try {
          gate.await();
        } catch (InterruptedException e) {
          // look again
        } finally {
          parked.decrementAndGet();
        }
        continue;
      }
      Job first;
      try {
        first = carry != null ? carry : queue.poll(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        continue;
      }
      carry = null;
      if (first == null) {
        if (stopping && queue.isEmpty()) {
          return;
        }
        continue;
      }
      batch.clear();
      int rows = 0;
      if (!first.answer().isDone()) {
        batch.add(first);
        rows = first.rows().size();
      }
      long deadline = System.nanoTime() + options.maxWait().toNanos();
      while (rows < options.maxBatchRows()) {
        if (queue.isEmpty() && inFlight.get() <= batch.size()) {
          break; // every request in flight is in this batch: nobody to wait for
        }
        long left = deadline - System.nanoTime();
        Job next = left > 0 ? pollQuietly(left) : queue.poll();
        if (next == null) {
          break;
        }
        if (next.answer().isDone()) {
          continue;
        }
        if (rows > 0 && rows + next.rows().size() > options.maxBatchRows()) {
          carry = next;
          break;
        }
        batch.add(next);
        rows += next.rows().size();
      }
      if (!batch.isEmpty()) {
        runBatch(batch, rows);
      }
    }
  }

  private Job pollQuietly(long nanos) {
    try {
      return queue.poll(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      return null; // the batch runs with what it has; the loop then looks at paused and stopping
    }
  }

  private void runBatch(List<Job> batch, int rows) {
    Lease lease = slot.acquire();
    try {
      int epoch = lease.predictor().checkpoint().epoch();
      List<double[]> all = new ArrayList<>(rows);
      for (Job j : batch) {
        all.addAll(j.rows());
      }
      List<double[]> out;
      try {
        out = lease.predictor().predict(all);
      } catch (ConfigException e) {
        // some request holds rows the model refuses: answer each request on its own
        for (Job j : batch) {
          try {
            j.answer().complete(new Answer(run(lease, j.rows()), epoch, j.rows().size()));
          } catch (RuntimeException x) {
            j.answer().completeExceptionally(x);
          }
        }
        return;
      }
      metrics.batch(slot.name(), rows);
      int from = 0;
      for (Job j : batch) {
        int n = j.rows().size();
        j.answer().complete(new Answer(out.subList(from, from + n), epoch, rows));
        from += n;
      }
    } catch (RuntimeException e) {
      for (Job j : batch) {
        j.answer().completeExceptionally(e);
      }
    } finally {
      lease.release();
    }
  }

  /**
   * Holds the workers before their next batch until {@link #resume()}, returning once every worker
   * has stopped: requests queue up (and are refused when the queue is full) meanwhile. For
   * maintenance and tests.
   */
  void pause() throws InterruptedException {
    paused = new CountDownLatch(1);
    while (parked.get() < workers.size()) {
      workers.forEach(Thread::interrupt);
      Thread.sleep(1);
    }
  }

  /** Lets paused workers go on. */
  void resume() {
    CountDownLatch gate = paused;
    paused = null;
    if (gate != null) {
      gate.countDown();
    }
  }

  /**
   * Admits a request that runs outside the queue (a generation stream), counted until {@link
   * #leave()} so that a drain waits for it; at most {@code queueCapacity} run at once.
   *
   * @throws ApiError 503 when stopping, 429 when as many streams are running
   */
  void enter() {
    inFlight.incrementAndGet();
    if (stopping) {
      inFlight.decrementAndGet();
      throw new ApiError(503, "the server is shutting down", null, "a retry on another server");
    }
    if (streams.incrementAndGet() > options.queueCapacity()) {
      streams.decrementAndGet();
      inFlight.decrementAndGet();
      throw new ApiError(
          429,
          slot.name() + ": " + options.queueCapacity() + " streams are running; try again later",
          null,
          "fewer concurrent requests");
    }
  }

  /** Ends what {@link #enter()} admitted. */
  void leave() {
    streams.decrementAndGet();
    inFlight.decrementAndGet();
  }

  /**
   * Refuses new requests and waits until every accepted one is answered, or {@code timeout} passed;
   * then stops the workers.
   *
   * @return whether every accepted request was answered
   */
  boolean drain(java.time.Duration timeout) throws InterruptedException {
    stopping = true;
    resume();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    boolean drained = inFlight.get() == 0;
    for (Thread t : workers) {
      t.interrupt();
    }
    for (Thread t : workers) {
      t.join(1000);
    }
    return drained;
  }
}
