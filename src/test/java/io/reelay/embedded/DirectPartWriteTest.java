package io.reelay.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectPartWriteTest {
  private static final int MIB = 1 << 20;

  private static byte[] random(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  private static void assertWritesAt(Path file, long offset, byte[] data) throws Exception {
    Files.createFile(file);
    long written = DirectPartWrite.copy(new ByteArrayInputStream(data), file, offset, data.length);
    assertEquals(data.length, written);
    byte[] stored = Files.readAllBytes(file);
    assertEquals(offset + data.length, stored.length);
    assertArrayEquals(data, Arrays.copyOfRange(stored, (int) offset, stored.length));
  }

  @Test
  @DisplayName("a part of whole blocks lands byte-identical at its offset")
  void wholeBlocksAtAnOffset(@TempDir Path dir) throws Exception {
    assertWritesAt(dir.resolve("assembly"), 3L * MIB, random(3 * MIB, 1));
  }

  @Test
  @DisplayName("an odd-sized last part keeps its bytes after the last whole block")
  void oddSizedPart(@TempDir Path dir) throws Exception {
    assertWritesAt(dir.resolve("assembly"), 2L * MIB, random(MIB + MIB / 2 + 4_099, 2));
  }

  @Test
  @DisplayName("an unaligned offset falls back to the page cache, same bytes")
  void unalignedOffset(@TempDir Path dir) throws Exception {
    assertWritesAt(dir.resolve("assembly"), 1_000, random(MIB + 17, 3));
  }

  @Test
  @DisplayName("a file system without direct I/O (tmpfs) gets the same bytes buffered")
  void tmpfsFallsBack() throws Exception {
    Path shm = Path.of("/dev/shm");
    Path dir = Files.createTempDirectory(Files.isDirectory(shm) ? shm : null, "direct-part");
    try {
      assertWritesAt(dir.resolve("assembly"), MIB, random(2 * MIB + 5, 4));
    } finally {
      Files.deleteIfExists(dir.resolve("assembly"));
      Files.deleteIfExists(dir);
    }
  }

  @Test
  @DisplayName("a body that ends early writes what arrived and says how much")
  void shortBody(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("assembly");
    Files.createFile(file);
    byte[] data = random(MIB + 300, 5);
    long written = DirectPartWrite.copy(new ByteArrayInputStream(data), file, 0, 4L * MIB);
    assertEquals(data.length, written);
    assertArrayEquals(data, Files.readAllBytes(file));
  }
}
