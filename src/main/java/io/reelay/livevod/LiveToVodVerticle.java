package io.reelay.livevod;

import io.reelay.bus.Addresses;
import io.reelay.bus.Topics;
import io.reelay.config.ReelayConfig;
import io.reelay.platform.Backoff;
import io.reelay.platform.KafkaSettings;
import io.reelay.platform.RedisSettings;
import io.reelay.platform.StatusEndpoint;
import io.reelay.platform.VerticleConfig;
import io.reelay.storage.ObjectStore;
import io.reelay.stream.StreamStore;
import io.reelay.transcode.SequentialConsumer;
import io.reelay.video.VideoStore;
import io.reelay.vod.VideoUpdates;
import io.reelay.vod.VodObjects;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live-to-VOD: consumes {@code stream.ended} from {@link Topics#STREAM_EVENTS} (group {@code
 * reelay-live-to-vod}, one event at a time, offset committed after the VOD is ready) and turns the
 * broadcast's archive into a VOD ({@link LiveRecordings}, {@link RecordingAssembler}). The assembly
 * runs on a small worker pool, its S3 copies on a few more threads; the event loop only sequences.
 */
public final class LiveToVodVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(LiveToVodVerticle.class);
  private static final int IO_THREADS = 8;

  private Redis redisClient;
  private WorkerExecutor assembly;
  private ExecutorService io;
  private SequentialConsumer consumer;
  private boolean stopped;
  private final AtomicLong converted = new AtomicLong();

  @Override
  public Future<?> start() {
    ReelayConfig config = VerticleConfig.of(config());
    redisClient = Redis.createClient(vertx, RedisSettings.options(config));
    RedisAPI redis = RedisAPI.api(redisClient);
    assembly = vertx.createSharedWorkerExecutor("reelay-live-to-vod", 2);
    AtomicLong threads = new AtomicLong();
    io =
        Executors.newFixedThreadPool(
            IO_THREADS,
            r -> {
              Thread t = new Thread(r, "reelay-live-to-vod-io-" + threads.getAndIncrement());
              t.setDaemon(true);
              return t;
            });
    // FFmpeg's native libraries take seconds to load under load: do it now, not on the first
    // stream's end (the poster needs them).
    assembly.executeBlocking(
        () -> {
          FFmpegFrameGrabber.tryLoad();
          return null;
        },
        false);
    return vertx
        .executeBlocking(() -> new ObjectStore(vertx, config))
        .compose(
            store -> {
              VodObjects objects = new VodObjects(store.client(), store.bucket());
              RecordingAssembler assembler =
                  new RecordingAssembler(
                      new LiveArchive(store.client(), store.bucket()),
                      objects,
                      io,
                      config.dataDir().resolve("work/live-to-vod"));
              LiveRecordings recordings =
                  new LiveRecordings(
                      new StreamStore(redisClient),
                      new VideoStore(redis),
                      new VideoUpdates(redis),
                      assembly,
                      assembler);
              // In the background: a broker that is down must not stop the server.
              Backoff.untilSuccess(
                      vertx,
                      "starting the live-to-VOD consumer",
                      () ->
                          SequentialConsumer.start(
                              vertx,
                              KafkaSettings.consumer(config, "reelay-live-to-vod"),
                              Topics.STREAM_EVENTS,
                              "live-to-vod",
                              event -> recordings.handle(event).onSuccess(this::count)))
                  .onSuccess(this::keep)
                  .onFailure(
                      err -> LOG.warn("live-to-VOD consumer did not start: {}", err.toString()));
              return StatusEndpoint.register(
                  vertx,
                  Addresses.LIVE_TO_VOD_STATUS,
                  "live-to-vod",
                  () -> new JsonObject().put("converted", converted.get()));
            });
  }

  private void count(boolean convertedNow) {
    if (convertedNow) {
      converted.incrementAndGet();
    }
  }

  /** Keeps a consumer that started in the background, or closes it if we stopped meanwhile. */
  private void keep(SequentialConsumer c) {
    if (stopped) {
      c.close();
    } else {
      consumer = c;
    }
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    List<Future<?>> closing = new ArrayList<>();
    if (consumer != null) {
      closing.add(consumer.close());
    }
    if (assembly != null) {
      closing.add(assembly.close());
    }
    if (redisClient != null) {
      closing.add(redisClient.close());
    }
    if (io != null) {
      io.shutdownNow();
    }
    return Future.join(closing);
  }
}
