/**
 * Backend-neutral helpers for backend authors: the argument checks every kernel runs ({@link
 * dev.heed.core.backend.support.KernelChecks}, with the messages all backends share), the
 * simplification of strided views ({@link dev.heed.core.backend.support.MergedLayouts}) and a
 * row-by-row walk over them ({@link dev.heed.core.backend.support.StridedWalk}), and scalar
 * reference kernels over heap arrays. Nothing here is needed to use a backend; tensors and layers
 * never see this package.
 */
package dev.heed.core.backend.support;
