/**
 * The {@code heed} command line: plugins, init, train, eval, predict, import, generate, bench,
 * completion. The only Heed module that writes to standard output and error.
 */
@SuppressWarnings("requires-automatic")
module dev.heed.cli {
  requires dev.heed.core;
  requires dev.heed.assembly;
  requires dev.heed.bench;
  requires dev.heed.pretrained;
  requires info.picocli;
  requires org.jfree.jfreechart;
  requires java.desktop;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.yaml;

  opens dev.heed.cli to
      info.picocli;
}
