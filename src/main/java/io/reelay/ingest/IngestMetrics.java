package io.reelay.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.concurrent.atomic.AtomicInteger;

/** The ingest's meters in the process's Micrometer registry (scraped at {@code /metrics}). */
final class IngestMetrics {
  /** Process-wide: several verticle instances share one gauge. */
  private static final AtomicInteger PUBLISHERS = new AtomicInteger();

  private final Counter bytesIn;
  private final Counter partsDropped;
  private final Counter mediaDropped;
  private final Counter archived;
  private final Counter archiveDropped;
  private final Counter refused;
  private final Counter closedByError;

  IngestMetrics() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry == null) {
      registry = new SimpleMeterRegistry(); // metrics disabled: count into the void
    }
    Gauge.builder("reelay_live_publishers", PUBLISHERS, AtomicInteger::get)
        .description("RTMP publishers currently live")
        .register(registry);
    bytesIn =
        Counter.builder("reelay_live_ingest_bytes")
            .description("bytes received from RTMP peers")
            .register(registry);
    partsDropped =
        Counter.builder("reelay_live_parts_dropped")
            .description("LL-HLS parts not written because Redis fell behind")
            .register(registry);
    mediaDropped =
        Counter.builder("reelay_live_media_dropped")
            .description("media messages the ingest could not use")
            .register(registry);
    archived =
        Counter.builder("reelay_live_archived_objects")
            .description("live segments and init segments archived to S3")
            .register(registry);
    archiveDropped =
        Counter.builder("reelay_live_archive_dropped")
            .description("live archive uploads dropped (queue full or failed)")
            .register(registry);
    refused =
        Counter.builder("reelay_live_publish_refused")
            .description("publish requests refused (unknown key, already live, ...)")
            .register(registry);
    closedByError =
        Counter.builder("reelay_live_connections_failed")
            .description("RTMP connections closed for a protocol error, codec or timeout")
            .register(registry);
  }

  AtomicInteger publishers() {
    return PUBLISHERS;
  }

  Counter bytesIn() {
    return bytesIn;
  }

  Counter partsDropped() {
    return partsDropped;
  }

  Counter mediaDropped() {
    return mediaDropped;
  }

  Counter archivedSegments() {
    return archived;
  }

  Counter archiveDropped() {
    return archiveDropped;
  }

  Counter refused() {
    return refused;
  }

  Counter closedByError() {
    return closedByError;
  }
}
