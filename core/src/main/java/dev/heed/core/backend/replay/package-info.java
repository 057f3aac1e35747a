/**
 * Capture and replay of steps: {@link dev.heed.core.backend.replay.ReplayBackend} records the
 * kernel calls one eager run of a step makes into a {@link dev.heed.core.backend.replay.Plan},
 * which runs the same kernels on the same buffers again without tensors, tape, scopes or
 * allocation; {@link dev.heed.core.backend.replay.StepReplay} keeps a plan per thread and key and
 * falls back to eager execution where a capture was refused.
 */
package dev.heed.core.backend.replay;
