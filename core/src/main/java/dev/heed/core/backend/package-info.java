/**
 * The compute SPI: a {@link dev.heed.core.backend.Backend} is about twenty primitive kernels over
 * opaque {@link dev.heed.core.backend.Buffer}s and strided views ({@link
 * dev.heed.core.backend.Layout}); everything else is composed in core from them.
 *
 * <p><b>Checks in one place.</b> Kernels are unchecked: core checks every call once, before
 * dispatch, in {@link dev.heed.core.backend.Kernels}, with the same messages for every backend;
 * {@link dev.heed.core.backend.CheckedBackend} wraps a backend with those checks for code that
 * calls kernels directly. A backend implementation therefore holds no validation code.
 *
 * <p><b>Capabilities.</b> A backend may offer a faster version of one whole operation through an
 * optional {@link dev.heed.core.backend.Capability}: {@link dev.heed.core.backend.FusedElementwise}
 * (an {@link dev.heed.core.backend.ElementwiseProgram} with run-time parameters in one pass),
 * {@link dev.heed.core.backend.FusedLayerNorm} and {@link dev.heed.core.backend.FusedAttention}
 * (scaled dot-product attention as {@link dev.heed.core.backend.AttentionProblem} defines it). Each
 * is described in core's terms, has a composite reference in {@code dev.heed.core.tensor}, and has
 * a contract in the testkit that a backend offering it must pass.
 */
package dev.heed.core.backend;
