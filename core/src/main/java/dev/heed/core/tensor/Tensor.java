package dev.heed.core.tensor;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Kernels;
import dev.heed.core.backend.Layout;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * An n-dimensional array of numbers living on a {@link Backend}: a view (shape, strides, offset;
 * see {@link #layout()}) over a storage that holds a backend buffer.
 *
 * <p>Permute, transpose, slice, select, expand, unsqueeze/squeeze and (where the strides allow)
 * reshape return views over the same storage, without copying; a write through a view is seen by
 * the tensor it was taken from and by every other view of that storage. {@link #contiguous()}
 * copies when asked, and an operation whose kernel needs contiguous data copies its operand first.
 *
 * <p>Values stay on the device until asked for ({@link #toFloatArray()}, {@link #item()}).
 * Operations are grouped by concern in {@link Elementwise}, {@link Reductions}, {@link Linalg},
 * {@link Shapes}, {@link NeuralOps} and {@link AttentionOps}; the most common ones are also methods
 * here. Each operation checks its arguments, runs a backend kernel through {@link
 * dev.heed.core.backend.Kernels} and, when {@link GradMode} is on and an input {@linkplain
 * #requiresGrad() requires a gradient}, records itself on the tape so that {@link #backward()} can
 * derive gradients. All operands of an operation must share one backend and one {@link DType}.
 *
 * <p>Every write into a storage (an in-place operation, an optimizer step) raises the storage's
 * version; backward refuses to use a tensor that an operation saved for its gradient when that
 * tensor was modified in place afterwards, instead of computing a silently wrong gradient.
 *
 * <p>A tensor is released when its {@link Scope} closes or when {@link #close()} is called; using
 * it afterwards throws {@link IllegalStateException}. Tensors are not thread-safe.
 */
public final class Tensor implements AutoCloseable {
  private final Backend backend;
  private final Shape shape;

  /** The view's layout, or null for a tensor contiguous from element 0 (its shape's layout). */
  private final Layout layout;

  private final DType dtype;
  private final Storage storage;
  private boolean closed;
  private boolean requiresGrad;
  private Tensor grad;
  Node node;
  Scope scope;

  /**
   * For a view made by a view operation: the tensor whose storage it views (never itself a view),
   * through which a recorded write into this view is put on the tape; null otherwise.
   */
  final Tensor base;

  /** The value of {@link #history} of {@link #base} when this view's tape entry was made. */
  private int baseHistory;

  /**
   * Raised whenever a recorded write into this tensor (or a view of it) gives it a new tape entry,
   * so that its views made before re-derive their own entries from it.
   */
  int history;

  /**
   * For an INT32 tensor: an exclusive upper bound that every element is known to respect (and no
   * element is negative), established where the values were made or checked, with the storage's
   * version then; null when unknown. Valid while the storage's version is unchanged: any later
   * write forgets it. Lets index operations skip reading the indices back to check them. (An object
   * of its own, so that the many tensors that are not indices carry one reference for it.)
   */
  private IndexBound indexBound;

  private record IndexBound(long bound, int version) {}

  Tensor(Backend backend, Shape shape, DType dtype, Storage storage) {
    this(backend, shape, null, dtype, storage, null);
  }

  private Tensor(
      Backend backend, Shape shape, Layout layout, DType dtype, Storage storage, Tensor base) {
    this.backend = backend;
    this.shape = shape;
    this.layout = layout;
    this.dtype = dtype;
    this.storage = storage;
    this.base = base;
    if (base != null) {
      this.baseHistory = base.history;
    }
    this.scope = Scope.register(this);
  }

  /** Allocates a zero-filled tensor. */
  static Tensor allocate(Backend backend, Shape shape, DType dtype) {
    return new Tensor(
        backend, shape, dtype, new Storage(Kernels.allocate(backend, dtype, shape.size())));
  }

  /**
   * Allocates a tensor whose every element the caller's next kernel call writes, so it need not
   * start as zeros ({@link Backend#allocateForOverwrite}).
   */
  static Tensor allocateForOverwrite(Backend backend, Shape shape, DType dtype) {
    return new Tensor(
        backend,
        shape,
        dtype,
        new Storage(Kernels.allocateForOverwrite(backend, dtype, shape.size())));
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
   * The device buffer of the storage, for backends' optional capabilities and tests; this tensor's
   * elements are where {@link #layout()} says. The buffer belongs to the storage: do not close it.
   */
  public Buffer buffer() {
    if (closed) {
      throw new IllegalStateException(
          "tensor " + shape + " used after it was closed (its scope ended or close() was called)");
    }
    return storage.buffer();
  }

  /** Where this tensor's elements lie in its {@link #buffer()}: shape, strides and offset. */
  public Layout layout() {
    return layout != null ? layout : shape.layout();
  }

  /** Whether the elements lie contiguously in row-major order (at any offset). */
  public boolean isContiguous() {
    return layout == null || layout.isContiguous();
  }

  /** Whether the elements lie contiguously in row-major order from element 0 of the buffer. */
  boolean dense() {
    return layout == null || layout.isContiguous() && layout.offset() == 0;
  }

  /** The buffer index of element (0, …, 0). */
  long offset() {
    return layout == null ? 0 : layout.offset();
  }

  /**
   * This tensor when its elements are contiguous, otherwise a contiguous copy (recorded, with an
   * identity gradient).
   */
  public Tensor contiguous() {
    return isContiguous() ? this : Shapes.copy(this);
  }

  /** Whether this tensor and {@code other} share a storage (one is a view of the other, say). */
  public boolean sharesStorage(Tensor other) {
    return storage == other.storage;
  }

  /**
   * The version of the storage: raised by every write into it after its creation (in-place
   * operations, optimizer steps, writes through views).
   */
  public int version() {
    return storage.version();
  }

  /**
   * An exclusive upper bound of this INT32 tensor's elements (none negative) known without reading
   * them, or -1.
   */
  long knownIndexBound() {
    IndexBound b = indexBound;
    return b != null && b.version() == storage.version() ? b.bound() : -1;
  }

  /** Records that every element lies in {@code [0, bound)} now ({@code bound} -1: unknown). */
  void knowIndexBound(long bound) {
    indexBound = bound < 0 ? null : new IndexBound(bound, storage.version());
  }

  /** Records a write into this tensor's storage. */
  void bumpVersion() {
    storage.bumpVersion();
  }

  /** Whether other tensors (views, detached copies) share this tensor's storage. */
  boolean storageShared() {
    return !storage.exclusive();
  }

  // ---------------------------------------------------------------- autodiff

  /** Whether gradients flow to this tensor. */
  public boolean requiresGrad() {
    if (base != null && baseHistory != base.history) {
      rederive();
    }
    return requiresGrad;
  }

  /**
   * This tensor's current tape entry, or null: a view whose base has been written to since the
   * view's entry was made first re-derives its entry as a view of the base.
   */
  Node currentNode() {
    if (base != null && baseHistory != base.history) {
      rederive();
    }
    return node;
  }

  /** Makes this view's tape entry "a view of the base as it is now". */
  private void rederive() {
    baseHistory = base.history;
    if (!base.requiresGrad()) {
      return;
    }
    Tensor b = base;
    Layout within = Views.within(layout(), b);
    Autograd.attach(
        this,
        "view",
        Autograd.NONE,
        g -> new Tensor[] {Views.scatterInto(g, b.shape(), within)},
        b);
  }

  /**
   * Marks a leaf tensor (one not computed by a recorded operation) as needing a gradient. Returns
   * this tensor.
   */
  public Tensor requiresGrad(boolean value) {
    if (currentNode() != null) {
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
    return currentNode() != null;
  }

  /** The operation that produced this tensor on the tape, or null for a leaf. */
  public String gradFnName() {
    Node n = currentNode();
    return n == null ? null : n.op();
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

  /**
   * A tensor sharing this one's data (and its storage's version) but cut from the tape: no gradient
   * flows through it.
   */
  public Tensor detach() {
    storage.retain();
    Tensor d = new Tensor(backend, shape, layout, dtype, storage, null);
    d.knowIndexBound(knownIndexBound());
    return d;
  }

  // ---------------------------------------------------------------- host transfer

  /**
   * Copies the elements to a new float array (converting from float64 if need be; the 16-bit
   * storage types are widened exactly).
   */
  public float[] toFloatArray() {
    checkSize();
    float[] out = new float[(int) size()];
    switch (dtype) {
      case FLOAT32 -> download(MemorySegment.ofArray(out), out.length);
      case FLOAT64, INT32 -> {
        double[] d = toDoubleArray();
        for (int i = 0; i < out.length; i++) {
          out[i] = (float) d[i];
        }
      }
      case BFLOAT16, FLOAT16 -> {
        short[] h = new short[out.length];
        download(MemorySegment.ofArray(h), out.length);
        for (int i = 0; i < out.length; i++) {
          out[i] = dtype.widen(h[i]);
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
      case FLOAT64 -> download(MemorySegment.ofArray(out), n);
      case FLOAT32 -> {
        float[] f = new float[n];
        download(MemorySegment.ofArray(f), n);
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
      case BFLOAT16, FLOAT16 -> {
        float[] f = toFloatArray();
        for (int i = 0; i < n; i++) {
          out[i] = f[i];
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
    download(MemorySegment.ofArray(out), out.length);
    return out;
  }

  /** Downloads the elements in row-major order: as they lie, or through a contiguous copy. */
  @SuppressWarnings("try")
  private void download(MemorySegment host, int count) {
    if (isContiguous()) {
      Kernels.download(backend, buffer(), offset(), count, host);
      return;
    }
    try (GradMode off = GradMode.disable();
        Tensor packed = Shapes.copy(this)) {
      Kernels.download(backend, packed.buffer(), 0, count, host);
    }
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

  /**
   * The same elements seen with another shape of equal size (a view where the strides allow, a copy
   * otherwise); one extent may be -1 (inferred).
   */
  public Tensor reshape(int... dims) {
    return Shapes.reshape(this, dims);
  }

  /** Swaps two dimensions (a view). */
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
   * it is contiguous from element 0, and it is not on the tape. Returns whether it did.
   */
  boolean adoptOutOfScope() {
    if (closed
        || scope == null
        || node != null
        || requiresGrad
        || base != null
        || !dense()
        || !storage.exclusive()) {
      return false;
    }
    scope = null;
    return true;
  }

  /**
   * A view of this tensor's storage with shape {@code newShape} and layout {@code newLayout}, or
   * contiguous from element 0 when {@code newLayout} is null (not recorded; the view operations
   * record it).
   */
  Tensor view(Shape newShape, Layout newLayout) {
    storage.retain();
    Tensor root = base != null ? base : this;
    Tensor v = new Tensor(backend, newShape, newLayout, dtype, storage, root);
    if (dtype == DType.INT32) {
      v.knowIndexBound(knownIndexBound());
    }
    return v;
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
