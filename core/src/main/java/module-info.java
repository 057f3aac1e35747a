/**
 * Heed's core: the tensor, autodiff, the backend SPI and the plugin SPIs, with no dependency beyond
 * the JDK. Implementations live in other modules and are found with {@link java.util.ServiceLoader}
 * through {@link dev.heed.core.Plugins}.
 */
module dev.heed.core {
  exports dev.heed.core;
  exports dev.heed.core.backend;
  exports dev.heed.core.backend.support;
  exports dev.heed.core.backend.replay;
  exports dev.heed.core.tensor;
  exports dev.heed.core.nn;
  exports dev.heed.core.optim;
  exports dev.heed.core.optim.support;
  exports dev.heed.core.plugin;
  exports dev.heed.core.io;
  exports dev.heed.core.data;
  exports dev.heed.core.text;

  uses dev.heed.core.backend.BackendProvider;
  uses dev.heed.core.nn.ActivationProvider;
  uses dev.heed.core.nn.AttentionUnitProvider;
  uses dev.heed.core.nn.InitializerProvider;
  uses dev.heed.core.nn.LayerProvider;
  uses dev.heed.core.nn.LossProvider;
  uses dev.heed.core.optim.ScheduleProvider;
  uses dev.heed.core.optim.OptimizerProvider;
  uses dev.heed.core.data.DatasetProvider;
  uses dev.heed.core.text.TokenizerProvider;

  provides dev.heed.core.nn.LayerProvider with
      dev.heed.core.internal.layers.DenseLayerProvider;
  provides dev.heed.core.nn.LossProvider with
      dev.heed.core.internal.losses.MseLossProvider,
      dev.heed.core.internal.losses.CrossEntropyLossProvider;
  provides dev.heed.core.nn.InitializerProvider with
      dev.heed.core.internal.initializers.ZerosInitializerProvider,
      dev.heed.core.internal.initializers.ConstantInitializerProvider,
      dev.heed.core.internal.initializers.NormalInitializerProvider,
      dev.heed.core.internal.initializers.UniformInitializerProvider,
      dev.heed.core.internal.initializers.XavierInitializerProvider,
      dev.heed.core.internal.initializers.HeInitializerProvider;
}
