package io.reelay.ingest;

import io.reelay.bus.Addresses;
import io.reelay.config.ReelayConfig;
import io.reelay.platform.StatusEndpoint;
import io.reelay.platform.VerticleConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.net.BindException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Accepts RTMP publishers on {@code REELAY_RTMP_PORT}. */
public final class RtmpIngestVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RtmpIngestVerticle.class);

  private final AtomicInteger connections = new AtomicInteger();
  private NetServer server;

  @Override
  public Future<?> start() {
    ReelayConfig config = VerticleConfig.of(config());
    NetServerOptions options =
        new NetServerOptions().setHost(config.httpHost()).setPort(config.rtmpPort());
    return StatusEndpoint.register(vertx, Addresses.INGEST_STATUS, "rtmp-ingest", this::details)
        .compose(
            c ->
                vertx
                    .createNetServer(options)
                    .connectHandler(this::accept)
                    .listen()
                    .recover(
                        err ->
                            Future.failedFuture(
                                err instanceof BindException
                                    ? new IllegalStateException(
                                        "REELAY_RTMP_PORT: port "
                                            + config.rtmpPort()
                                            + " is already in use")
                                    : err)))
        .onSuccess(s -> server = s);
  }

  private void accept(NetSocket socket) {
    connections.incrementAndGet();
    socket.closeHandler(v -> connections.decrementAndGet());
    // The RTMP protocol core is not wired in yet: refuse clearly rather than hang the client.
    LOG.info(
        "RTMP connection from {} refused: publishing is not available yet", socket.remoteAddress());
    socket.close();
  }

  private JsonObject details() {
    return new JsonObject()
        .put("port", server == null ? -1 : server.actualPort())
        .put("connections", connections.get());
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
