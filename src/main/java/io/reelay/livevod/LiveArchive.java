package io.reelay.livevod;

import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import io.reelay.ingest.LiveArchiver;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blocking reads of a stream's S3 archive ({@code live/{id}/…}, written by {@link LiveArchiver} and
 * the live rung workers) and server-side copies out of it. Worker threads only.
 */
final class LiveArchive {
  private static final Pattern NAME =
      Pattern.compile("([a-z0-9]{1,16})/(?:seg-(\\d{1,10})\\.m4s|init-(\\d{1,9})\\.(mp4|json))");

  /** What the archive holds of one rendition: object keys by msn, by generation. */
  static final class Rendition {
    final String name;
    final TreeMap<Long, String> segments = new TreeMap<>();
    final TreeMap<Integer, String> inits = new TreeMap<>();
    final TreeMap<Integer, String> initIndexes = new TreeMap<>();

    Rendition(String name) {
      this.name = name;
    }
  }

  private final MinioClient client;
  private final String bucket;

  LiveArchive(MinioClient client, String bucket) {
    this.client = client;
    this.bucket = bucket;
  }

  static String prefix(String streamId) {
    return "live/" + streamId + "/";
  }

  /** Every rendition of the stream with the segments in {@code [firstMsn, lastMsn]}. */
  Map<String, Rendition> list(String streamId, long firstMsn, long lastMsn) throws IOException {
    String prefix = prefix(streamId);
    Map<String, Rendition> out = new TreeMap<>();
    try {
      for (Result<Item> r :
          client.listObjects(
              ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
        String key = r.get().objectName();
        Matcher m = NAME.matcher(key.substring(prefix.length()));
        if (!m.matches()) {
          continue;
        }
        Rendition rendition = out.computeIfAbsent(m.group(1), Rendition::new);
        if (m.group(2) != null) {
          long msn = Long.parseLong(m.group(2));
          if (msn >= firstMsn && msn <= lastMsn) {
            rendition.segments.put(msn, key);
          }
        } else if (m.group(4).equals("mp4")) {
          rendition.inits.put(Integer.parseInt(m.group(3)), key);
        } else {
          rendition.initIndexes.put(Integer.parseInt(m.group(3)), key);
        }
      }
    } catch (Exception e) {
      throw new IOException("listing " + prefix + " failed: " + e.getMessage(), e);
    }
    out.values().removeIf(r -> r.segments.isEmpty() || r.inits.isEmpty());
    return out;
  }

  byte[] read(String key) throws IOException {
    try (InputStream in =
        client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      return in.readAllBytes();
    } catch (Exception e) {
      throw new IOException("reading " + key + " failed: " + e.getMessage(), e);
    }
  }

  /** Server-side copy: the bytes never pass through this process. */
  void copy(String from, String to) throws IOException {
    try {
      client.copyObject(
          CopyObjectArgs.builder()
              .bucket(bucket)
              .object(to)
              .source(CopySource.builder().bucket(bucket).object(from).build())
              .build());
    } catch (Exception e) {
      throw new IOException("copying " + from + " failed: " + e.getMessage(), e);
    }
  }
}
