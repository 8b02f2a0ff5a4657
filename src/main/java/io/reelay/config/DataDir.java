package io.reelay.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The one directory under which a node keeps everything it stores locally. */
public final class DataDir {
  private DataDir() {}

  /** Creates the directory if needed and proves it is writable, or fails naming the setting. */
  public static Path prepare(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new ConfigException("REELAY_DATA_DIR", "cannot create " + dir + " (" + e + ")");
    }
    if (!Files.isDirectory(dir) || !Files.isWritable(dir) || !Files.isReadable(dir)) {
      throw new ConfigException("REELAY_DATA_DIR", dir + " is not a readable, writable directory");
    }
    try {
      Path probe = Files.createTempFile(dir, ".probe", ".tmp");
      Files.delete(probe);
    } catch (IOException e) {
      throw new ConfigException("REELAY_DATA_DIR", "cannot write in " + dir + " (" + e + ")");
    }
    return dir;
  }
}
