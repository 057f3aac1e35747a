package dev.heed.optimizers.schedules;

import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.Schedule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Schedules one after another, as {@code torch.optim.lr_scheduler.SequentialLR}: schedule {@code k}
 * runs from milestone {@code k-1} (counted on this composite's clock) to milestone {@code k}. When
 * a milestone is reached the base rates are put back and the next schedule starts afresh, so it
 * sees steps and epochs counted from its own start. Any {@link Schedule} can be an inner one.
 */
final class SequentialSchedule implements Schedule {
  private final String owner;
  private final Interval interval;
  private final List<Schedule> schedules;
  private final long[] milestones;
  private Optimizer optimizer;
  private double[] base;
  private int active;
  private long lastStep;
  private int lastEpoch;
  private long switchStep;
  private int switchEpoch;

  SequentialSchedule(String owner, Interval interval, List<Schedule> schedules, long[] milestones) {
    this.owner = owner;
    this.interval = interval;
    this.schedules = List.copyOf(schedules);
    this.milestones = milestones.clone();
    if (this.schedules.size() != milestones.length + 1) {
      throw new IllegalArgumentException(
          owner
              + ": "
              + schedules.size()
              + " schedules need "
              + (schedules.size() - 1)
              + " milestones, got "
              + milestones.length);
    }
  }

  @Override
  public void start(Optimizer optimizer) {
    this.optimizer = Objects.requireNonNull(optimizer, () -> owner + ": start: optimizer is null");
    base = Rates.baseOf(owner, optimizer, base);
    Rates.set(optimizer, base);
    schedules.get(active).start(optimizer);
  }

  @Override
  public void afterStep(Optimizer optimizer, long step) {
    this.optimizer = optimizer;
    lastStep = step;
    if (interval == Interval.STEP && switchTo(step)) {
      return;
    }
    schedules.get(active).afterStep(optimizer, step - switchStep);
  }

  @Override
  public void afterEpoch(Optimizer optimizer, int epoch, double metric) {
    this.optimizer = optimizer;
    lastEpoch = epoch;
    if (interval == Interval.EPOCH && switchTo(epoch)) {
      return;
    }
    if (epoch > switchEpoch) {
      schedules.get(active).afterEpoch(optimizer, epoch - switchEpoch, metric);
    }
  }

  /** Starts the schedule that time {@code t} belongs to, if it is not the active one. */
  private boolean switchTo(long t) {
    int index = Milestones.passed(milestones, t);
    if (index == active) {
      return false;
    }
    if (base == null) {
      throw new IllegalStateException(owner + ": call start(optimizer) before the first step");
    }
    active = index;
    switchStep = lastStep;
    // a switch on the step clock happens inside an epoch, which is not the new schedule's first
    switchEpoch = interval == Interval.STEP ? lastEpoch + 1 : lastEpoch;
    Rates.set(optimizer, base);
    schedules.get(active).start(optimizer);
    return true;
  }

  @Override
  public Map<String, Double> state() {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("active", (double) active);
    out.put("last_step", (double) lastStep);
    out.put("last_epoch", (double) lastEpoch);
    out.put("switch_step", (double) switchStep);
    out.put("switch_epoch", (double) switchEpoch);
    Rates.save(out, base);
    for (int k = 0; k < schedules.size(); k++) {
      String prefix = "schedule" + k + ".";
      schedules.get(k).state().forEach((key, value) -> out.put(prefix + key, value));
    }
    return out;
  }

  @Override
  public void loadState(Map<String, Double> state) {
    int restored = (int) Rates.require(owner, state, "active");
    if (restored < 0 || restored >= schedules.size()) {
      throw new IllegalArgumentException(
          owner
              + ": loadState: 'active' is "
              + restored
              + ", this composite has "
              + schedules.size());
    }
    for (int k = 0; k < schedules.size(); k++) {
      String prefix = "schedule" + k + ".";
      Map<String, Double> inner = new LinkedHashMap<>();
      state.forEach((key, value) -> {
        if (key.startsWith(prefix)) {
          inner.put(key.substring(prefix.length()), value);
        }
      });
      if (!inner.isEmpty()) {
        schedules.get(k).loadState(inner);
      }
    }
    active = restored;
    lastStep = (long) Rates.require(owner, state, "last_step");
    lastEpoch = (int) Rates.require(owner, state, "last_epoch");
    switchStep = (long) Rates.require(owner, state, "switch_step");
    switchEpoch = (int) Rates.require(owner, state, "switch_epoch");
    base = Rates.load(owner, state);
    if (optimizer != null) {
      schedules.get(active).start(optimizer);
    }
  }
}
