package dev.heed.assembly.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.api.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --set} refuses what it cannot mean (issue 16.13). */
class OverridesRulesTest {
  private static final Node ROOT =
      YamlReader.parse(
          "training: {epochs: 3}\nmodel: {layers: [{type: dense, units: 2}]}\n",
          null,
          "config",
          false);

  private static String refusal(String override) {
    return assertThrows(ConfigException.class, () -> Overrides.apply(ROOT, List.of(override)))
        .getMessage();
  }

  @Test
  void anEmptyValueIsRefusedNotAnUnset() {
    String m = refusal("training.epochs=");
    assertTrue(m.contains("--set training.epochs="), m);
    assertTrue(m.contains("found no value after '='"), m);
    m = refusal("training.epochs=   ");
    assertTrue(m.contains("found no value after '='"), m);
  }

  @Test
  void anExplicitNullStillUnsets() {
    Node n = Overrides.apply(ROOT, List.of("training.epochs=null"));
    Node.MapNode training = (Node.MapNode) ((Node.MapNode) n).entries().get("training");
    assertEquals(null, ((Node.Scalar) training.entries().get("epochs")).value());
  }

  @Test
  void anIndexBeyondAnIntIsAConfigError() {
    String m = refusal("model.layers[99999999999].units=3");
    assertTrue(m.contains("[99999999999]"), m);
    assertTrue(m.contains("expected"), m);
    m = refusal("model.layers[99999999999999999999999].units=3");
    assertTrue(m.contains("[99999999999999999999999]"), m);
  }
}
