package io.reelay.vod;

import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Blocking S3 operations of the VOD pipeline (callers are on worker threads). Thin over the MinIO
 * client; the only place that knows how VOD files are stored and typed.
 */
public final class VodObjects {
  private final MinioClient client;
  private final String bucket;

  public VodObjects(MinioClient client, String bucket) {
    this.client = client;
    this.bucket = bucket;
  }

  public void putFile(String key, Path file) throws IOException {
    try {
      client.uploadObject(
          UploadObjectArgs.builder()
              .bucket(bucket)
              .object(key)
              .filename(file.toString())
              .contentType(MediaTypes.of(key))
              .build());
    } catch (Exception e) {
      throw io("upload of " + key, e);
    }
  }

  public void putText(String key, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    try {
      client.putObject(
          PutObjectArgs.builder().bucket(bucket).object(key).stream(
                  new ByteArrayInputStream(bytes), bytes.length, -1)
              .contentType(MediaTypes.of(key))
              .build());
    } catch (Exception e) {
      throw io("upload of " + key, e);
    }
  }

  /** Downloads {@code key} to {@code target} through a temp file, so readers never see a part. */
  public void download(String key, Path target) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".part");
    try (InputStream in =
        client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
    } catch (ErrorResponseException e) {
      Files.deleteIfExists(tmp);
      throw new IOException("source " + key + " is not in the store: " + e.errorResponse().code());
    } catch (Exception e) {
      Files.deleteIfExists(tmp);
      throw io("download of " + key, e);
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Deletes every object under {@code prefix}; returns how many there were. */
  public int deletePrefix(String prefix) throws IOException {
    try {
      List<DeleteObject> objects = new ArrayList<>();
      for (Result<Item> r :
          client.listObjects(
              ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
        objects.add(new DeleteObject(r.get().objectName()));
      }
      if (objects.isEmpty()) {
        return 0;
      }
      for (Result<DeleteError> r :
          client.removeObjects(
              RemoveObjectsArgs.builder().bucket(bucket).objects(objects).build())) {
        DeleteError err = r.get();
        throw new IOException("cannot delete " + err.objectName() + ": " + err.message());
      }
      return objects.size();
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw io("delete of " + prefix, e);
    }
  }

  private static IOException io(String what, Exception e) {
    return new IOException(what + " failed: " + e.getMessage(), e);
  }
}
