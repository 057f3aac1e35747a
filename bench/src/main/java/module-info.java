/**
 * JMH benchmarks and the end-to-end benchmark driver ({@link dev.heed.bench.Benchmarks}) that
 * {@code heed bench} runs. Exports the driver's API; the JMH benchmarks are exported to JMH only.
 * JMH has no module descriptor, so it is required by its automatic (file-based) name.
 */
@SuppressWarnings("requires-automatic")
module dev.heed.bench {
  requires transitive dev.heed.core;
  requires dev.heed.pretrained;
  requires jmh.core;
  requires java.management;

  exports dev.heed.bench;
  exports dev.heed.bench.jmh to
      jmh.core;
}
