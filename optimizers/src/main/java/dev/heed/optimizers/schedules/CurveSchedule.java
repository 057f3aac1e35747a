package dev.heed.optimizers.schedules;

import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.Schedule;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A schedule whose rate is a closed-form function of the group's base rate and a clock {@code t}
 * (optimizer steps or epochs, by {@link Interval}): {@code lr_g = curve(base_g, t)}. Starting sets
 * {@code t = 0}; the rates only depend on {@code t}, so PyTorch's recursive ("chainable") forms
 * give the same numbers. The state holds {@code t} and the base rates.
 */
final class CurveSchedule implements Schedule {
  /** The rate of a group with base rate {@code base} at time {@code t}. */
  @FunctionalInterface
  interface Curve {
    double rate(double base, long t);
  }

  private final String owner;
  private final Interval interval;
  private final Curve curve;
  private double[] base;
  private long time;
  private Optimizer optimizer;

  CurveSchedule(String owner, Interval interval, Curve curve) {
    this.owner = Objects.requireNonNull(owner);
    this.interval = Objects.requireNonNull(interval);
    this.curve = Objects.requireNonNull(curve);
  }

  @Override
  public void start(Optimizer optimizer) {
    this.optimizer = Objects.requireNonNull(optimizer, () -> owner + ": start: optimizer is null");
    base = Rates.baseOf(owner, optimizer, base);
    apply();
  }

  @Override
  public void afterStep(Optimizer optimizer, long step) {
    if (interval == Interval.STEP) {
      advance(optimizer, step);
    }
  }

  @Override
  public void afterEpoch(Optimizer optimizer, int epoch, double metric) {
    if (interval == Interval.EPOCH) {
      advance(optimizer, epoch);
    }
  }

  private void advance(Optimizer optimizer, long t) {
    if (base == null) {
      throw new IllegalStateException(owner + ": call start(optimizer) before the first step");
    }
    this.optimizer = optimizer;
    time = t;
    apply();
  }

  private void apply() {
    for (int g = 0; g < base.length; g++) {
      optimizer.setLearningRate(g, curve.rate(base[g], time));
    }
  }

  @Override
  public Map<String, Double> state() {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("time", (double) time);
    Rates.save(out, base);
    return out;
  }

  @Override
  public void loadState(Map<String, Double> state) {
    time = (long) Rates.require(owner, state, "time");
    base = Rates.load(owner, state);
    if (optimizer != null && base != null) {
      apply();
    }
  }
}
