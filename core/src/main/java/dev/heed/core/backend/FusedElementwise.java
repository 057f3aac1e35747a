package dev.heed.core.backend;

/**
 * Optional fused evaluation of an {@link ElementwiseProgram}: the whole chain in one pass over the
 * operands, with the intermediate values kept in registers or cache instead of written to memory.
 * Core's {@code Elementwise.fused} uses it when a backend offers it for the tensors' type, and
 * otherwise runs the steps as separate {@link Backend#unary} and {@link Backend#binary} kernels;
 * the results agree within the contract tolerances (every step is rounded to the element type, as
 * {@link ElementwiseProgram#evaluate} defines it).
 *
 * <p>Every operand is a contiguous run of {@code count} elements from element 0 of its buffer, of
 * one floating-point type, belonging to the backend that offers the capability. An output may be
 * the same buffer as an input (an update in place, as an optimizer's {@code p}, {@code m} and
 * {@code v}); outputs must be distinct from each other.
 *
 * <p>A program's structure (its steps and constants) stays the same while its {@linkplain
 * ElementwiseProgram.Scalar#parameter run-time parameters} change from call to call (a learning
 * rate, a bias correction): a backend that compiles programs caches what it builds by {@link
 * ElementwiseProgram#equals structure}, and builds once per structure, not once per call.
 */
public interface FusedElementwise extends Capability {

  /** Whether buffers of {@code dtype} are handled (otherwise core runs the steps one by one). */
  boolean supports(DType dtype);

  /**
   * For each element index {@code e < count}: reads element {@code e} of every input, runs the
   * program's steps and writes its outputs' element {@code e}.
   *
   * @param program the chain
   * @param parameters the values of the program's run-time parameters, {@link
   *     ElementwiseProgram#parameters()} of them
   * @param inputs one buffer per program input
   * @param outputs one buffer per program output
   * @param count number of elements, at least 1
   */
  void run(
      ElementwiseProgram program,
      double[] parameters,
      Buffer[] inputs,
      Buffer[] outputs,
      long count);
}
