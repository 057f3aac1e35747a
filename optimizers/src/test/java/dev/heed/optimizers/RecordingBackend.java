package dev.heed.optimizers;

import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.Capability;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.FusedElementwise;
import dev.heed.core.backend.support.HeapBackend;
import dev.heed.core.backend.support.HeapBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The reference kernels plus a {@link FusedElementwise} that evaluates each program by its
 * definition ({@link ElementwiseProgram#evaluate}, element by element) and remembers the program
 * objects of the updates it runs in place (an output buffer that is also an input: an optimizer
 * writing {@code p}, {@code m} and {@code v} over themselves), so a test can count the programs an
 * optimizer builds and see the run-time parameters it passes. The programs that autograd runs into
 * new tensors (the derivative of a square) are run but not recorded.
 */
final class RecordingBackend extends HeapBackend {
  private final Set<ElementwiseProgram> programs =
      Collections.newSetFromMap(new IdentityHashMap<>());
  private final List<double[]> parameters = new ArrayList<>();

  private final FusedElementwise fused =
      new FusedElementwise() {
        @Override
        public boolean supports(DType dtype) {
          return dtype == DType.FLOAT32 || dtype == DType.FLOAT64;
        }

        @Override
        public void run(
            ElementwiseProgram program,
            double[] values,
            Buffer[] inputs,
            Buffer[] outputs,
            long count) {
          if (inPlace(inputs, outputs)) {
            programs.add(program);
            parameters.add(values.clone());
          }
          boolean float32 = inputs[0].dtype() == DType.FLOAT32;
          double[] in = new double[inputs.length];
          for (int e = 0; e < count; e++) {
            for (int i = 0; i < in.length; i++) {
              in[i] = read((HeapBuffer) inputs[i], e);
            }
            double[] out = program.evaluate(in, values, float32);
            for (int j = 0; j < out.length; j++) {
              write((HeapBuffer) outputs[j], e, out[j]);
            }
          }
        }
      };

  private static boolean inPlace(Buffer[] inputs, Buffer[] outputs) {
    for (Buffer out : outputs) {
      for (Buffer in : inputs) {
        if (in == out) {
          return true;
        }
      }
    }
    return false;
  }

  private static double read(HeapBuffer b, int e) {
    return b.dtype() == DType.FLOAT32 ? b.floats()[e] : b.doubles()[e];
  }

  private static void write(HeapBuffer b, int e, double value) {
    if (b.dtype() == DType.FLOAT32) {
      b.floats()[e] = (float) value;
    } else {
      b.doubles()[e] = value;
    }
  }

  /** The distinct program objects of the in-place runs so far (by identity, not by structure). */
  Set<ElementwiseProgram> programs() {
    return programs;
  }

  /** The run-time parameters of every in-place run so far, in order. */
  List<double[]> parameters() {
    return parameters;
  }

  @Override
  public <T extends Capability> Optional<T> capability(Class<T> type) {
    return type == FusedElementwise.class ? Optional.of(type.cast(fused)) : Optional.empty();
  }

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public String deviceDescription() {
    return "reference kernels and a recording fused chain";
  }
}
