module dev.heed.optimizers {
  requires dev.heed.core;
}
