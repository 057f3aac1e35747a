/**
 * Heed's built-in optimizers and learning-rate schedules. Updates run as backend kernels on the
 * parameters' device, outside the tape. The module exports nothing: optimizers and schedules are
 * found by name through {@link dev.heed.core.Plugins}.
 */
module dev.heed.optimizers {
  requires dev.heed.core;

  provides dev.heed.core.optim.OptimizerProvider with
      dev.heed.optimizers.SgdOptimizerProvider,
      dev.heed.optimizers.AdagradOptimizerProvider,
      dev.heed.optimizers.AdadeltaOptimizerProvider,
      dev.heed.optimizers.RmspropOptimizerProvider,
      dev.heed.optimizers.AdamOptimizerProvider,
      dev.heed.optimizers.AdamWOptimizerProvider,
      dev.heed.optimizers.AdamaxOptimizerProvider,
      dev.heed.optimizers.NadamOptimizerProvider,
      dev.heed.optimizers.RadamOptimizerProvider,
      dev.heed.optimizers.RpropOptimizerProvider,
      dev.heed.optimizers.LionOptimizerProvider,
      dev.heed.optimizers.LambOptimizerProvider,
      dev.heed.optimizers.AdaBeliefOptimizerProvider;
  provides dev.heed.core.optim.ScheduleProvider with
      dev.heed.optimizers.schedules.ConstantScheduleProvider,
      dev.heed.optimizers.schedules.StepScheduleProvider,
      dev.heed.optimizers.schedules.MultiStepScheduleProvider,
      dev.heed.optimizers.schedules.ExponentialScheduleProvider,
      dev.heed.optimizers.schedules.LinearScheduleProvider,
      dev.heed.optimizers.schedules.CosineScheduleProvider,
      dev.heed.optimizers.schedules.CosineWarmRestartsScheduleProvider,
      dev.heed.optimizers.schedules.OneCycleScheduleProvider,
      dev.heed.optimizers.schedules.PolynomialScheduleProvider,
      dev.heed.optimizers.schedules.WarmupScheduleProvider,
      dev.heed.optimizers.schedules.SequentialScheduleProvider,
      dev.heed.optimizers.schedules.PlateauScheduleProvider;
}
