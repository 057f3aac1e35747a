package dev.heed.serve;

import java.time.Duration;

/**
 * How the server listens, batches and protects itself. Immutable; {@link #defaults()} and the
 * {@code with…} methods make variants.
 *
 * @param host the address to bind ({@code 127.0.0.1} by default: loopback only)
 * @param port the port, 0 for a free one
 * @param batching whether concurrent requests for one model are batched; when false each request
 *     runs on its own thread, still within {@code queueCapacity}
 * @param maxBatchRows a batch is cut at this many rows
 * @param maxWait how long a batch waits for more requests after its first one arrived
 * @param workers threads per model that run batches
 * @param queueCapacity requests waiting or running per model; one more is answered 429
 * @param maxRequestBytes the largest request body; larger is answered 413
 * @param maxRowsPerRequest the most rows one predict request may hold
 * @param requestTimeout how long a request may wait for its answer before 503
 * @param reloadPeriod how often the run directories are checked for a new committed checkpoint;
 *     zero turns reloading off
 * @param drainTimeout how long a stop waits for accepted requests to finish
 * @param linger how long a stop keeps the listener open after the drain, answering 503, so that
 *     clients and load balancers see the refusal rather than a closed port
 * @param backend a backend name that replaces the runs' configs, or null
 */
public record ServeOptions(
    String host,
    int port,
    boolean batching,
    int maxBatchRows,
    Duration maxWait,
    int workers,
    int queueCapacity,
    int maxRequestBytes,
    int maxRowsPerRequest,
    Duration requestTimeout,
    Duration reloadPeriod,
    Duration drainTimeout,
    Duration linger,
    String backend) {

  /** Checks the ranges. */
  public ServeOptions {
    positive("max batch rows", maxBatchRows);
    positive("workers", workers);
    positive("queue capacity", queueCapacity);
    positive("max request bytes", maxRequestBytes);
    positive("max rows per request", maxRowsPerRequest);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + ": expected 0 … 65535 (0: a free port)");
    }
    if (maxWait.isNegative() || requestTimeout.isNegative() || reloadPeriod.isNegative()) {
      throw new IllegalArgumentException("durations must not be negative");
    }
  }

  private static void positive(String what, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(what + ": found " + value + ", expected at least 1");
    }
  }

  /** Loopback, port 8080, batching of up to 64 rows waiting at most 1 ms, 2 workers per model. */
  public static ServeOptions defaults() {
    return new ServeOptions(
        "127.0.0.1",
        8080,
        true,
        64,
        Duration.ofMillis(1),
        Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
        256,
        1 << 20,
        1024,
        Duration.ofSeconds(10),
        Duration.ofSeconds(1),
        Duration.ofSeconds(10),
        Duration.ZERO,
        null);
  }

  /** With another port. */
  public ServeOptions withPort(int p) {
    return new ServeOptions(
        host,
        p,
        batching,
        maxBatchRows,
        maxWait,
        workers,
        queueCapacity,
        maxRequestBytes,
        maxRowsPerRequest,
        requestTimeout,
        reloadPeriod,
        drainTimeout,
        linger,
        backend);
  }

  /** With batching on or off and another batch size and wait. */
  public ServeOptions withBatching(boolean on, int rows, Duration wait) {
    return new ServeOptions(
        host,
        port,
        on,
        rows,
        wait,
        workers,
        queueCapacity,
        maxRequestBytes,
        maxRowsPerRequest,
        requestTimeout,
        reloadPeriod,
        drainTimeout,
        linger,
        backend);
  }

  /** With other queue, worker and request limits. */
  public ServeOptions withLimits(
      int workerCount, int capacity, int requestBytes, int rowsPerRequest, Duration timeout) {
    return new ServeOptions(
        host,
        port,
        batching,
        maxBatchRows,
        maxWait,
        workerCount,
        capacity,
        requestBytes,
        rowsPerRequest,
        timeout,
        reloadPeriod,
        drainTimeout,
        linger,
        backend);
  }

  /** With another reload period (zero: off) and drain time-out. */
  public ServeOptions withReload(Duration period, Duration drain) {
    return new ServeOptions(
        host,
        port,
        batching,
        maxBatchRows,
        maxWait,
        workers,
        queueCapacity,
        maxRequestBytes,
        maxRowsPerRequest,
        requestTimeout,
        period,
        drain,
        linger,
        backend);
  }

  /** With another linger time after a drain. */
  public ServeOptions withLinger(Duration time) {
    return new ServeOptions(
        host,
        port,
        batching,
        maxBatchRows,
        maxWait,
        workers,
        queueCapacity,
        maxRequestBytes,
        maxRowsPerRequest,
        requestTimeout,
        reloadPeriod,
        drainTimeout,
        time,
        backend);
  }

  /** With a backend override (null: each run's own). */
  public ServeOptions withBackend(String name) {
    return new ServeOptions(
        host,
        port,
        batching,
        maxBatchRows,
        maxWait,
        workers,
        queueCapacity,
        maxRequestBytes,
        maxRowsPerRequest,
        requestTimeout,
        reloadPeriod,
        drainTimeout,
        linger,
        name);
  }
}
