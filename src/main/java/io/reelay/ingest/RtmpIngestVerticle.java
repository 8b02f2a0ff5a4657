package io.reelay.ingest;

import io.reelay.bus.Addresses;
import io.reelay.config.ReelayConfig;
import io.reelay.config.Settings;
import io.reelay.live.LiveWindowWriter;
import io.reelay.platform.KafkaSettings;
import io.reelay.platform.PortInUse;
import io.reelay.platform.RedisSettings;
import io.reelay.platform.StatusEndpoint;
import io.reelay.platform.VerticleConfig;
import io.reelay.rtmp.RtmpSessionConfig;
import io.reelay.storage.ObjectStore;
import io.reelay.stream.StreamStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.redis.client.Redis;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Accepts RTMP publishers on {@code REELAY_RTMP_PORT}: one {@link RtmpConnection} per socket, on
 * this verticle's event loop, publishing into the live window in Redis with an S3 archive and
 * stream lifecycle events on Kafka.
 *
 * <p>Deployed with one instance per core ({@code verticles.json}): publishers are spread over the
 * event loops, and everything instances must agree on (lock, session, window) is in Redis.
 *
 * <p>Config (verticle JSON, for tests and operators): {@code graceSeconds} (else {@code
 * REELAY_LIVE_GRACE}, default 10), {@code idleSeconds} (10), {@code publishTimeoutSeconds} (15),
 * {@code archiveQueue} (64), {@code orphanSweepMillis} (2000: how often streams whose ingest died
 * are looked for, see {@link OrphanSweeper}).
 */
public final class RtmpIngestVerticle extends VerticleBase {
  private final AtomicInteger connections = new AtomicInteger();
  private NetServer server;
  private Redis redis;
  private LiveArchiver archiver;
  private StreamEvents events;
  private LiveLifecycle lifecycle;
  private OrphanSweeper sweeper;

  @Override
  public Future<?> start() {
    ReelayConfig config = VerticleConfig.of(config());
    long graceSeconds =
        config().containsKey("graceSeconds")
            ? config().getLong("graceSeconds")
            : Settings.fromSystem().positiveLong("REELAY_LIVE_GRACE", 10);
    long idleMs = config().getLong("idleSeconds", 10L) * 1000;
    long publishTimeoutMs = config().getLong("publishTimeoutSeconds", 15L) * 1000;
    int archiveQueue = config().getInteger("archiveQueue", 64);
    long sweepMs = config().getLong("orphanSweepMillis", 2000L);
    IngestMetrics metrics = new IngestMetrics();
    // Every publisher keeps a chain of writes in flight: more connections and a deeper wait
    // queue than the shared defaults, so a busy ingest slows down instead of failing writes.
    // Not time-limited: a write given up on would still run later, and a late playlist state could
    // then overwrite a newer one (the pool does not keep order across connections).
    redis =
        Redis.createClient(
            vertx, RedisSettings.options(config).setMaxPoolSize(32).setMaxPoolWaiting(4096));
    StreamStore store = new StreamStore(redis);
    NetServerOptions options =
        new NetServerOptions()
            .setHost(config.httpHost())
            .setPort(config.rtmpPort())
            .setTcpNoDelay(true);
    // Client construction loads classes and resolves hosts: keep it off the event loop.
    return vertx
        .executeBlocking(
            () -> {
              ObjectStore s3 = new ObjectStore(vertx, config);
              KafkaProducer<String, String> producer =
                  KafkaProducer.create(vertx, KafkaSettings.producer(config));
              archiver = new LiveArchiver(vertx, s3, archiveQueue, metrics);
              archiver.onSegment(new LiveRungJobs(producer)::accept);
              events = new StreamEvents(producer);
              return null;
            })
        .compose(
            v -> {
              lifecycle =
                  new LiveLifecycle(vertx, redis, store, events, archiver, graceSeconds * 1000);
              sweeper = new OrphanSweeper(vertx, redis, store, events, graceSeconds * 1000);
              sweeper.start(sweepMs);
              lifecycle.setWindowSettings(dvrWindow(config().getInteger("dvrSeconds", 120)));
              return StatusEndpoint.register(
                  vertx, Addresses.INGEST_STATUS, "rtmp-ingest", this::details);
            })
        .compose(
            c ->
                vertx
                    .createNetServer(options)
                    .connectHandler(socket -> accept(socket, metrics, idleMs, publishTimeoutMs))
                    .listen()
                    .recover(
                        err ->
                            Future.failedFuture(
                                PortInUse.is(err)
                                    ? new IllegalStateException(
                                        "REELAY_RTMP_PORT: port "
                                            + config.rtmpPort()
                                            + " is already in use")
                                    : err)))
        .onSuccess(s -> server = s);
  }

  private void accept(NetSocket socket, IngestMetrics metrics, long idleMs, long publishMs) {
    connections.incrementAndGet();
    new RtmpConnection(
            vertx, socket, RtmpSessionConfig.defaults(), lifecycle, metrics, idleMs, publishMs)
        .start(connections::decrementAndGet);
  }

  private JsonObject details() {
    return new JsonObject()
        .put("port", server == null ? -1 : server.actualPort())
        .put("connections", connections.get())
        .put("archiveQueued", archiver == null ? 0 : archiver.queued());
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    if (sweeper != null) {
      sweeper.stop();
    }
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed
        .eventually(() -> lifecycle == null ? Future.succeededFuture() : lifecycle.shutdown())
        .eventually(() -> events == null ? Future.succeededFuture() : events.close())
        .eventually(() -> archiver == null ? Future.succeededFuture() : archiver.close())
        .eventually(
            () -> {
              redis.close();
              return Future.succeededFuture();
            });
  }

  /**
   * The live playlists reach back {@code dvrSeconds} (at least the default window): Redis keeps the
   * newest 30 s, older segments are served from the S3 archive.
   */
  static LiveWindowWriter.Settings dvrWindow(int dvrSeconds) {
    LiveWindowWriter.Settings d = LiveWindowWriter.Settings.DEFAULT;
    int segments = (int) Math.ceil(dvrSeconds * 1000.0 / LivePublish.SEGMENT_TARGET_MS);
    return new LiveWindowWriter.Settings(
        d.mediaTtlMs(),
        Math.max(d.windowSegments(), segments),
        d.segmentsWithParts(),
        d.maxQueued());
  }
}
