/**
 * Backend-neutral helpers for backend authors: {@link dev.heed.core.backend.support.HeapBackend}, a
 * base that implements every kernel over Java arrays ({@link
 * dev.heed.core.backend.support.HeapBuffer}) with the reference loops, for any strides; the
 * simplification of strided views ({@link dev.heed.core.backend.support.MergedLayouts}) and a
 * row-by-row walk over them ({@link dev.heed.core.backend.support.StridedWalk}); and the scalar
 * reference kernels themselves ({@code Reference*}), the definitions other backends are compared
 * with; and {@link dev.heed.core.backend.support.DelegatingBackend}, a base for backends that wrap
 * another one (to count, trace, time or record its kernels) and pass its capabilities through, each
 * capability call as a {@link dev.heed.core.backend.support.FusedCall}. Nothing here checks
 * arguments (core does, in {@link dev.heed.core.backend.Kernels}), and nothing here is needed to
 * use a backend; tensors and layers never see this package.
 */
package dev.heed.core.backend.support;
