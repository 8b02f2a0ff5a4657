package io.reelay.upload;

import io.reelay.config.ReelayConfig;
import io.reelay.config.UploadSettings;
import io.reelay.platform.RedisSettings;
import io.reelay.storage.ObjectStore;
import io.reelay.storage.ObjectTransfer;
import io.reelay.video.VideoStore;
import io.reelay.vod.PlaybackAccess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.nio.file.Path;
import java.time.Clock;

/** The clients and settings every part of the upload capability shares within one verticle. */
final class UploadServices {
  final Vertx vertx;
  final ReelayConfig config;
  final UploadSettings settings;
  final Redis redisClient;
  final RedisAPI redis;
  final ObjectStore store;
  final ObjectTransfer transfer;
  final UploadStates states;
  final VideoStore videos;
  final PlaybackAccess playback;
  final UploadEvents events;
  final Path tmpDir;
  final Clock clock = Clock.systemUTC();

  private UploadServices(Vertx vertx, ReelayConfig config, ObjectStore store) {
    this.vertx = vertx;
    this.config = config;
    this.settings = config.upload();
    this.redisClient = RedisSettings.client(vertx, config);
    this.redis = RedisAPI.api(redisClient);
    this.store = store;
    this.transfer = new ObjectTransfer(vertx);
    this.states = new UploadStates(redis);
    this.videos = new VideoStore(redis);
    this.playback = PlaybackAccess.forConfig(config, videos);
    this.events = new UploadEvents(vertx, config);
    // Part files are named by random UUIDs, never by ids or client metadata.
    this.tmpDir = config.dataDir().resolve("upload-tmp");
  }

  /** Builds the clients off the event loop (they resolve hosts and load classes). */
  static Future<UploadServices> create(Vertx vertx, ReelayConfig config) {
    return vertx.executeBlocking(
        () -> new UploadServices(vertx, config, new ObjectStore(vertx, config)), false);
  }

  Future<Void> close() {
    return Future.join(transfer.close(), events.close())
        .onComplete(v -> redisClient.close())
        .mapEmpty();
  }
}
