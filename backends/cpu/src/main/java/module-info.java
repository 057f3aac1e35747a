module dev.heed.backend.cpu {
  requires dev.heed.core;
}
