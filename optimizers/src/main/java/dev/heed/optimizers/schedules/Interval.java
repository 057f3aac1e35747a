package dev.heed.optimizers.schedules;

import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;

/** The clock a schedule follows: optimizer steps or epochs. */
enum Interval {
  /** Advances after every optimizer step. */
  STEP,
  /** Advances after every epoch. */
  EPOCH;

  static final String OPTION = "interval";

  /** The {@code interval} option with its default. */
  static OptionSpec option(Interval defaultValue) {
    return OptionSpec.choice(
        OPTION,
        defaultValue.word(),
        "what the schedule counts: optimizer steps ('step') or epochs ('epoch')",
        "step",
        "epoch");
  }

  static Interval of(Options options) {
    return options.getString(OPTION).equals("step") ? STEP : EPOCH;
  }

  String word() {
    return this == STEP ? "step" : "epoch";
  }
}
