package dev.heed.optimizers.schedules;

import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.Schedule;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Reduce-on-plateau, as {@code torch.optim.lr_scheduler.ReduceLROnPlateau}: after each epoch's
 * metric, an improvement (beyond {@code threshold}) resets the count of bad epochs; more than
 * {@code patience} bad epochs in a row multiply every group's rate by {@code factor} (not below
 * {@code min_lr}, and only when the change exceeds {@code eps}), followed by {@code cooldown}
 * epochs in which bad epochs are not counted. A NaN metric (no validation data) changes nothing.
 * The state holds the counters, the best metric and the current rates (which live in no optimizer
 * state).
 */
final class PlateauSchedule implements Schedule {
  private final String owner;
  private final boolean max;
  private final boolean relative;
  private final double factor;
  private final int patience;
  private final double threshold;
  private final int cooldown;
  private final double minLr;
  private final double eps;
  private Optimizer optimizer;
  private double best;
  private int bad;
  private int cooldownLeft;
  private int lastEpoch;
  private double[] rates;

  PlateauSchedule(
      String owner,
      boolean max,
      boolean relative,
      double factor,
      int patience,
      double threshold,
      int cooldown,
      double minLr,
      double eps) {
    this.owner = owner;
    this.max = max;
    this.relative = relative;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.cooldown = cooldown;
    this.minLr = minLr;
    this.eps = eps;
    this.best = max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
  }

  @Override
  public void start(Optimizer optimizer) {
    this.optimizer = Objects.requireNonNull(optimizer, () -> owner + ": start: optimizer is null");
    rates = Rates.baseOf(owner, optimizer, rates);
    Rates.set(optimizer, rates);
  }

  @Override
  public void afterStep(Optimizer optimizer, long step) {}

  @Override
  public void afterEpoch(Optimizer optimizer, int epoch, double metric) {
    if (Double.isNaN(metric)) {
      return;
    }
    this.optimizer = optimizer;
    lastEpoch = epoch;
    if (isBetter(metric)) {
      best = metric;
      bad = 0;
    } else {
      bad++;
    }
    if (cooldownLeft > 0) {
      cooldownLeft--;
      bad = 0;
    }
    if (bad > patience) {
      for (int g = 0; g < optimizer.groups().size(); g++) {
        double old = optimizer.learningRate(g);
        double reduced = Math.max(old * factor, minLr);
        if (old - reduced > eps) {
          optimizer.setLearningRate(g, reduced);
        }
      }
      cooldownLeft = cooldown;
      bad = 0;
    }
    rates = Rates.current(optimizer);
  }

  private boolean isBetter(double a) {
    if (max) {
      return relative ? a > best * (threshold + 1.) : a > best + threshold;
    }
    return relative ? a < best * (1. - threshold) : a < best - threshold;
  }

  @Override
  public Map<String, Double> state() {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("best", best);
    out.put("num_bad_epochs", (double) bad);
    out.put("cooldown_counter", (double) cooldownLeft);
    out.put("last_epoch", (double) lastEpoch);
    Rates.save(out, "lr.", rates);
    return out;
  }

  @Override
  public void loadState(Map<String, Double> state) {
    best = Rates.require(owner, state, "best");
    bad = (int) Rates.require(owner, state, "num_bad_epochs");
    cooldownLeft = (int) Rates.require(owner, state, "cooldown_counter");
    lastEpoch = (int) Rates.require(owner, state, "last_epoch");
    rates = Rates.load(owner, state, "lr.");
    if (optimizer != null && rates != null) {
      Rates.set(optimizer, rates);
    }
  }
}
