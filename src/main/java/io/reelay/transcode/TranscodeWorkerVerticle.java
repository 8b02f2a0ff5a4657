package io.reelay.transcode;

import io.reelay.bus.Addresses;
import io.reelay.bus.Topics;
import io.reelay.config.ReelayConfig;
import io.reelay.platform.KafkaSettings;
import io.reelay.platform.RedisSettings;
import io.reelay.platform.StatusEndpoint;
import io.reelay.platform.VerticleConfig;
import io.reelay.storage.ObjectStore;
import io.reelay.transcode.TranscodeMessages.JobDone;
import io.reelay.transcode.TranscodeMessages.TranscodeJob;
import io.reelay.vod.VodObjects;
import io.reelay.vod.VodState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes transcode jobs from {@code chunk-jobs} and {@code audio-jobs} (one consumer group per
 * topic: any free worker takes the next job; one of each at a time, so a video's audio runs beside
 * its first chunk), runs each on this verticle's worker pool (deployed with the WORKER threading
 * model, so FFmpeg never blocks an event loop), reports to {@code chunk-done} and only then commits
 * the offset. A worker that dies mid-job never commits, so the job is redelivered to another one.
 *
 * <p>Attempts are counted in Redis before a job starts. A job that fails is re-queued until it has
 * used {@code maxAttempts}; a job that kills its worker is redelivered and counted the same way.
 * Past the bound it is reported as failed, so a poison job fails its video and never blocks others.
 *
 * <p>Config: {@code sessionTimeoutMs} (how soon a dead worker's jobs move, default 15000).
 */
public final class TranscodeWorkerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TranscodeWorkerVerticle.class);
  static final String GROUP = "reelay-transcode-workers";

  static final String LIVE_GROUP = "reelay-live-transcode-workers";
  static final String AUDIO_GROUP = "reelay-audio-transcode-workers";

  private SequentialConsumer consumer;
  private SequentialConsumer audioConsumer;
  private SequentialConsumer liveConsumer;
  private LiveRungWorker live;
  private KafkaProducer<String, String> producer;
  private Redis redisClient;
  private VodState state;
  private JobRunner runner;
  private final AtomicLong jobsDone = new AtomicLong();
  // Jobs running now: a chunk, and beside it at most one audio job.
  private final Set<String> current = ConcurrentHashMap.newKeySet();

  @Override
  public Future<?> start() {
    ReelayConfig config = VerticleConfig.of(config());
    redisClient = Redis.createClient(vertx, RedisSettings.options(config));
    state = new VodState(RedisAPI.api(redisClient));
    Map<String, String> consumerConfig = KafkaSettings.consumer(config, GROUP);
    // One job at a time per consumer; a job may take minutes, polling goes on while paused.
    consumerConfig.put("max.poll.records", "1");
    consumerConfig.put("max.poll.interval.ms", "600000");
    consumerConfig.put(
        "session.timeout.ms", String.valueOf(config().getInteger("sessionTimeoutMs", 15_000)));
    consumerConfig.put("heartbeat.interval.ms", "2000");
    // Topics are provisioned with 8 partitions by dispatch; never let a consumer create one.
    consumerConfig.put("allow.auto.create.topics", "false");
    return vertx
        .executeBlocking(
            () -> {
              ObjectStore store = new ObjectStore(vertx, config);
              live =
                  new LiveRungWorker(
                      vertx,
                      redisClient,
                      store,
                      config.dataDir().resolve("work/live"),
                      LiveRungWorker.Settings.of(config()));
              VodObjects objects = new VodObjects(store.client(), store.bucket());
              runner =
                  new JobRunner(
                      new SourceCache(config.dataDir().resolve("work/sources"), objects),
                      objects,
                      config.dataDir().resolve("work/jobs"));
              return KafkaProducer.<String, String>create(vertx, KafkaSettings.producer(config));
            })
        .compose(
            p -> {
              producer = p;
              return SequentialConsumer.start(
                  vertx, consumerConfig, Topics.CHUNK_JOBS, "transcode-worker", this::handle);
            })
        .compose(
            c -> {
              consumer = c;
              // Audio jobs too: a worker runs one beside its chunk (audio is mostly I/O, a copy or
              // AAC), so a video's first chunk and its audio finish together.
              return SequentialConsumer.start(
                  vertx,
                  inGroup(consumerConfig, AUDIO_GROUP),
                  Topics.AUDIO_JOBS,
                  "audio-transcode-worker",
                  this::handle);
            })
        .compose(
            c -> {
              audioConsumer = c;
              // Live jobs have their own topic and consumer group: a VOD backlog never delays
              // them, and a live job never waits behind a minutes-long VOD chunk.
              Map<String, String> liveConfig = inGroup(consumerConfig, LIVE_GROUP);
              liveConfig.put("max.poll.interval.ms", "60000");
              return SequentialConsumer.start(
                  vertx, liveConfig, Topics.LIVE_CHUNK_JOBS, "live-transcode-worker", live::handle);
            })
        .compose(
            c -> {
              liveConsumer = c;
              return StatusEndpoint.register(
                  vertx,
                  Addresses.WORKER_STATUS,
                  "transcode-worker",
                  () ->
                      new JsonObject()
                          .put("thread", Thread.currentThread().getName())
                          .put("jobsDone", jobsDone.get())
                          .put("current", current.isEmpty() ? null : String.join(",", current)));
            });
  }

  private static Map<String, String> inGroup(Map<String, String> config, String group) {
    Map<String, String> copy = new HashMap<>(config);
    copy.put("group.id", group);
    return copy;
  }

  private Future<?> handle(JsonObject json) {
    TranscodeJob job = TranscodeJob.fromJson(json);
    return state
        .plan(job.videoId())
        .compose(
            plan -> {
              if (plan == null) {
                LOG.info(
                    "job {} of deleted or unknown video {}: skipped", job.jobId(), job.videoId());
                return Future.succeededFuture();
              }
              int max = plan.getInteger("maxAttempts", 3);
              return state
                  .startAttempt(job.videoId(), job.jobId())
                  .compose(
                      attempt -> attempt > max ? giveUp(job, max) : attempt(job, attempt, max));
            });
  }

  private Future<Void> attempt(TranscodeJob job, long attempt, int max) {
    current.add(job.kafkaKey());
    LOG.info("job {} started (attempt {})", job.kafkaKey(), attempt);
    long start = System.nanoTime();
    long cpuStart = processCpuNanos();
    return vertx
        .executeBlocking(() -> runner.run(job), false)
        .transform(
            ar -> {
              current.remove(job.kafkaKey());
              if (ar.succeeded()) {
                jobsDone.incrementAndGet();
                // The process's CPU over the job (every thread, not this job's alone): how a
                // job's cost compares with the same transcode outside the server.
                LOG.info(
                    "job {} done in {} ms, process CPU {} ms (attempt {})",
                    job.kafkaKey(),
                    (System.nanoTime() - start) / 1_000_000,
                    (processCpuNanos() - cpuStart) / 1_000_000,
                    attempt);
                return report(new JobDone(job.videoId(), job.jobId(), null, ar.result()));
              }
              String error =
                  ar.cause().getMessage() == null ? ar.cause().toString() : ar.cause().getMessage();
              LOG.warn("job {} attempt {}/{} failed: {}", job.kafkaKey(), attempt, max, error);
              Future<Void> recorded = state.recordError(job.videoId(), job.jobId(), error);
              if (attempt < max) {
                // Back of the queue: the partition moves on, other videos are not held up.
                return recorded.compose(v -> send(job.topic(), job.kafkaKey(), job.toJson()));
              }
              return recorded.compose(v -> giveUp(job, max));
            });
  }

  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : 0;
  }

  private Future<Void> giveUp(TranscodeJob job, int max) {
    return state
        .lastError(job.videoId(), job.jobId())
        .compose(
            last ->
                report(
                    new JobDone(
                        job.videoId(),
                        job.jobId(),
                        describe(job)
                            + " failed after "
                            + max
                            + " attempts: "
                            + (last == null ? "the worker stopped while running it" : last),
                        null)));
  }

  private static String describe(TranscodeJob job) {
    return switch (job.kind()) {
      case VIDEO ->
          String.format(
              "transcoding %.1f-%.1f s", job.chunk().startSeconds(), job.chunk().endSeconds());
      case AUDIO -> "audio transcoding";
      case THUMBNAILS -> "thumbnail extraction";
    };
  }

  private Future<Void> report(JobDone done) {
    return send(Topics.CHUNK_DONE, done.videoId(), done.toJson());
  }

  private Future<Void> send(String topic, String key, JsonObject value) {
    return producer.send(KafkaProducerRecord.create(topic, key, value.encode())).mapEmpty();
  }

  @Override
  public Future<?> stop() {
    return Future.join(
        consumer == null ? Future.succeededFuture() : consumer.close(),
        audioConsumer == null ? Future.succeededFuture() : audioConsumer.close(),
        liveConsumer == null ? Future.succeededFuture() : liveConsumer.close(),
        producer == null ? Future.succeededFuture() : producer.close(),
        redisClient == null ? Future.succeededFuture() : redisClient.close());
  }
}
