package dev.heed.core.backend.support;

import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.FusedElementwise;

/**
 * {@link FusedElementwise} for {@link HeapBackend}s by the program's definition: element by
 * element, {@link ElementwiseProgram#evaluateInPlace} — every step computed as {@link
 * dev.heed.core.backend.UnaryOp#apply} or {@link dev.heed.core.backend.BinaryOp#apply} define it
 * and rounded to the element type, which is bit for bit what the reference kernels compute run one
 * after the other. It makes no pass faster; it lets a reference backend run an optimizer's update
 * as one call, so that a step capture on it can replay the update ({@code backend.replay}). FLOAT32
 * and FLOAT64. Stateless; thread-safe.
 */
public final class ReferenceFused implements FusedElementwise {
  /** The instance; it keeps nothing. */
  public static final ReferenceFused INSTANCE = new ReferenceFused();

  private ReferenceFused() {}

  @Override
  public boolean supports(DType dtype) {
    return dtype == DType.FLOAT32 || dtype == DType.FLOAT64;
  }

  @Override
  public void run(
      ElementwiseProgram program,
      double[] parameters,
      Buffer[] inputs,
      Buffer[] outputs,
      long count) {
    program.checkParameters(parameters);
    double[] params = parameters == null ? new double[0] : parameters;
    double[] r = new double[program.registers()];
    int n = (int) count;
    int ins = inputs.length;
    int outs = outputs.length;
    int[] at = new int[outs];
    for (int j = 0; j < outs; j++) {
      at[j] = program.output(j);
    }
    if (outputs[0].dtype() == DType.FLOAT32) {
      float[][] x = new float[ins][];
      for (int i = 0; i < ins; i++) {
        x[i] = ((HeapBuffer) inputs[i]).floats();
      }
      float[][] y = new float[outs][];
      for (int j = 0; j < outs; j++) {
        y[j] = ((HeapBuffer) outputs[j]).floats();
      }
      for (int e = 0; e < n; e++) {
        for (int i = 0; i < ins; i++) {
          r[i] = x[i][e];
        }
        program.evaluateInPlace(r, params, true);
        for (int j = 0; j < outs; j++) {
          y[j][e] = (float) r[at[j]];
        }
      }
    } else {
      double[][] x = new double[ins][];
      for (int i = 0; i < ins; i++) {
        x[i] = ((HeapBuffer) inputs[i]).doubles();
      }
      double[][] y = new double[outs][];
      for (int j = 0; j < outs; j++) {
        y[j] = ((HeapBuffer) outputs[j]).doubles();
      }
      for (int e = 0; e < n; e++) {
        for (int i = 0; i < ins; i++) {
          r[i] = x[i][e];
        }
        program.evaluateInPlace(r, params, false);
        for (int j = 0; j < outs; j++) {
          y[j][e] = r[at[j]];
        }
      }
    }
  }
}
