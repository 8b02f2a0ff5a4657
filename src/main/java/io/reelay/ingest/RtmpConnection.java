package io.reelay.ingest;

import io.reelay.rtmp.RtmpEvent;
import io.reelay.rtmp.RtmpSession;
import io.reelay.rtmp.RtmpSessionConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin NetSocket adapter around one {@link RtmpSession}: feeds it the bytes read, writes the
 * bytes it returns, answers publish requests after the async key check, and hands media to the
 * {@link LivePublish}. A misbehaving peer closes only this connection, with one log line.
 *
 * <p>Bounded: the session bounds what a peer may declare; the socket is paused while its write
 * queue is full or while the stream's Redis writes are backlogged (TCP then pushes back on the
 * publisher), and a peer that sends nothing for the idle timeout, or has not started publishing
 * within the publish timeout, is closed.
 */
final class RtmpConnection {
  private static final Logger LOG = LoggerFactory.getLogger(RtmpConnection.class);

  /** Redis writes of one stream in flight above which the socket stops reading. */
  static final int MAX_BACKLOG = 64;

  private final Vertx vertx;
  private final Context context;
  private final NetSocket socket;
  private final RtmpSession session;
  private final LiveLifecycle lifecycle;
  private final IngestMetrics metrics;
  private final long idleMs;
  private final String peer;

  private LivePublish publish;
  private boolean closed;
  private long lastReadMs = System.currentTimeMillis();
  private long timer;
  private final long openedMs = System.currentTimeMillis();
  private final long publishTimeoutMs;
  private boolean pausedForWrites;
  private boolean pausedForBacklog;
  private long statsTickMs = System.currentTimeMillis();
  private long reportedPartDrops;
  private byte[] lastBytes = new byte[0];
  private Runnable onClosedHook = () -> {};

  RtmpConnection(
      Vertx vertx,
      NetSocket socket,
      RtmpSessionConfig config,
      LiveLifecycle lifecycle,
      IngestMetrics metrics,
      long idleMs,
      long publishTimeoutMs) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.socket = socket;
    this.session = new RtmpSession(config);
    this.lifecycle = lifecycle;
    this.metrics = metrics;
    this.idleMs = idleMs;
    this.publishTimeoutMs = publishTimeoutMs;
    this.peer = String.valueOf(socket.remoteAddress());
  }

  /** Starts reading; {@code onClosed} runs once when the connection is gone. */
  void start(Runnable onClosed) {
    this.onClosedHook = onClosed;
    socket.handler(this::onBytes);
    socket.closeHandler(v -> onClosed());
    socket.exceptionHandler(err -> LOG.debug("rtmp {}: {}", peer, err.toString()));
    socket.drainHandler(
        v -> {
          pausedForWrites = false;
          maybeResume();
        });
    timer = vertx.setPeriodic(1000, t -> tick());
  }

  private void onBytes(Buffer buf) {
    if (closed) {
      return;
    }
    lastReadMs = System.currentTimeMillis();
    metrics.bytesIn().increment(buf.length());
    byte[] bytes = buf.getBytes();
    lastBytes = bytes;
    for (RtmpEvent e : session.feed(bytes)) {
      if (closed) {
        return;
      }
      handle(e);
    }
    if (publish != null && publish.writer.queued() > MAX_BACKLOG && !pausedForBacklog) {
      pausedForBacklog = true;
      socket.pause();
      publish
          .writer
          .flushed()
          .onComplete(
              ar -> {
                pausedForBacklog = false;
                maybeResume();
              });
    }
  }

  private void handle(RtmpEvent e) {
    if (e instanceof RtmpEvent.Outbound o) {
      write(o.bytes());
    } else if (e instanceof RtmpEvent.PublishRequested p) {
      onPublishRequested(p);
    } else if (e instanceof RtmpEvent.VideoData v) {
      if (publish != null) {
        String problem = publish.video(v.timestampMs(), v.tag());
        if (problem != null) {
          fail(problem);
        }
      }
    } else if (e instanceof RtmpEvent.AudioData a) {
      if (publish != null) {
        publish.audio(a.timestampMs(), a.tag());
      }
    } else if (e instanceof RtmpEvent.Metadata m) {
      if (publish != null) {
        publish.metadata(m.values());
      }
    } else if (e instanceof RtmpEvent.VideoConfig c) {
      if (publish != null) {
        publish.videoConfig(c.config());
      }
    } else if (e instanceof RtmpEvent.AudioConfig c) {
      if (publish != null) {
        publish.audioConfig(c.config());
      }
    } else if (e instanceof RtmpEvent.MediaDropped d) {
      metrics.mediaDropped().increment();
      LOG.debug("rtmp {}: dropped {} at {}: {}", peer, d.kind(), d.timestampMs(), d.reason());
    } else if (e instanceof RtmpEvent.Unpublished) {
      endPublish();
    } else if (e instanceof RtmpEvent.UnsupportedCodec u) {
      fail(u.description());
    } else if (e instanceof RtmpEvent.ProtocolError p) {
      fail("protocol error: " + p.reason());
    } else {
      LOG.debug("rtmp {}: {}", peer, e);
    }
  }

  private void onPublishRequested(RtmpEvent.PublishRequested p) {
    if (!"live".equals(p.app())) {
      refuse("unknown application '" + p.app() + "'; publish to rtmp://HOST/live");
      return;
    }
    lifecycle
        .begin(p.streamKey())
        .onComplete(
            ar ->
                onLoop(
                    () -> {
                      if (ar.failed()) {
                        refuse(
                            ar.cause() instanceof LiveLifecycle.Refused
                                ? ar.cause().getMessage()
                                : "stream key check failed");
                        if (!(ar.cause() instanceof LiveLifecycle.Refused)) {
                          LOG.warn("rtmp {}: key check failed: {}", peer, ar.cause().toString());
                        }
                        return;
                      }
                      LivePublish started = ar.result();
                      if (closed) {
                        // The peer left while we looked the key up.
                        lifecycle.disconnected(started);
                        return;
                      }
                      byte[] reply = session.acceptPublish();
                      if (reply.length == 0) {
                        lifecycle.disconnected(started); // unpublished meanwhile
                        return;
                      }
                      publish = started;
                      metrics.publishers().incrementAndGet();
                      LOG.info("rtmp {}: publishing stream {}", peer, started.streamId);
                      write(reply);
                    }));
  }

  private void refuse(String why) {
    metrics.refused().increment();
    LOG.info("rtmp {}: publish refused: {}", peer, why);
    write(session.rejectPublish(why));
    close();
  }

  private void endPublish() {
    if (publish != null) {
      metrics.publishers().decrementAndGet();
      lifecycle.disconnected(publish);
      publish = null;
    }
  }

  /** Every second: timeouts, lock renewal and statistics. */
  private void tick() {
    long now = System.currentTimeMillis();
    if (!pausedForWrites && !pausedForBacklog && now - lastReadMs > idleMs) {
      fail("idle for " + (now - lastReadMs) / 1000 + " s");
      return;
    }
    if (publish == null
        && session.state() != RtmpSession.State.PUBLISH_PENDING
        && now - openedMs > publishTimeoutMs) {
      fail("no publish within " + publishTimeoutMs / 1000 + " s");
      return;
    }
    if (publish != null && now - statsTickMs >= 2000) {
      statsTickMs = now;
      LivePublish p = publish;
      long drops = p.writer.droppedWrites();
      metrics.partsDropped().increment(drops - reportedPartDrops);
      reportedPartDrops = drops;
      var snapshot = p.writer.snapshot();
      p.writer.setFrameRate(p.stats.frameRate());
      JsonObject stats = p.stats.tick(snapshot);
      if (p.restreamer != null) {
        stats.put("restreams", p.restreamer.status());
      }
      lifecycle.publishStats(p, stats);
      lifecycle
          .renew(p)
          .onComplete(
              ar ->
                  onLoop(
                      () -> {
                        if (publish == p && (ar.failed() || !ar.result())) {
                          fail("lost the publisher lock of stream " + p.streamId);
                        }
                      }));
    }
  }

  private void write(byte[] bytes) {
    if (bytes.length == 0 || closed) {
      return;
    }
    socket.write(Buffer.buffer(bytes));
    if (socket.writeQueueFull() && !pausedForWrites) {
      pausedForWrites = true;
      socket.pause();
    }
  }

  private void maybeResume() {
    if (!closed && !pausedForWrites && !pausedForBacklog) {
      socket.resume();
    }
  }

  /** One log line, then this connection (and only it) closes. */
  private void fail(String why) {
    if (closed) {
      return;
    }
    metrics.closedByError().increment();
    LOG.info("rtmp {}: closing: {}", peer, why);
    if (LOG.isDebugEnabled()) {
      LOG.debug("rtmp {}: state {}, last bytes {}", peer, session.state(), hex(lastBytes, 64));
    }
    close();
  }

  private void close() {
    socket.end(); // writes what is queued (e.g. the refusal), then closes
    onClosed();
  }

  private void onClosed() {
    if (closed) {
      return;
    }
    closed = true;
    vertx.cancelTimer(timer);
    endPublish();
    onClosedHook.run();
  }

  private void onLoop(Runnable r) {
    if (Vertx.currentContext() == context) {
      r.run();
    } else {
      context.runOnContext(v -> r.run());
    }
  }

  static String hex(byte[] b, int max) {
    return HexFormat.of().formatHex(b, 0, Math.min(b.length, max));
  }
}
