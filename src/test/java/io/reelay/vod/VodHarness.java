package io.reelay.vod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.minio.MinioClient;
import io.minio.UploadObjectArgs;
import io.reelay.bus.Addresses;
import io.reelay.bus.Topics;
import io.reelay.config.ReelayConfig;
import io.reelay.http.HttpDeliveryVerticle;
import io.reelay.platform.KafkaSettings;
import io.reelay.platform.RedisSettings;
import io.reelay.platform.ReelayVertx;
import io.reelay.storage.ObjectStore;
import io.reelay.testing.TestMedia;
import io.reelay.testing.TestServices;
import io.reelay.transcode.TranscodeDispatchVerticle;
import io.reelay.transcode.TranscodeMessages;
import io.reelay.transcode.TranscodeWorkerVerticle;
import io.reelay.upload.UploadIds;
import io.reelay.video.Video;
import io.reelay.video.VideoStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The VOD pipeline in one test JVM on the shared real Kafka, Redis and S3: dispatch, a worker and
 * HTTP delivery deployed as in production, sources uploaded to S3 and announced on {@code
 * video.uploaded} the way the upload capability does.
 */
public final class VodHarness implements AutoCloseable {
  /** Cheap encodes on the shared 2-core box; 2 s segments so a few seconds give several. */
  static final JsonObject DISPATCH_CONFIG =
      new JsonObject()
          .put("x264Preset", "ultrafast")
          .put("segmentSeconds", 2.0)
          .put("segmentsPerChunk", 1)
          .put("maxAttempts", 2)
          .put("chunksInFlight", 2);

  final Vertx vertx;
  final ReelayConfig config;
  final RedisAPI redis;
  final int port;
  private final Redis redisClient;
  private final KafkaProducer<String, String> producer;
  private final MinioClient minio;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public VodHarness() throws Exception {
    config = TestServices.config();
    vertx = ReelayVertx.create();
    JsonObject base = TestServices.verticleConfig();
    vertx
        .deployVerticle(
            new TranscodeDispatchVerticle(),
            new DeploymentOptions().setConfig(base.copy().mergeIn(DISPATCH_CONFIG)))
        .await(60, TimeUnit.SECONDS);
    vertx
        .deployVerticle(
            TranscodeWorkerVerticle.class.getName(),
            new DeploymentOptions()
                .setConfig(base.copy().put("sessionTimeoutMs", 8000))
                .setThreadingModel(ThreadingModel.WORKER)
                .setWorkerPoolName("reelay-transcode")
                .setWorkerPoolSize(2))
        .await(60, TimeUnit.SECONDS);
    vertx
        .deployVerticle(new HttpDeliveryVerticle(), new DeploymentOptions().setConfig(base))
        .await(60, TimeUnit.SECONDS);
    port =
        vertx
            .eventBus()
            .<JsonObject>request(Addresses.DELIVERY_STATUS, null)
            .await(5, TimeUnit.SECONDS)
            .body()
            .getInteger("port");
    redisClient = Redis.createClient(vertx, RedisSettings.options(config));
    redis = RedisAPI.api(redisClient);
    producer = KafkaProducer.create(vertx, KafkaSettings.producer(config));
    minio = new ObjectStore(vertx, config).client();
  }

  /** Stores the source, creates the record as the upload capability would, and announces it. */
  String submit(Path source, JsonObject ladder) throws Exception {
    return submit(source, ladder, "user-1");
  }

  /**
   * As {@link #submit(Path, JsonObject)}, owned by {@code owner} (a user id). Ids have the upload
   * format, so the {@code /api/videos} routes serve them as well.
   */
  String submit(Path source, JsonObject ladder, String owner) throws Exception {
    // Upload format (24 characters); the leading "t" lets tests derive ids that never collide.
    String id = "t" + UploadIds.next().substring(1);
    String key = "sources/" + id + "/" + source.getFileName();
    minio.uploadObject(
        UploadObjectArgs.builder()
            .bucket(config.s3Bucket())
            .object(key)
            .filename(source.toString())
            .build());
    putRecord(id, key, Files.size(source), owner);
    announce(id, key, ladder);
    return id;
  }

  void putRecord(String id, String key, long size, String owner) throws Exception {
    Video video = Video.uploading(id, "test " + id, owner, size, key, Instant.now());
    new VideoStore(redis)
        .put(video.withReceived(size, size, Instant.now()))
        .await(5, TimeUnit.SECONDS);
  }

  void announce(String id, String key, JsonObject ladder) throws Exception {
    send(Topics.VIDEO_UPLOADED, id, new TranscodeMessages.VideoUploaded(id, key, ladder).toJson());
  }

  void send(String topic, String key, JsonObject value) throws Exception {
    producer
        .send(KafkaProducerRecord.create(topic, key, value.encode()))
        .await(10, TimeUnit.SECONDS);
  }

  JsonObject record(String id) throws Exception {
    return new VideoUpdates(redis).get(id).await(5, TimeUnit.SECONDS);
  }

  /** Polls until the video leaves processing (or uploading); returns the record. */
  public JsonObject await(String id, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonObject r = null;
    while (System.nanoTime() < deadline) {
      r = record(id);
      String s = r == null ? "missing" : r.getString("status");
      if (s.equals("ready") || s.equals("failed") || s.equals("missing")) {
        return r;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new AssertionError("video " + id + " still " + r + " after " + timeout);
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    return get(HttpClient.Version.HTTP_2, path, headers);
  }

  /** HTTP_2 upgrades the connection (h2c) when the server agrees; HTTP_1_1 never does. */
  HttpResponse<byte[]> get(HttpClient.Version version, String path, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url(path)))
            .version(version)
            .timeout(Duration.ofSeconds(30));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  String text(String path) throws Exception {
    HttpResponse<byte[]> r = get(path);
    assertEquals(200, r.statusCode(), path);
    return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A test-pattern clip with a tone (H.264 + AAC) of {@code size} (e.g. 320x240). */
  public static Path clip(Path dir, String name, String size, int seconds) throws Exception {
    return VodPipelineTest.ffmpegIn(
        dir,
        name,
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=" + size + ":r=25:d=" + seconds,
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=48000:d=" + seconds,
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac");
  }

  /** Runs the bundled ffmpeg/ffprobe; returns the result. */
  static TestMedia.Run tool(boolean probe, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(probe ? TestMedia.ffprobe() : TestMedia.ffmpeg());
    cmd.add("-v");
    cmd.add("error");
    cmd.addAll(List.of(args));
    return TestMedia.run(cmd);
  }

  /** Deletes one object behind the server's back, as an operator or a lifecycle rule might. */
  void removeObject(String key) throws Exception {
    minio.removeObject(
        io.minio.RemoveObjectArgs.builder().bucket(config.s3Bucket()).object(key).build());
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }
}
