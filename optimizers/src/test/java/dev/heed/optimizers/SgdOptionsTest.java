package dev.heed.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SGD options schema, its validation messages, and the optimizer's argument checks. */
class SgdOptionsTest {
  private static Backend backend;
  private final OptimizerProvider provider = new SgdOptimizerProvider();

  @BeforeAll
  static void openBackend() {
    backend = TestBackends.reference();
  }

  private static Parameter param(double... values) {
    return new Parameter(Tensors.of(backend, DType.FLOAT32, values, values.length));
  }

  private Options resolve(Map<String, Object> raw) {
    return provider.options().resolve("optimizer 'sgd'", raw);
  }

  private Optimizer create(Map<String, Object> raw, ParameterGroup... groups) {
    return provider.create(resolve(raw), List.of(groups));
  }

  @Test
  void isRegisteredUnderItsName() {
    assertEquals("sgd", Plugins.shared().optimizers().get("sgd").name());
    assertEquals("sgd", Plugins.shared().optimizers().get("SGD").name());
  }

  @Test
  void defaultsFollowPyTorch() {
    Options d = provider.options().defaults("optimizer 'sgd'");
    assertEquals(0.01, d.getDouble("lr"));
    assertEquals(0.0, d.getDouble("momentum"));
    assertEquals(0.0, d.getDouble("dampening"));
    assertEquals(0.0, d.getDouble("weight_decay"));
    assertFalse(d.getBoolean("nesterov"));
    assertFalse(d.getBoolean("maximize"));
    assertEquals(
        List.of("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize"),
        List.copyOf(d.asMap().keySet()));
  }

  @Test
  void nesterovWithoutMomentumIsRejected() {
    OptionsException e =
        assertThrows(OptionsException.class, () -> create(Map.of("nesterov", true)));
    assertEquals("nesterov", e.option());
    assertTrue(e.getMessage().contains("optimizer 'sgd'"), e.getMessage());
    assertTrue(e.getMessage().contains("momentum > 0 and dampening = 0"), e.getMessage());
  }

  @Test
  void nesterovWithDampeningIsRejected() {
    OptionsException e =
        assertThrows(
            OptionsException.class,
            () -> create(Map.of("nesterov", true, "momentum", 0.9, "dampening", 0.1)));
    assertTrue(e.getMessage().contains("dampening 0.1"), e.getMessage());
  }

  @Test
  void nesterovInAGroupIsCheckedWithTheGroupNamed() {
    OptionsException e =
        assertThrows(
            OptionsException.class,
            () ->
                create(
                    Map.of("momentum", 0.9),
                    ParameterGroup.of(Map.of("a", param(1))),
                    new ParameterGroup(
                        Map.of("b", param(1)), Map.of("nesterov", true, "momentum", 0))));
    assertTrue(e.getMessage().contains("parameter group 1"), e.getMessage());
  }

  @Test
  void negativeValuesAreRejected() {
    for (String option : List.of("lr", "momentum", "weight_decay")) {
      OptionsException e =
          assertThrows(OptionsException.class, () -> resolve(Map.of(option, -0.1)));
      assertEquals(option, e.option());
      assertTrue(e.getMessage().contains(">= 0"), e.getMessage());
    }
  }

  @Test
  void unknownGroupOverrideIsNamedWithItsGroup() {
    OptionsException e =
        assertThrows(
            OptionsException.class,
            () ->
                create(
                    Map.of(), new ParameterGroup(Map.of("a", param(1)), Map.of("momentun", 0.1))));
    assertTrue(e.getMessage().contains("parameter group 0"), e.getMessage());
    assertTrue(e.getMessage().contains("momentun"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean"), e.getMessage());
  }

  @Test
  void illTypedGroupOverrideIsRejected() {
    OptionsException e =
        assertThrows(
            OptionsException.class,
            () -> create(Map.of(), new ParameterGroup(Map.of("a", param(1)), Map.of("lr", "x"))));
    assertEquals("lr", e.option());
  }

  @Test
  void parameterNamesMustBeUniqueAcrossGroups() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                create(
                    Map.of(),
                    ParameterGroup.of(Map.of("w", param(1))),
                    ParameterGroup.of(Map.of("w", param(2)))));
    assertTrue(e.getMessage().contains("'w'"), e.getMessage());
  }

  @Test
  void aParameterMayBelongToOneGroupOnly() {
    Parameter p = param(1);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                create(
                    Map.of(),
                    ParameterGroup.of(Map.of("a", p)),
                    ParameterGroup.of(Map.of("b", p))));
    assertTrue(e.getMessage().contains("'a' and 'b'"), e.getMessage());
  }

  @Test
  void groupIndicesAndLearningRatesAreChecked() {
    Optimizer opt = create(Map.of(), ParameterGroup.of(Map.of("a", param(1))));
    IndexOutOfBoundsException e =
        assertThrows(IndexOutOfBoundsException.class, () -> opt.learningRate(3));
    assertTrue(e.getMessage().contains("no group 3"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> opt.setLearningRate(0, -1));
    assertThrows(IllegalArgumentException.class, () -> opt.setLearningRate(0, Double.NaN));
  }

  @Test
  void loadStateRejectsUnknownNamesAndWrongShapes() {
    Optimizer opt =
        create(Map.of("momentum", 0.9), ParameterGroup.of(Map.of("layer.weight", param(1, 2))));
    Tensor two = Tensors.zeros(backend, dev.heed.core.tensor.Shape.of(2), DType.FLOAT32);
    Tensor three = Tensors.zeros(backend, dev.heed.core.tensor.Shape.of(3), DType.FLOAT32);
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> opt.loadState(Map.of("layer.bias.momentum_buffer", two)));
    assertTrue(unknown.getMessage().contains("layer.weight"), unknown.getMessage());
    IllegalArgumentException slot =
        assertThrows(
            IllegalArgumentException.class,
            () -> opt.loadState(Map.of("layer.weight.exp_avg", two)));
    assertTrue(slot.getMessage().contains("momentum_buffer"), slot.getMessage());
    IllegalArgumentException shape =
        assertThrows(
            IllegalArgumentException.class,
            () -> opt.loadState(Map.of("layer.weight.momentum_buffer", three)));
    assertTrue(shape.getMessage().contains("[3]"), shape.getMessage());
    assertTrue(shape.getMessage().contains("[2]"), shape.getMessage());
    opt.loadState(Map.of("layer.weight.momentum_buffer", two));
    assertEquals(List.of("layer.weight.momentum_buffer"), List.copyOf(opt.state().keySet()));
  }
}
