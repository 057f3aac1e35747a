/**
 * Contract tests and a gradient checker for Heed plugin authors. Extend {@link
 * dev.heed.testkit.ActivationContract}, {@link dev.heed.testkit.AttentionUnitContract}, {@link
 * dev.heed.testkit.OptimizerContract} or {@link dev.heed.testkit.BackendContract} in a JUnit 5 test
 * of your plugin, and check your own differentiable code with {@link
 * dev.heed.testkit.GradientChecker}. Each optional backend capability has its own contract ({@link
 * dev.heed.testkit.FusedElementwiseContract}, {@link dev.heed.testkit.FusedLayerNormContract},
 * {@link dev.heed.testkit.FusedAttentionContract}), which {@code BackendContract} also runs on its
 * backend. The reference {@code cpu} backend comes along as the oracle; it is found through {@link
 * dev.heed.core.Plugins}, never imported.
 */
module dev.heed.testkit {
  requires transitive dev.heed.core;
  requires transitive org.junit.jupiter.api;
  requires transitive org.junit.jupiter.params;
  // Not read by the code: keeps the reference backend in every module graph that has the testkit.
  requires dev.heed.backend.cpu;

  exports dev.heed.testkit;

  // JUnit invokes the contracts' test methods and argument sources reflectively, from the module
  // path or the class path.
  opens dev.heed.testkit;
}
