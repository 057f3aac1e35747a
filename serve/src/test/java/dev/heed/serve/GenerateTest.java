package dev.heed.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heed.assembly.Predictor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generated text streamed as Server-Sent Events from a small character language model. */
class GenerateTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void streamsOneEventPerCharacterThenTheWholeText() throws Exception {
    Path run = Runs.languageModel(tmp);
    String expected;
    try (Predictor p = Predictor.open(run, null)) {
      String text = "ab";
      for (int i = 0; i < 12; i++) {
        text = p.sample(text, 1, 0.8, 5 + i);
      }
      expected = text;
    }
    try (HeedServer s =
        HeedServer.start(
            Map.of("lm", run),
            ServeOptions.defaults().withPort(0).withReload(Duration.ZERO, Duration.ofSeconds(5)))) {
      JsonNode m = JSON.readTree(Http.get(s.port(), "/v1/models/lm").body());
      assertTrue(m.get("generates_text").asBoolean());
      Http.Reply r =
          Http.post(
              s.port(),
              "/v1/models/lm/generate",
              "{\"prompt\": \"ab\", \"count\": 12, \"temperature\": 0.8, \"seed\": 5}");
      assertEquals(200, r.status(), r.body());
      assertTrue(r.contentType().startsWith("text/event-stream"), r.contentType());
      List<String> events = new ArrayList<>();
      StringBuilder streamed = new StringBuilder("ab");
      JsonNode done = null;
      String event = null;
      for (String line : r.body().split("\n")) {
        if (line.startsWith("event:")) {
          event = line.substring(6).trim();
          events.add(event);
        } else if (line.startsWith("data:")) {
          JsonNode data = JSON.readTree(line.substring(5).trim());
          if ("token".equals(event)) {
            streamed.append(data.get("text").asText());
          } else {
            done = data;
          }
        }
      }
      assertEquals(13, events.size(), r.body());
      assertEquals("done", events.get(12));
      assertEquals(expected, streamed.toString());
      assertEquals(expected, done.get("text").asText());
      assertEquals(1, done.get("epoch").asInt());

      Http.Reply bad =
          Http.post(s.port(), "/v1/models/lm/generate", "{\"prompt\": \"a\u00e9\", \"count\": 2}");
      assertEquals(400, bad.status(), bad.body());
      assertEquals("prompt", JSON.readTree(bad.body()).get("error").get("field").asText());
      bad = Http.post(s.port(), "/v1/models/lm/generate", "{\"prompt\": \"a\", \"count\": 1.5}");
      assertEquals("count", JSON.readTree(bad.body()).get("error").get("field").asText());
      bad =
          Http.post(
              s.port(),
              "/v1/models/lm/generate",
              "{\"prompt\": \"a\", \"count\": 2, \"temperature\": 0}");
      assertEquals("temperature", JSON.readTree(bad.body()).get("error").get("field").asText());
    }
  }
}
