/**
 * Tensors and their operations, and reverse-mode autodiff.
 *
 * <p>A {@link dev.heed.core.tensor.Tensor} is a strided view (shape, strides, offset) over a
 * reference-counted storage holding one backend buffer. View operations ({@link
 * dev.heed.core.tensor.Shapes}: permute, transpose, slice/narrow, select, expand,
 * unsqueeze/squeeze, reshape where the strides allow) share the storage; other operations run
 * backend kernels, which read views directly where they can and get a contiguous copy where they
 * cannot. Operations are grouped by concern: {@link dev.heed.core.tensor.Elementwise}, {@link
 * dev.heed.core.tensor.Reductions}, {@link dev.heed.core.tensor.Linalg}, {@link
 * dev.heed.core.tensor.Shapes}, {@link dev.heed.core.tensor.NeuralOps} and {@link
 * dev.heed.core.tensor.AttentionOps}; {@link dev.heed.core.tensor.Tensors} creates tensors.
 *
 * <p><b>Autodiff.</b> With {@link dev.heed.core.tensor.GradMode} on, each operation with an input
 * that requires a gradient records an entry on the tape: its inputs, the entries that produced
 * them, the tensors its gradient formula reads, and the formula, itself written with these
 * operations (so gradients run on every backend). {@code backward} walks the entries in reverse. A
 * write into a tensor or a view with {@link dev.heed.core.tensor.Elementwise#assign} is recorded as
 * PyTorch records {@code copy_}; other in-place updates are not recorded and are refused while
 * recording when they would change a gradient. Every write raises its storage's version, and
 * backward refuses a saved tensor that was modified after it was saved, naming the operation.
 *
 * <p><b>Lifetimes.</b> A {@link dev.heed.core.tensor.Scope} (try-with-resources) releases the
 * tensors made inside it; a storage's buffer is released when its last tensor or view closes.
 */
package dev.heed.core.tensor;
