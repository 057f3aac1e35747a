package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code heed serve} reaches the heed-serve tool and passes its arguments through. */
class ServeCommandTest {
  @Test
  void helpIsTheServersOwn() {
    Heeds.Result r = Heeds.run("serve", "--help").expect(0).noStackTrace();
    assertTrue(r.out().startsWith("Usage: heed serve"), r.out());
    for (String o : new String[] {"--port", "--max-batch", "--queue", "--reload-ms"}) {
      assertTrue(r.out().contains(o), o + " in\n" + r.out());
    }
  }

  @Test
  void aMissingRunDirectoryIsBadInput() {
    Heeds.Result r = Heeds.run("serve", "no-such-run", "--port", "0").expect(2).noStackTrace();
    assertTrue(r.err().startsWith("heed serve: error: no-such-run: no such directory"), r.err());
  }

  @Test
  void theMainHelpListsServe() {
    Heeds.Result r = Heeds.run("--help").expect(0);
    assertTrue(r.out().contains("serve"), r.out());
  }
}
