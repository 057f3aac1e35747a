/**
 * {@code heed serve}: trained run directories answered over HTTP (Helidon SE on virtual threads),
 * with micro-batching, back-pressure, Prometheus metrics through Micrometer, hot reload of newly
 * committed checkpoints and a draining shutdown. Its web stack stays out of core, assembly and the
 * plugins; the {@code heed} command reaches it as the {@code heed-serve} {@link
 * java.util.spi.ToolProvider}.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.heed.serve {
  requires transitive dev.heed.assembly;
  requires io.helidon.webserver;
  requires io.helidon.webserver.sse;
  requires io.helidon.http.sse;
  requires io.helidon.http;
  requires io.helidon.common;
  requires io.helidon.common.media.type;
  requires micrometer.core;
  requires micrometer.registry.prometheus;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires info.picocli;

  exports dev.heed.serve;

  opens dev.heed.serve to
      info.picocli;

  provides java.util.spi.ToolProvider with
      dev.heed.serve.ServeTool;
}
