module dev.heed.integration {
  requires dev.heed.core;
}
