package io.reelay.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedS3LeftoversTest {
  @Test
  @DisplayName("half-written multipart part files from a crash are removed; objects are kept")
  void dropsOnlyInterruptedPartWrites(@TempDir Path dir) throws Exception {
    Path parts = Files.createDirectories(dir.resolve("reelay/.mpus-1234-sources/abc"));
    Path done = Files.writeString(parts.resolve("source-7"), "part");
    Path leftover =
        Files.writeString(parts.resolve("source-8-cadd7a97-0944-400b-a4d1-c05e9609b8a4"), "half");
    Path object =
        Files.writeString(
            Files.createDirectories(dir.resolve("reelay/uploads/x"))
                .resolve("tail-cadd7a97-0944-400b-a4d1-c05e9609b8a4"),
            "tail");
    assertEquals(1, EmbeddedS3.dropInterruptedPartWrites(dir));
    assertFalse(Files.exists(leftover));
    assertTrue(Files.exists(done));
    assertTrue(Files.exists(object));
  }
}
