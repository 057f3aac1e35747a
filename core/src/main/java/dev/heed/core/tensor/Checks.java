package dev.heed.core.tensor;

import dev.heed.core.backend.DType;

/** Argument checks shared by the operations; messages name the operation and the shapes. */
final class Checks {
  private Checks() {}

  /**
   * As {@link #sameDevice}, except that a right operand of a 16-bit storage type (weights kept in
   * BFLOAT16 or FLOAT16) goes with a FLOAT32 left operand: matmul widens it as it reads it.
   */
  static void sameDeviceOrStoredWeight(String op, Tensor a, Tensor w) {
    if (w.dtype().isStorageOnly() && a.dtype() == DType.FLOAT32) {
      if (a.backend() != w.backend()) {
        sameDevice(op, a, w);
      }
      return;
    }
    sameDevice(op, a, w);
  }

  static void sameDevice(String op, Tensor a, Tensor b) {
    if (a.backend() != b.backend()) {
      throw new IllegalArgumentException(
          op
              + ": operands live on different backends ("
              + a.backend().name()
              + " and "
              + b.backend().name()
              + "); move one with Tensors.copyTo first");
    }
    if (a.dtype() != b.dtype()) {
      throw new IllegalArgumentException(
          op
              + ": operands have different element types ("
              + a.dtype()
              + " "
              + a.shape()
              + " and "
              + b.dtype()
              + " "
              + b.shape()
              + "); convert one with to(DType)");
    }
  }

  static void floating(String op, Tensor t) {
    if (!t.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(
          op + ": needs a floating-point tensor, got " + t.dtype() + " " + t.shape());
    }
  }

  static void indices(String op, Tensor t) {
    if (t.dtype() != DType.INT32) {
      throw new IllegalArgumentException(
          op + ": indices must be an INT32 tensor, got " + t.dtype() + " " + t.shape());
    }
  }
}
