module dev.heed.testkit {
  requires transitive dev.heed.core;
  requires transitive org.junit.jupiter.api;
  requires org.junit.jupiter.params;
  requires dev.heed.backend.cpu;
}
