package dev.heed.core.optim.support;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.replay.ScalarPass;
import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The base of an optimizer: what every optimizer shares, so that an algorithm is its update and its
 * state slots. It holds the parameter groups, each with its own resolved options (the optimizer's
 * options with the group's overrides on top, as PyTorch's {@code param_groups}), a learning rate
 * per group that schedules read and set, per-parameter state tensors ("slots" such as {@code
 * momentum_buffer}) saved by {@link #state()} as {@code <parameter name>.<slot>} and restored by
 * {@link #loadState}, and optionally a step count per parameter (saved as {@code <parameter
 * name>.step}). Parameter names must be unique across groups and a parameter may belong to one
 * group only.
 *
 * <p>{@link #step()} runs with {@link GradMode} off inside its own {@link Scope}, so the update's
 * intermediates are freed when it returns; state tensors are created by {@link #slot(String,
 * String, Supplier)} outside any scope and live as long as the optimizer. A subclass implements
 * {@link #update} for one parameter; read a group's settings once with {@link PerGroup}. Its
 * provider extends {@link GroupedOptimizerProvider}, which resolves the groups' options. Not
 * thread-safe.
 *
 * <pre>{@code
 * final class SignSgd extends GroupedOptimizer {
 *   SignSgd(String owner, List<ParameterGroup> groups, List<Options> settings) {
 *     super(owner, groups, settings, "lr", List.of());
 *   }
 *
 *   protected void update(String name, Parameter p, Options options, double lr) {
 *     Tensor sign = Elementwise.sign(p.grad());
 *     Elementwise.addInPlace(p.value(), Elementwise.affine(sign, -lr, 0));
 *   }
 * }
 * }</pre>
 */
public abstract class GroupedOptimizer implements Optimizer {
  /** The slot name of the step count in {@link #state()}. */
  public static final String STEP = "step";

  /** Checks the options of one group (or of the optimizer itself) beyond what the schema says. */
  @FunctionalInterface
  public interface Validator {
    /**
     * @param options resolved options
     * @param owner what they belong to, for messages ({@code optimizer 'sgd' parameter group 1})
     * @throws dev.heed.core.plugin.OptionsException when they do not fit together
     */
    void validate(Options options, String owner);
  }

  private final String owner;
  private final List<ParameterGroup> groups;
  private final List<Options> settings;
  private final double[] learningRates;
  private final Map<String, Parameter> parameters = new LinkedHashMap<>();
  private final List<String> slotNames;
  private final Map<String, Map<String, Tensor>> state = new LinkedHashMap<>();
  private final boolean countSteps;
  private final Map<String, Long> steps = new LinkedHashMap<>();

  /**
   * @param owner the optimizer, for messages ({@code optimizer 'sgd'})
   * @param groups the parameter groups
   * @param settings the resolved options of each group, from {@link #resolveGroups}
   * @param learningRateOption the name of the learning-rate option ({@code lr})
   * @param slotNames the per-parameter state slots this optimizer keeps
   */
  protected GroupedOptimizer(
      String owner,
      List<ParameterGroup> groups,
      List<Options> settings,
      String learningRateOption,
      List<String> slotNames) {
    this(owner, groups, settings, learningRateOption, slotNames, false);
  }

  /**
   * @param owner the optimizer, for messages ({@code optimizer 'adam'})
   * @param groups the parameter groups
   * @param settings the resolved options of each group, from {@link #resolveGroups}
   * @param learningRateOption the name of the learning-rate option ({@code lr})
   * @param slotNames the per-parameter state slots this optimizer keeps
   * @param countSteps whether to count each parameter's steps (as PyTorch's {@code state['step']});
   *     the count is kept on the host, read with {@link #stepCount(String)}, and saved as the INT32
   *     scalar {@code <parameter name>.step}
   */
  protected GroupedOptimizer(
      String owner,
      List<ParameterGroup> groups,
      List<Options> settings,
      String learningRateOption,
      List<String> slotNames,
      boolean countSteps) {
    this.countSteps = countSteps;
    this.owner = Objects.requireNonNull(owner, "owner");
    this.groups = List.copyOf(groups);
    this.settings = List.copyOf(settings);
    if (this.groups.size() != this.settings.size()) {
      throw new IllegalArgumentException(
          owner + ": " + groups.size() + " groups but " + settings.size() + " option sets");
    }
    this.slotNames = List.copyOf(slotNames);
    this.learningRates = new double[this.groups.size()];
    Map<Parameter, String> seen = new IdentityHashMap<>();
    for (int i = 0; i < this.groups.size(); i++) {
      learningRates[i] = this.settings.get(i).getDouble(learningRateOption);
      for (Map.Entry<String, Parameter> e : this.groups.get(i).parameters().entrySet()) {
        String name = e.getKey();
        Parameter p =
            Objects.requireNonNull(
                e.getValue(), () -> owner + ": parameter '" + name + "' is null");
        if (parameters.putIfAbsent(name, p) != null) {
          throw new IllegalArgumentException(
              owner
                  + ": the parameter name '"
                  + name
                  + "' appears in more than one parameter group; names key the optimizer state"
                  + " and must be unique");
        }
        String other = seen.put(p, name);
        if (other != null) {
          throw new IllegalArgumentException(
              owner
                  + ": the same parameter is given twice, as '"
                  + other
                  + "' and '"
                  + name
                  + "'; each parameter may belong to one group only");
        }
      }
    }
  }

  /**
   * The options of each group: {@code base} (resolved once, by the registry) with the group's
   * overrides on top, each override checked against {@code schema} (so an unknown or ill-typed
   * override is reported with its group), then checked by {@code validator}. {@code base} itself is
   * checked first, as PyTorch checks the defaults; it is not resolved again.
   *
   * @throws dev.heed.core.plugin.OptionsException naming the group and option at fault
   */
  public static List<Options> resolveGroups(
      String owner,
      OptionsSchema schema,
      Options base,
      List<ParameterGroup> groups,
      Validator validator) {
    Objects.requireNonNull(groups, () -> owner + ": the parameter groups are null");
    schema.check(owner, base);
    validator.validate(base, owner);
    List<Options> out = new ArrayList<>();
    for (int i = 0; i < groups.size(); i++) {
      ParameterGroup g = Objects.requireNonNull(groups.get(i), owner + ": parameter group is null");
      String where = owner + " parameter group " + i;
      if (g.overrides().isEmpty()) {
        out.add(base);
        continue;
      }
      Options resolved = schema.override(where, base, g.overrides());
      validator.validate(resolved, where);
      out.add(resolved);
    }
    return out;
  }

  /**
   * Updates one parameter that has a gradient. Runs with {@link GradMode} off inside the step's
   * scope: temporaries are freed after the step; state must be created with {@link #slot(String,
   * String, Supplier)}.
   *
   * @param name the parameter's name
   * @param parameter the parameter; its {@link Parameter#grad()} is not null, except in the host
   *     pass of a replayed step ({@link ScalarPass}), where the update runs only to compute its
   *     scalars and may make nothing but fused updates ({@link Elementwise#fusedInto})
   * @param options the resolved options of its group
   * @param learningRate the group's current learning rate
   */
  protected abstract void update(
      String name, Parameter parameter, Options options, double learningRate);

  @Override
  @SuppressWarnings("try")
  public final void step() {
    try (GradMode off = GradMode.disable();
        Scope scope = Scope.open()) {
      for (int i = 0; i < groups.size(); i++) {
        Options options = settings.get(i);
        double lr = learningRates[i];
        for (Map.Entry<String, Parameter> e : groups.get(i).parameters().entrySet()) {
          Parameter p = e.getValue();
          // in a replayed step's host pass the gradients exist only in the plan
          if (p.grad() != null || ScalarPass.expects(p.value().buffer())) {
            if (countSteps) {
              steps.merge(e.getKey(), 1L, Long::sum);
            }
            update(e.getKey(), e.getValue(), options, lr);
          }
        }
      }
    }
  }

  /**
   * How many steps parameter {@code name} has taken, the current one included (1 during its first
   * update); 0 before its first. Only counted when the optimizer was built with {@code countSteps}.
   */
  protected final long stepCount(String name) {
    return steps.getOrDefault(name, 0L);
  }

  /** The state tensor {@code slot} of parameter {@code name}, or null if it has none yet. */
  protected final Tensor slot(String name, String slot) {
    Map<String, Tensor> slots = state.get(name);
    return slots == null ? null : slots.get(slot);
  }

  /**
   * The state tensor {@code slot} of parameter {@code name}, created by {@code create} (outside any
   * scope, so it outlives the step) when it does not exist yet.
   */
  protected final Tensor slot(String name, String slot, Supplier<Tensor> create) {
    Map<String, Tensor> slots = state.computeIfAbsent(name, k -> new LinkedHashMap<>());
    Tensor t = slots.get(slot);
    if (t == null) {
      t = Scope.outside(create);
      slots.put(slot, t);
    }
    return t;
  }

  @Override
  public final List<ParameterGroup> groups() {
    return groups;
  }

  @Override
  public final double learningRate(int group) {
    return learningRates[checkGroup(group)];
  }

  @Override
  public final void setLearningRate(int group, double learningRate) {
    checkGroup(group);
    if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException(
          owner
              + ": learning rate of parameter group "
              + group
              + " must be a finite number >= 0, got "
              + learningRate);
    }
    learningRates[group] = learningRate;
  }

  /** The resolved options of group {@code group} (its learning rate as first configured). */
  public final Options options(int group) {
    return settings.get(checkGroup(group));
  }

  private int checkGroup(int group) {
    if (group < 0 || group >= groups.size()) {
      throw new IndexOutOfBoundsException(
          owner
              + " has "
              + groups.size()
              + " parameter group"
              + (groups.size() == 1 ? "" : "s")
              + (groups.isEmpty() ? "" : " (0 to " + (groups.size() - 1) + ")")
              + "; there is no group "
              + group);
    }
    return group;
  }

  /**
   * Copies of the state tensors, named {@code <parameter name>.<slot>}, in parameter order. The
   * copies are independent of the optimizer (a later step does not change them) and belong to the
   * caller's scope, if one is open.
   */
  @Override
  @SuppressWarnings("try")
  public final Map<String, Tensor> state() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    try (GradMode off = GradMode.disable()) {
      for (String name : parameters.keySet()) {
        Long count = steps.get(name);
        if (count != null) {
          Backend backend = parameters.get(name).value().backend();
          out.put(name + "." + STEP, Tensors.indices(backend, new int[] {Math.toIntExact(count)}));
        }
        Map<String, Tensor> slots = state.get(name);
        if (slots == null) {
          continue;
        }
        for (String slot : slotNames) {
          Tensor t = slots.get(slot);
          if (t != null) {
            out.put(name + "." + slot, Shapes.copy(t));
          }
        }
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Replaces the whole state by copies of {@code saved} (moved to the parameters' backend and
   * element type when they differ), written into the existing slot tensors where they exist (so
   * that a captured step that reads them stays valid). Parameters without an entry start afresh, as
   * before their first step. Nothing changes when an entry is rejected.
   *
   * @throws IllegalArgumentException for an entry that names no parameter or slot, is null, or does
   *     not have its parameter's shape
   */
  @Override
  @SuppressWarnings("try")
  public final void loadState(Map<String, Tensor> saved) {
    Objects.requireNonNull(saved, () -> owner + ": loadState: the state is null");
    Map<String, String[]> targets = new LinkedHashMap<>();
    Map<String, Long> loadedSteps = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : saved.entrySet()) {
      String key = e.getKey();
      String[] target = parse(key);
      Tensor t = e.getValue();
      if (t == null) {
        throw new IllegalArgumentException(
            owner + ": loadState: state entry '" + key + "' is null");
      }
      if (target[1].equals(STEP)) {
        loadedSteps.put(target[0], stepValue(key, t));
        continue;
      }
      Parameter p = parameters.get(target[0]);
      if (!t.shape().equals(p.shape())) {
        throw new IllegalArgumentException(
            owner
                + ": loadState: state entry '"
                + key
                + "' has shape "
                + t.shape()
                + " but parameter '"
                + target[0]
                + "' has shape "
                + p.shape());
      }
      targets.put(key, target);
    }
    Map<String, Map<String, Tensor>> loaded = new LinkedHashMap<>();
    Set<Tensor> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    try (GradMode off = GradMode.disable();
        Scope scope = Scope.open()) {
      for (Map.Entry<String, String[]> e : targets.entrySet()) {
        String[] target = e.getValue();
        Tensor like = parameters.get(target[0]).value();
        Tensor src = saved.get(e.getKey());
        Tensor moved = src.backend() == like.backend() ? src : Tensors.copyTo(src, like.backend());
        Tensor typed = moved.dtype() == like.dtype() ? moved : Shapes.cast(moved, like.dtype());
        Tensor existing = slot(target[0], target[1]);
        Tensor into;
        if (existing != null && existing.shape().equals(like.shape())) {
          // written in place, so that what reads the slot's buffer (a captured step) sees it
          into = existing;
          kept.add(existing);
        } else {
          into = Scope.outside(() -> Tensors.zerosLike(like));
        }
        Elementwise.assign(into, typed);
        loaded.computeIfAbsent(target[0], k -> new LinkedHashMap<>()).put(target[1], into);
      }
    }
    for (Map<String, Tensor> slots : state.values()) {
      for (Tensor t : slots.values()) {
        if (!kept.contains(t)) {
          t.close();
        }
      }
    }
    state.clear();
    state.putAll(loaded);
    steps.clear();
    steps.putAll(loadedSteps);
  }

  private long stepValue(String key, Tensor t) {
    double v = t.size() == 1 ? t.item() : Double.NaN;
    if (!(v >= 0) || v != Math.rint(v) || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          owner
              + ": loadState: state entry '"
              + key
              + "' must be one whole number >= 0 (a step count), got "
              + (t.size() == 1 ? Double.toString(v) : "a tensor of shape " + t.shape()));
    }
    return (long) v;
  }

  /** Splits {@code <parameter>.<slot>} (parameter names may contain dots). */
  private String[] parse(String key) {
    List<String> known = new ArrayList<>(slotNames);
    if (countSteps) {
      known.add(STEP);
    }
    for (String slot : known) {
      String suffix = "." + slot;
      if (key.endsWith(suffix)) {
        String name = key.substring(0, key.length() - suffix.length());
        if (parameters.containsKey(name)) {
          return new String[] {name, slot};
        }
        throw new IllegalArgumentException(
            owner
                + ": loadState: state entry '"
                + key
                + "' names no parameter of this optimizer; its parameters are: "
                + String.join(", ", parameters.keySet()));
      }
    }
    throw new IllegalArgumentException(
        owner
            + ": loadState: state entry '"
            + key
            + "' is not <parameter name>.<slot> with a slot of this optimizer ("
            + String.join(", ", known)
            + ")");
  }

  @Override
  public String toString() {
    return owner + " over " + parameters.size() + " parameters in " + groups.size() + " groups";
  }
}
