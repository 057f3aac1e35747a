package dev.heed.core.tensor;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Layout;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * An n-dimensional array of numbers living on a {@link Backend}, contiguous in row-major order.
 *
 * <p>Values stay on the device until asked for ({@link #toFloatArray()}, {@link #item()}).
 * Operations are grouped by concern in {@link Elementwise}, {@link Reductions}, {@link Linalg},
 * {@link Shapes} and {@link NeuralOps}; the most common ones are also methods here. Each operation
 * runs a backend kernel and, when {@link GradMode} is on and an input {@linkplain #requiresGrad()
 * requires a gradient}, records itself on the tape so that {@link #backward()} can derive
 * gradients. All operands of an operation must share one backend and one {@link DType}.
 *
 * <p>A tensor is released when its {@link Scope} closes or when {@link #close()} is called; using
 * it afterwards throws {@link IllegalStateException}. Tensors are not thread-safe.
 */
public final class Tensor implements AutoCloseable {
  private final Backend backend;
  private final Shape shape;
  private final DType dtype;
  private final Storage storage;
  private boolean closed;
  private boolean requiresGrad;
  private Tensor grad;
  Node node;
  Scope scope;

  /** During {@code backward}: the gradient gathered so far for this tensor, or null. */
  Tensor pendingGrad;

  /** The last graph walk that visited this tensor (see {@code Autograd}). */
  long visitedInWalk;

  Tensor(Backend backend, Shape shape, DType dtype, Storage storage) {
    this.backend = backend;
    this.shape = shape;
    this.dtype = dtype;
    this.storage = storage;
    this.scope = Scope.register(this);
  }

  /** Allocates a zero-filled tensor. */
  static Tensor allocate(Backend backend, Shape shape, DType dtype) {
    return new Tensor(backend, shape, dtype, new Storage(backend.allocate(dtype, shape.size())));
  }

  /**
   * Allocates a tensor whose every element the caller's next kernel call writes, so it need not
   * start as zeros ({@link Backend#allocateForOverwrite}).
   */
  static Tensor allocateForOverwrite(Backend backend, Shape shape, DType dtype) {
    return new Tensor(
        backend, shape, dtype, new Storage(backend.allocateForOverwrite(dtype, shape.size())));
  }

  /** The backend owning the data. */
  public Backend backend() {
    return backend;
  }

  /** The shape. */
  public Shape shape() {
    return shape;
  }

  /** The element type. */
  public DType dtype() {
    return dtype;
  }

  /** Number of dimensions. */
  public int rank() {
    return shape.rank();
  }

  /** Extent of dimension {@code axis} (negative counts from the end). */
  public int dim(int axis) {
    return shape.dim(axis);
  }

  /** Number of elements. */
  public long size() {
    return shape.size();
  }

  /**
   * The device buffer, for backends' optional capabilities and tests. The buffer belongs to the
   * tensor: do not close it.
   */
  public Buffer buffer() {
    if (closed) {
      throw new IllegalStateException(
          "tensor " + shape + " used after it was closed (its scope ended or close() was called)");
    }
    return storage.buffer();
  }

  /** The contiguous layout of this tensor's elements in its buffer. */
  public Layout layout() {
    return shape.layout();
  }

  // ---------------------------------------------------------------- autodiff

  /** Whether gradients flow to this tensor. */
  public boolean requiresGrad() {
    return requiresGrad;
  }

  /**
   * Marks a leaf tensor (one not computed by a recorded operation) as needing a gradient. Returns
   * this tensor.
   */
  public Tensor requiresGrad(boolean value) {
    if (node != null) {
      throw new IllegalStateException(
          "requiresGrad can only be set on leaf tensors; this one was computed by " + node.op());
    }
    if (value && !dtype.isFloatingPoint()) {
      throw new IllegalArgumentException("an " + dtype + " tensor cannot require a gradient");
    }
    requiresGrad = value;
    return this;
  }

  /** Whether this tensor was produced by a recorded operation (so it is not a leaf). */
  public boolean hasGradFn() {
    return node != null;
  }

  /** The operation that produced this tensor on the tape, or null for a leaf. */
  public String gradFnName() {
    return node == null ? null : node.op();
  }

  /** The accumulated gradient of a leaf after {@link #backward()}, or null. */
  public Tensor grad() {
    return grad;
  }

  /** Releases and forgets the accumulated gradient. */
  public void clearGrad() {
    if (grad != null) {
      grad.close();
      grad = null;
    }
  }

  void requiresGradInternal() {
    requiresGrad = true;
  }

  void setGrad(Tensor g) {
    grad = g;
  }

  /**
   * Back-propagates from this scalar: adds {@code ∂this/∂leaf} to the {@link #grad()} of every leaf
   * that requires a gradient.
   */
  public void backward() {
    if (shape.size() != 1) {
      throw new IllegalArgumentException(
          "backward() without an argument needs a tensor of one element; this one has shape "
              + shape
              + "; pass the gradient of the output instead");
    }
    backward(Tensors.full(backend, shape, dtype, 1.0));
  }

  /**
   * Back-propagates {@code gradOutput}, the gradient of some scalar with respect to this tensor.
   */
  public void backward(Tensor gradOutput) {
    Autograd.backward(this, gradOutput);
  }

  /** A tensor sharing this one's data but cut from the tape (no gradient flows through it). */
  public Tensor detach() {
    storage.retain();
    return new Tensor(backend, shape, dtype, storage);
  }

  // ---------------------------------------------------------------- host transfer

  /** Copies the elements to a new float array (converting from float64 if need be). */
  public float[] toFloatArray() {
    checkSize();
    float[] out = new float[(int) size()];
    switch (dtype) {
      case FLOAT32 -> backend.download(buffer(), 0, out.length, MemorySegment.ofArray(out));
      case FLOAT64, INT32 -> {
        double[] d = toDoubleArray();
        for (int i = 0; i < out.length; i++) {
          out[i] = (float) d[i];
        }
      }
    }
    return out;
  }

  /** Copies the elements to a new double array. */
  public double[] toDoubleArray() {
    checkSize();
    int n = (int) size();
    double[] out = new double[n];
    switch (dtype) {
      case FLOAT64 -> backend.download(buffer(), 0, n, MemorySegment.ofArray(out));
      case FLOAT32 -> {
        float[] f = new float[n];
        backend.download(buffer(), 0, n, MemorySegment.ofArray(f));
        for (int i = 0; i < n; i++) {
          out[i] = f[i];
        }
      }
      case INT32 -> {
        int[] v = toIntArray();
        for (int i = 0; i < n; i++) {
          out[i] = v[i];
        }
      }
    }
    return out;
  }

  /** Copies the elements of an INT32 tensor to a new int array. */
  public int[] toIntArray() {
    checkSize();
    if (dtype != DType.INT32) {
      throw new IllegalStateException("toIntArray needs an INT32 tensor; this one is " + dtype);
    }
    int[] out = new int[(int) size()];
    backend.download(buffer(), 0, out.length, MemorySegment.ofArray(out));
    return out;
  }

  /** The value of a one-element tensor. */
  public double item() {
    if (size() != 1) {
      throw new IllegalStateException(
          "item() needs a tensor of one element; this one has shape " + shape);
    }
    return toDoubleArray()[0];
  }

  private void checkSize() {
    if (size() > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("tensor " + shape + " is too large for a Java array");
    }
  }

  // ---------------------------------------------------------------- common operations

  /** {@code this + other}, broadcasting. */
  public Tensor add(Tensor other) {
    return Elementwise.add(this, other);
  }

  /** {@code this - other}, broadcasting. */
  public Tensor sub(Tensor other) {
    return Elementwise.sub(this, other);
  }

  /** {@code this · other} elementwise, broadcasting. */
  public Tensor mul(Tensor other) {
    return Elementwise.mul(this, other);
  }

  /** {@code this / other} elementwise, broadcasting. */
  public Tensor div(Tensor other) {
    return Elementwise.div(this, other);
  }

  /** {@code this + c}. */
  public Tensor add(double c) {
    return Elementwise.affine(this, 1.0, c);
  }

  /** {@code this · c}. */
  public Tensor mul(double c) {
    return Elementwise.affine(this, c, 0.0);
  }

  /** {@code -this}. */
  public Tensor neg() {
    return Elementwise.neg(this);
  }

  /** {@code this²}. */
  public Tensor square() {
    return Elementwise.square(this);
  }

  /** {@code e^this}. */
  public Tensor exp() {
    return Elementwise.exp(this);
  }

  /** Natural logarithm. */
  public Tensor log() {
    return Elementwise.log(this);
  }

  /** Hyperbolic tangent. */
  public Tensor tanh() {
    return Elementwise.tanh(this);
  }

  /** Logistic sigmoid. */
  public Tensor sigmoid() {
    return Elementwise.sigmoid(this);
  }

  /** {@code max(this, 0)}. */
  public Tensor relu() {
    return Elementwise.relu(this);
  }

  /** Matrix product, batched over leading dimensions; see {@link Linalg#matmul(Tensor, Tensor)}. */
  public Tensor matmul(Tensor other) {
    return Linalg.matmul(this, other);
  }

  /** Sum of all elements (a scalar). */
  public Tensor sum() {
    return Reductions.sum(this);
  }

  /** Sum along {@code axis}. */
  public Tensor sum(int axis, boolean keepDim) {
    return Reductions.sum(this, axis, keepDim);
  }

  /** Mean of all elements (a scalar). */
  public Tensor mean() {
    return Reductions.mean(this);
  }

  /** Mean along {@code axis}. */
  public Tensor mean(int axis, boolean keepDim) {
    return Reductions.mean(this, axis, keepDim);
  }

  /** The same data seen with another shape of equal size; one extent may be -1 (inferred). */
  public Tensor reshape(int... dims) {
    return Shapes.reshape(this, dims);
  }

  /** Swaps two dimensions. */
  public Tensor transpose(int axis0, int axis1) {
    return Shapes.transpose(this, axis0, axis1);
  }

  /** Softmax along {@code axis}. */
  public Tensor softmax(int axis) {
    return NeuralOps.softmax(this, axis);
  }

  /** A copy converted to {@code type} (gradients flow between floating-point types). */
  public Tensor to(DType type) {
    return Shapes.cast(this, type);
  }

  // ---------------------------------------------------------------- lifetime

  /** Whether {@link #close()} was called (directly or by the scope). */
  public boolean isClosed() {
    return closed;
  }

  /** Releases this tensor's reference to its data (and its gradient). Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      node = null;
      scope = null;
      storage.release();
      clearGrad();
    }
  }

  /**
   * Takes this tensor out of its scope, so that it outlives it, when nothing else can see its
   * values: it belongs to a scope (not to a caller outside any scope), no view shares its storage,
   * and it is not on the tape. Returns whether it did.
   */
  boolean adoptOutOfScope() {
    if (closed || scope == null || node != null || requiresGrad || !storage.exclusive()) {
      return false;
    }
    scope = null;
    return true;
  }

  /** Shares this tensor's storage under a new shape (a view). */
  Tensor view(Shape newShape) {
    storage.retain();
    return new Tensor(backend, newShape, dtype, storage);
  }

  @Override
  public String toString() {
    if (closed) {
      return "Tensor" + shape + " " + dtype + " (closed)";
    }
    String values = "";
    if (size() <= 16) {
      values = " " + Arrays.toString(toDoubleArray());
    }
    return "Tensor"
        + shape
        + " "
        + dtype
        + " on "
        + backend.name()
        + values
        + (requiresGrad ? " requiresGrad" : "");
  }
}
