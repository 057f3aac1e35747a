/**
 * Heed's vision layers and image data sets: convolution (1-d and 2-d), max, average and adaptive
 * pooling, batch normalisation, flatten, normalisation and seeded augmentations as layers, the
 * patch embedding of a vision transformer, and data sets of IDX files (the MNIST family) and of
 * PNG/JPEG folders. Layers are composed of core tensor operations, so they run on every backend and
 * their gradients come from the tape. The module exports nothing: layers and data sets are found by
 * name through {@link dev.heed.core.Plugins}.
 */
module dev.heed.vision {
  requires dev.heed.core;
  requires java.desktop;

  provides dev.heed.core.nn.LayerProvider with
      dev.heed.vision.Conv1dProvider,
      dev.heed.vision.Conv2dProvider,
      dev.heed.vision.MaxPool2dProvider,
      dev.heed.vision.AvgPool2dProvider,
      dev.heed.vision.AdaptiveAvgPool2dProvider,
      dev.heed.vision.BatchNorm1dProvider,
      dev.heed.vision.BatchNorm2dProvider,
      dev.heed.vision.FlattenProvider,
      dev.heed.vision.NormalizeProvider,
      dev.heed.vision.RandomCropProvider,
      dev.heed.vision.RandomFlipProvider,
      dev.heed.vision.PatchEmbeddingProvider;
  provides dev.heed.core.data.DatasetProvider with
      dev.heed.vision.data.IdxDatasetProvider,
      dev.heed.vision.data.ImageFolderDatasetProvider;
}
