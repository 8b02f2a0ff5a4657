package io.reelay.live;

import io.reelay.config.ReelayConfig;
import io.reelay.platform.RedisSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a delivery process, whichever process ingests, that a live stream's window changed: one
 * Redis pattern subscription per process, re-established with backoff if the connection drops.
 */
final class LiveNotifications {
  private static final Logger LOG = LoggerFactory.getLogger(LiveNotifications.class);
  private static final String CHANNEL_PREFIX = "reelay:live:notify:";

  private final Vertx vertx;
  private final Redis client;
  private final Consumer<String> onChange;
  private RedisConnection connection;
  private boolean closed;
  private long backoffMs = 100;

  LiveNotifications(Vertx vertx, ReelayConfig config, Consumer<String> onChange) {
    this.vertx = vertx;
    this.client = Redis.createClient(vertx, RedisSettings.options(config));
    this.onChange = onChange;
  }

  Future<Void> start() {
    return connect()
        .recover(
            err -> {
              scheduleReconnect();
              return Future.succeededFuture();
            });
  }

  private Future<Void> connect() {
    return client
        .connect()
        .compose(
            conn -> {
              connection = conn;
              conn.handler(this::onMessage);
              conn.exceptionHandler(err -> LOG.debug("live notifications: {}", err.toString()));
              conn.endHandler(v -> scheduleReconnect());
              return conn.send(Request.cmd(Command.PSUBSCRIBE).arg(LiveKeys.NOTIFY_PATTERN));
            })
        .onSuccess(r -> backoffMs = 100)
        .mapEmpty();
  }

  private void scheduleReconnect() {
    if (closed) {
      return;
    }
    long delay = backoffMs;
    backoffMs = Math.min(5000, backoffMs * 2);
    vertx.setTimer(delay, t -> connect().onFailure(err -> scheduleReconnect()));
  }

  /** RESP2 and RESP3 both deliver {@code pmessage, pattern, channel, payload}. */
  private void onMessage(Response msg) {
    if (msg == null || msg.size() < 4 || !"pmessage".equals(msg.get(0).toString())) {
      return;
    }
    String channel = msg.get(2).toString();
    if (channel.startsWith(CHANNEL_PREFIX)) {
      onChange.accept(channel.substring(CHANNEL_PREFIX.length()));
    }
  }

  void close() {
    closed = true;
    if (connection != null) {
      connection.close();
    }
    client.close();
  }
}
