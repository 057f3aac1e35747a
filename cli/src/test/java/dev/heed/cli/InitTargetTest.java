package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16.5 and 16.13: {@code heed init --force} replaces only a regular file; anything else given
 * as {@code --out} (a FIFO, a symbolic link, a directory where the file would go) is refused with
 * status 2 and left as it was, and so is a path under a regular file.
 */
class InitTargetTest {
  @TempDir Path tmp;

  private static boolean mkfifo(Path p) throws IOException, InterruptedException {
    try {
      Process mk = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
      return mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0;
    } catch (IOException e) {
      return false; // no mkfifo on this system
    }
  }

  /** The text template writes its corpus beside the config, and keeps one that is there. */
  @Test
  void textTemplateWritesItsCorpusAndKeepsAnExistingOne() throws IOException {
    Path a = tmp.resolve("a");
    Files.createDirectories(a);
    Heeds.Result r = Heeds.run("init", "character-language-model", "--out", a.toString());
    r.expect(Exits.OK).noStackTrace();
    assertTrue(Files.readString(a.resolve("corpus.txt")).contains("Heed"), r.out());
    assertTrue(
        Files.readString(a.resolve("character-language-model.yaml")).contains("path: corpus.txt"));
    Path b = tmp.resolve("b");
    Files.createDirectories(b);
    Files.writeString(b.resolve("corpus.txt"), "my own text\n");
    r = Heeds.run("init", "character-language-model", "--out", b.toString()).expect(Exits.OK);
    assertEquals("my own text\n", Files.readString(b.resolve("corpus.txt")));
    assertTrue(r.out().contains("kept " + b.resolve("corpus.txt")), r.out());
  }

  @Test
  void forceRefusesAFifo() throws Exception {
    Path fifo = tmp.resolve("pipe.yaml");
    assumeTrue(mkfifo(fifo), "mkfifo is not available");
    Heeds.Result r = Heeds.run("init", "seed-simple", "--out", fifo.toString(), "--force");
    r.expect(Exits.BAD_INPUT).noStackTrace();
    assertTrue(r.err().contains(fifo.toString()), r.err());
    assertTrue(r.err().contains("not a regular file"), r.err());
    assertTrue(Files.exists(fifo, LinkOption.NOFOLLOW_LINKS), "the FIFO is gone");
    assertTrue(!Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS), "the FIFO was replaced");
  }

  @Test
  void forceRefusesASymbolicLink() throws Exception {
    Path target = Files.writeString(tmp.resolve("real.yaml"), "keep me\n");
    Path link = tmp.resolve("link.yaml");
    Files.createSymbolicLink(link, target);
    Heeds.Result r = Heeds.run("init", "seed-simple", "--out", link.toString(), "--force");
    r.expect(Exits.BAD_INPUT).noStackTrace();
    assertTrue(r.err().contains("symbolic link"), r.err());
    assertTrue(Files.isSymbolicLink(link), "the link was replaced");
    assertEquals("keep me\n", Files.readString(target));
  }

  @Test
  void forceRefusesADirectoryWhereTheFileWouldGo() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("out").resolve("seed-simple.yaml"));
    Heeds.Result r =
        Heeds.run("init", "seed-simple", "--out", dir.getParent().toString(), "--force");
    r.expect(Exits.BAD_INPUT).noStackTrace();
    assertTrue(r.err().contains("directory"), r.err());
    assertTrue(Files.isDirectory(dir));
  }

  @Test
  void forceStillReplacesARegularFile() throws Exception {
    Path file = Files.writeString(tmp.resolve("c.yaml"), "old\n");
    Heeds.run("init", "seed-simple", "--out", file.toString(), "--force").expect(Exits.OK);
    assertTrue(Files.readString(file).contains("model"), Files.readString(file));
  }

  @Test
  void outUnderARegularFileIsBadInput() throws Exception {
    Path file = Files.writeString(tmp.resolve("plain.txt"), "x\n");
    Path out = file.resolve("sub").resolve("c.yaml");
    Heeds.Result r = Heeds.run("init", "seed-simple", "--out", out.toString());
    r.expect(Exits.BAD_INPUT).noStackTrace();
    assertTrue(r.err().contains(file.toString()), r.err());
    assertTrue(r.err().contains("not a directory"), r.err());
    assertEquals("x\n", Files.readString(file));
  }
}
