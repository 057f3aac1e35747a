module dev.heed.attention {
  requires dev.heed.core;
}
