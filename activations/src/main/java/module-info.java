module dev.heed.activations {
  requires dev.heed.core;
}
