package dev.heed.core.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * What the tensor library keeps per thread: the stack of open scopes and whether gradients are
 * recorded. Every operation asks for it (its output joins the innermost scope; it records itself on
 * the tape when recording is on), so the last thread's state is remembered beside the {@link
 * ThreadLocal}: on the thread that asked last, which is nearly always the asking one, finding it is
 * a field read and a comparison instead of a thread-local map lookup.
 */
final class ThreadState {
  private static final ThreadLocal<ThreadState> LOCAL = ThreadLocal.withInitial(ThreadState::new);

  /** The state last found, for any thread; checked against the asking thread before use. */
  private static volatile ThreadState last;

  private final Thread thread = Thread.currentThread();

  /** Open scopes, innermost first. */
  final ArrayDeque<Scope> scopes = new ArrayDeque<>();

  /**
   * Cleared tensor lists of closed scopes, for the next scopes opened on this thread: a training
   * step's scope then registers its tensors without growing a new list each step.
   */
  final ArrayDeque<ArrayList<Tensor>> spareLists = new ArrayDeque<>();

  /** Whether operations record themselves on the tape. */
  boolean gradEnabled = true;

  private ThreadState() {}

  /** The calling thread's state. */
  static ThreadState current() {
    ThreadState s = last;
    if (s != null && s.thread == Thread.currentThread()) {
      return s;
    }
    s = LOCAL.get();
    last = s;
    return s;
  }
}
