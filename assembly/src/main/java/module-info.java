/**
 * Heed's assembly: the YAML/JSON config model and its validation, the Guice module that builds a
 * model and its training run from plugins found at run time, the trainer, data sources and
 * checkpoints, and the {@link dev.heed.assembly.Heed} facade.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.heed.assembly {
  requires transitive dev.heed.core;
  requires transitive com.google.guice;
  // Guice is an automatic module and declares no dependencies: these make its own (Guava, the
  // jakarta.inject annotations) part of any module graph that requires dev.heed.assembly.
  requires com.google.common;
  requires jakarta.inject;
  requires java.logging;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.yaml;

  exports dev.heed.assembly;
  exports dev.heed.assembly.api;
  exports dev.heed.assembly.config;
  exports dev.heed.assembly.data;
  exports dev.heed.assembly.train;

  opens dev.heed.assembly to
      com.google.guice;

  provides dev.heed.core.data.DatasetProvider with
      dev.heed.assembly.data.CsvDatasetProvider,
      dev.heed.assembly.data.TextDatasetProvider,
      dev.heed.assembly.data.CorpusDatasetProvider,
      dev.heed.assembly.data.GeneratedDatasetProvider.SeedRegression,
      dev.heed.assembly.data.GeneratedDatasetProvider.FeatureSelection,
      dev.heed.assembly.data.GeneratedDatasetProvider.MarkedTokenRecall,
      dev.heed.assembly.data.GeneratedDatasetProvider.DigitReversal;
}
