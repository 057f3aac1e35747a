package dev.heed.backend.opencl;

import dev.heed.core.backend.ElementwiseProgram;

/**
 * The OpenCL C of one {@link ElementwiseProgram}: a kernel with one work item per element that
 * loads every input into a register, computes each step into a new register with the operations of
 * {@code ops.cl} (the definitions the unary and binary kernels use, called with constant codes so
 * the compiler keeps only the branch taken), and stores the output registers.
 *
 * <p>The kernel's arguments are the run-time parameters (of the element type, so a FLOAT32 kernel
 * receives them rounded to float, as {@link dev.heed.core.backend.UnaryOp#applyFloat32} compares),
 * the input buffers, the output buffers and the element count. Constants are literals of the
 * element type (exact hexadecimal floats). Floating-point contraction is off, so each step is
 * rounded to the element type as {@link ElementwiseProgram#evaluate} defines it.
 */
final class FusedSource {
  private FusedSource() {}

  /** The source of kernel {@code name} for {@code program} over FLOAT64 when {@code wide}. */
  static String of(ElementwiseProgram program, boolean wide, String name) {
    String t = wide ? "double" : "float";
    String k = wide ? "_f64" : "_f32";
    StringBuilder s = new StringBuilder();
    if (wide) {
      s.append("#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n");
    }
    s.append("#pragma OPENCL FP_CONTRACT OFF\n");
    s.append(ClProgram.instance(ClProgram.resource("ops.cl"), t, k.substring(1), "(" + t + ")"));
    s.append("__kernel void ").append(name).append('(');
    for (int p = 0; p < program.parameters(); p++) {
      s.append(t).append(" p").append(p).append(", ");
    }
    for (int i = 0; i < program.inputs(); i++) {
      s.append("__global const ").append(t).append("* in").append(i).append(", ");
    }
    for (int o = 0; o < program.outputCount(); o++) {
      s.append("__global ").append(t).append("* out").append(o).append(", ");
    }
    s.append("long n) {\n  long e = get_global_id(0);\n  if (e >= n) return;\n");
    for (int i = 0; i < program.inputs(); i++) {
      s.append("  const ").append(t).append(" r").append(i).append(" = in").append(i);
      s.append("[e];\n");
    }
    for (int i = 0; i < program.stepCount(); i++) {
      ElementwiseProgram.Step step = program.step(i);
      s.append("  const ").append(t).append(" r").append(program.inputs() + i).append(" = ");
      if (step.unary() != null) {
        s.append("unop").append(k).append('(').append(step.unary().ordinal());
        s.append(", r").append(step.x());
        s.append(", ").append(scalar(step.a(), wide));
        s.append(", ").append(scalar(step.b(), wide)).append(");\n");
      } else {
        s.append("binop").append(k).append('(').append(step.binary().ordinal());
        s.append(", r").append(step.x()).append(", r").append(step.y()).append(");\n");
      }
    }
    for (int o = 0; o < program.outputCount(); o++) {
      s.append("  out").append(o).append("[e] = r").append(program.output(o)).append(";\n");
    }
    return s.append("}\n").toString();
  }

  private static String scalar(ElementwiseProgram.Scalar a, boolean wide) {
    return a.isParameter() ? "p" + a.index() : literal(a.value(), wide);
  }

  /** {@code value} rounded to the element type, as an exact OpenCL C literal. */
  static String literal(double value, boolean wide) {
    String t = wide ? "double" : "float";
    double v = wide ? value : (float) value;
    if (Double.isNaN(v)) {
      return "((" + t + ") NAN)";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "((" + t + ") INFINITY)" : "((" + t + ") -INFINITY)";
    }
    return wide ? "(" + Double.toHexString(v) + ")" : "(" + Float.toHexString((float) v) + "f)";
  }
}
