package dev.heed.integration;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.io.SafeTensors;
import dev.heed.core.io.SafeTensorsException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16.6: a safetensors header nested thousands of levels deep is refused with a message naming
 * the file, not a {@code StackOverflowError}.
 */
class SafeTensorsNestingTest {
  @TempDir Path dir;

  /** A safetensors file whose header is {@code header}, with no data. */
  static Path withHeader(Path file, String header) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    return Files.write(file, b.array());
  }

  private void assertRefusedAsTooDeep(String header) throws IOException {
    Path file = withHeader(dir.resolve("deep.safetensors"), header);
    SafeTensorsException e =
        assertThrows(SafeTensorsException.class, () -> SafeTensors.entries(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("nested"), e.getMessage());
  }

  @Test
  void deeplyNestedArraysAreRefused() throws IOException {
    assertRefusedAsTooDeep("{\"a\":" + "[".repeat(6000) + "]".repeat(6000) + "}");
  }

  @Test
  void deeplyNestedObjectsAreRefused() throws IOException {
    assertRefusedAsTooDeep("{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000));
  }

  @Test
  void unclosedNestingIsRefusedToo() throws IOException {
    assertRefusedAsTooDeep("{\"a\":" + "[".repeat(200_000));
  }
}
