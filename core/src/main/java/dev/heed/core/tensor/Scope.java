package dev.heed.core.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.function.Supplier;

/**
 * A region whose tensors are released together when it closes: the deterministic lifetime of a
 * training step's intermediates.
 *
 * <pre>{@code
 * try (Scope step = Scope.open()) {
 *     Tensor loss = model.forward(x).sub(y).square().mean();
 *     loss.backward();          // parameter gradients outlive the scope
 *     optimizer.step();
 *     lossValue = loss.item();
 * }                             // every intermediate buffer is freed here
 * }</pre>
 *
 * <p>Every tensor created on a thread joins that thread's innermost open scope. Tensors created
 * with no scope open (parameters, typically) live until closed explicitly, with a {@link
 * java.lang.ref.Cleaner} as a safety net. {@link #keep} moves a tensor out to the enclosing scope.
 * Scopes nest and must be closed in reverse order of opening, on the thread that opened them.
 */
public final class Scope implements AutoCloseable {

  /** Lists longer than this are not kept for reuse when their scope closes. */
  private static final int LARGEST_SPARE = 1 << 14;

  /** At most this many cleared lists are kept per thread (the depth of nesting that reuses). */
  private static final int SPARES = 8;

  private final boolean collecting;
  private final ArrayList<Tensor> tensors;
  private boolean closed;

  private Scope(boolean collecting, ArrayList<Tensor> tensors) {
    this.collecting = collecting;
    this.tensors = tensors;
  }

  /** Opens a scope on this thread. */
  public static Scope open() {
    ThreadState state = ThreadState.current();
    ArrayList<Tensor> list = state.spareLists.poll();
    Scope s = new Scope(true, list != null ? list : new ArrayList<>());
    state.scopes.push(s);
    return s;
  }

  /**
   * Runs {@code action} as if no scope were open: tensors it creates are not released by any
   * enclosing scope (model parameters, optimizer state, accumulated gradients).
   */
  public static <T> T outside(Supplier<T> action) {
    Scope barrier = new Scope(false, new ArrayList<>(0));
    ThreadState.current().scopes.push(barrier);
    try {
      return action.get();
    } finally {
      barrier.close();
    }
  }

  /** Registers a new tensor with the innermost scope, if any; returns that scope or null. */
  static Scope register(Tensor t) {
    Scope s = ThreadState.current().scopes.peek();
    if (s == null || !s.collecting) {
      return null;
    }
    s.tensors.add(t);
    return s;
  }

  /**
   * Moves {@code t} out of this scope into the enclosing one (or none), so it survives this scope's
   * end. Returns {@code t}.
   */
  public Tensor keep(Tensor t) {
    if (t.scope == this) {
      var it = ThreadState.current().scopes.iterator();
      while (it.hasNext() && it.next() != this) {
        // advance to this scope
      }
      Scope below = it.hasNext() ? it.next() : null;
      Scope parent = below != null && below.collecting ? below : null;
      t.scope = parent;
      if (parent != null) {
        parent.tensors.add(t);
      }
    }
    return t;
  }

  /** Number of tensors this scope will release. */
  public int size() {
    int n = 0;
    for (Tensor t : tensors) {
      if (t.scope == this) {
        n++;
      }
    }
    return n;
  }

  /** Releases every tensor still owned by this scope. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    ThreadState state = ThreadState.current();
    ArrayDeque<Scope> stack = state.scopes;
    if (stack.peek() != this) {
      throw new IllegalStateException(
          "scopes must be closed in reverse order of opening, on their own thread");
    }
    stack.pop();
    closed = true;
    for (Tensor t : tensors) {
      if (t.scope == this) {
        t.close();
      }
    }
    int n = tensors.size();
    tensors.clear();
    if (collecting && n <= LARGEST_SPARE && state.spareLists.size() < SPARES) {
      state.spareLists.push(tensors);
    }
  }
}
