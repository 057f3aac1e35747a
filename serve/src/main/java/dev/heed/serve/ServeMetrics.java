package dev.heed.serve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The server's meters, in Prometheus' text format at {@code /metrics}: {@code heed_requests_total}
 * (by model, endpoint and status), {@code heed_request_seconds} (a latency histogram by model and
 * endpoint), {@code heed_batch_rows} (rows per batch run), {@code heed_queue_depth}, {@code
 * heed_in_flight}, {@code heed_model_epoch} (the served checkpoint's epoch: the model version) and
 * {@code heed_model_reloads}.
 */
final class ServeMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, DistributionSummary> batches = new ConcurrentHashMap<>();

  /** Counts a finished request and records its latency. */
  void request(String model, String endpoint, int status, long nanos) {
    counters
        .computeIfAbsent(
            model + '\n' + endpoint + '\n' + status,
            k ->
                Counter.builder("heed.requests")
                    .description("HTTP requests answered")
                    .tag("model", model)
                    .tag("endpoint", endpoint)
                    .tag("status", Integer.toString(status))
                    .register(registry))
        .increment();
    timers
        .computeIfAbsent(
            model + '\n' + endpoint,
            k ->
                Timer.builder("heed.request")
                    .description("time from a request's arrival to its answer")
                    .tag("model", model)
                    .tag("endpoint", endpoint)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(10_000))
                    .maximumExpectedValue(Duration.ofSeconds(30))
                    .register(registry))
        .record(Duration.ofNanos(nanos));
  }

  /** Records the rows of one batch run. */
  void batch(String model, int rows) {
    batches
        .computeIfAbsent(
            model,
            k ->
                DistributionSummary.builder("heed.batch.rows")
                    .description("rows per forward pass")
                    .tag("model", model)
                    .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
                    .register(registry))
        .record(rows);
  }

  /** Registers the gauges of one served model. */
  void model(
      String model,
      Supplier<Number> queueDepth,
      Supplier<Number> inFlight,
      Supplier<Number> epoch,
      Supplier<Number> reloads) {
    Gauge.builder("heed.queue.depth", queueDepth)
        .description("requests waiting for a batch")
        .tag("model", model)
        .register(registry);
    Gauge.builder("heed.in.flight", inFlight)
        .description("requests accepted and not yet answered")
        .tag("model", model)
        .register(registry);
    Gauge.builder("heed.model.epoch", epoch)
        .description("the epoch of the checkpoint being served")
        .tag("model", model)
        .register(registry);
    Gauge.builder("heed.model.reloads", reloads)
        .description("newer checkpoints swapped in since the start")
        .tag("model", model)
        .register(registry);
  }

  /** The Prometheus text exposition. */
  String scrape() {
    return registry.scrape();
  }

  void close() {
    registry.close();
  }
}
