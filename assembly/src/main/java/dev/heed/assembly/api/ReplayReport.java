package dev.heed.assembly.api;

import java.util.Optional;

/**
 * How the optimizer steps of a training run ran: replayed from captured plans (the same kernels on
 * the same buffers, without per-operation cost) or eagerly. A batch shape's first step runs eagerly
 * (it makes the optimizer's state), the next two capture the step, and the following ones replay
 * it; a step a replay could get wrong is refused and that shape's steps run eagerly, with the same
 * results.
 *
 * @param steps the optimizer steps of the run (this training call: a resumed run counts from the
 *     resume)
 * @param replayed how many of them were replays
 * @param eager why steps ran eagerly beyond their warm-up and captures: replay switched off, or the
 *     first refused capture's reason; empty when nothing was refused
 */
public record ReplayReport(long steps, long replayed, Optional<String> eager) {

  /** No training yet. */
  public static final ReplayReport NONE = new ReplayReport(0, 0, Optional.empty());

  /** Checks the counts. */
  public ReplayReport {
    if (steps < 0 || replayed < 0 || replayed > steps) {
      throw new IllegalArgumentException(
          "replayed steps must be within 0.." + steps + ", found " + replayed);
    }
  }

  /** One line for a user, e.g. {@code replay: 784 of 800 steps replayed from captured plans}. */
  public String describe() {
    StringBuilder b = new StringBuilder("replay: ");
    if (replayed > 0) {
      b.append(replayed).append(" of ").append(steps).append(" steps replayed from captured plans");
      eager.ifPresent(why -> b.append("; others ran eagerly: ").append(why));
    } else if (eager.isPresent()) {
      b.append("steps ran eagerly: ").append(eager.get());
    } else {
      b.append("no step replayed (a batch shape replays from its fourth step)");
    }
    return b.toString();
  }
}
