/**
 * Activation providers: the PyTorch catalogue ({@code torch.nn} names, option names and defaults)
 * plus {@code swish}, {@code cube}, {@code rational-tanh}, {@code rectified-tanh}, {@code
 * thresholded-relu} and {@code identity}.
 *
 * <p>Each activation is one small provider class. A parameterless function extends {@link
 * dev.heed.activations.ElementwiseActivationProvider} and composes core operations in {@code
 * function(Options)}; an activation along an axis ({@code softmax}, {@code glu}) extends {@code
 * AxisActivationProvider} (option {@code dim}); {@code prelu} (learnable {@code weight}) and {@code
 * rrelu} (random slopes in training) implement {@link dev.heed.core.nn.ActivationProvider}
 * directly. Gradients come from the tape.
 *
 * <p><b>Kinks.</b> The derivative at a point where the function is not differentiable is the one
 * PyTorch's autograd gives, checked against PyTorch fixtures: {@code relu}, {@code
 * thresholded-relu}, {@code threshold}, {@code rectified-tanh}: 0 at the threshold; {@code
 * leaky-relu}, {@code rrelu}, {@code prelu}: the negative slope at 0; {@code elu}, {@code selu},
 * {@code celu}: the negative piece's derivative at 0 ({@code alpha}, {@code scale·alpha}, 1);
 * {@code hardtanh}, {@code relu6}, {@code hardsigmoid}, {@code hardshrink}, {@code softshrink}: 0
 * at the bounds; {@code hardswish}: 0 at -3 and 1 at 3 (PyTorch since pytorch/pytorch#148049; torch
 * 2.6 and earlier answer -1/2 and 3/2); {@code softplus}: the smooth form at {@code beta·x =
 * threshold}; {@code softsign}, {@code log-sigmoid}, {@code mish}: their true derivative at 0. An
 * option is compared with the input in the input's dtype, as in PyTorch: in FLOAT32 a threshold of
 * 0.1 is {@code 0.1f}, and {@code x = 0.1f} is on the kink.
 *
 * <p><b>Large inputs.</b> {@code softplus}, {@code log-sigmoid}, {@code mish}, {@code sigmoid} and
 * the softmax family never overflow: no {@code exp} of a large positive argument is taken, and
 * piecewise forms multiply by 0/1 masks rather than select an overflowing branch.
 */
package dev.heed.activations;
