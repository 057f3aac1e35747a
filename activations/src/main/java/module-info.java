/**
 * Heed's built-in activation functions. Each is composed of core tensor operations, so it runs on
 * every backend and its gradient comes from the tape. The module exports nothing: activations are
 * found by name through {@link dev.heed.core.Plugins}.
 */
module dev.heed.activations {
  requires dev.heed.core;

  provides dev.heed.core.nn.ActivationProvider with
      dev.heed.activations.CeluActivationProvider,
      dev.heed.activations.CubeActivationProvider,
      dev.heed.activations.EluActivationProvider,
      dev.heed.activations.GeluActivationProvider,
      dev.heed.activations.GluActivationProvider,
      dev.heed.activations.HardshrinkActivationProvider,
      dev.heed.activations.HardsigmoidActivationProvider,
      dev.heed.activations.HardswishActivationProvider,
      dev.heed.activations.HardtanhActivationProvider,
      dev.heed.activations.IdentityActivationProvider,
      dev.heed.activations.LeakyReluActivationProvider,
      dev.heed.activations.LogSigmoidActivationProvider,
      dev.heed.activations.LogSoftmaxActivationProvider,
      dev.heed.activations.MishActivationProvider,
      dev.heed.activations.PreluActivationProvider,
      dev.heed.activations.RationalTanhActivationProvider,
      dev.heed.activations.RectifiedTanhActivationProvider,
      dev.heed.activations.Relu6ActivationProvider,
      dev.heed.activations.ReluActivationProvider,
      dev.heed.activations.RreluActivationProvider,
      dev.heed.activations.SeluActivationProvider,
      dev.heed.activations.SigmoidActivationProvider,
      dev.heed.activations.SiluActivationProvider,
      dev.heed.activations.SoftmaxActivationProvider,
      dev.heed.activations.SoftminActivationProvider,
      dev.heed.activations.SoftplusActivationProvider,
      dev.heed.activations.SoftshrinkActivationProvider,
      dev.heed.activations.SoftsignActivationProvider,
      dev.heed.activations.SwishActivationProvider,
      dev.heed.activations.TanhActivationProvider,
      dev.heed.activations.TanhshrinkActivationProvider,
      dev.heed.activations.ThresholdActivationProvider,
      dev.heed.activations.ThresholdedReluActivationProvider;
}
