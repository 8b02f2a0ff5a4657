package io.reelay;

import io.reelay.config.ConfigException;
import io.reelay.config.DataDir;
import io.reelay.config.ReelayConfig;
import io.reelay.config.Settings;
import io.reelay.embedded.BackingServices;
import io.reelay.platform.Deployment;
import io.reelay.platform.ReelayVertx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one entry point: reads the configuration, starts embedded backing services for whatever is
 * not configured externally, deploys the verticles of this process's roles, and on SIGTERM takes
 * everything down again within 10 s.
 */
public final class Reelay {
  private static final Logger LOG = LoggerFactory.getLogger(Reelay.class);
  private static final long STOP_VERTX_SECONDS = 6;

  private final ReelayConfig requested;
  private final Settings settings;
  private BackingServices services;
  private Vertx vertx;
  private final CountDownLatch stopped = new CountDownLatch(1);

  Reelay(ReelayConfig requested, Settings settings) {
    this.requested = requested;
    this.settings = settings;
  }

  public static void main(String[] args) {
    Settings settings = Settings.fromSystem();
    ReelayConfig config;
    List<Deployment.Entry> entries;
    try {
      config = ReelayConfig.load(settings);
      DataDir.prepare(config.dataDir());
      entries = Deployment.load(settings, config);
    } catch (ConfigException e) {
      System.err.println("reelay: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    Reelay reelay = new Reelay(config, settings);
    Runtime.getRuntime().addShutdownHook(new Thread(reelay::stop, "reelay-shutdown"));
    try {
      reelay.start(entries);
    } catch (Exception e) {
      System.err.println("reelay: start-up failed: " + rootMessage(e));
      reelay.stop();
      System.exit(1);
    }
  }

  void start(List<Deployment.Entry> entries) throws Exception {
    long t0 = System.nanoTime();
    services = BackingServices.start(requested);
    ReelayConfig config = services.config();
    if (config.servicesOnly()) {
      System.out.println(
          "reelay: backing services running: kafka="
              + config.kafkaBootstrap().orElseThrow()
              + " redis="
              + config.redisUrl().orElseThrow()
              + " s3="
              + config.s3Endpoint().orElseThrow()
              + " (addresses in "
              + config.dataDir().resolve("services.json")
              + ")");
      return;
    }
    // Deploy with the addresses actually in use (embedded ones included).
    List<Deployment.Entry> resolved = Deployment.load(settings, config);
    vertx = ReelayVertx.create();
    List<Future<String>> deployments = new ArrayList<>();
    for (Deployment.Entry entry : resolved) {
      deployments.add(
          vertx
              .deployVerticle(entry.main(), entry.options())
              .recover(
                  err ->
                      Future.failedFuture(
                          new IllegalStateException(entry.name() + ": " + rootMessage(err), err))));
    }
    Future.all(deployments).await(120, TimeUnit.SECONDS);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println(
        "reelay: ready in "
            + ms
            + " ms; roles "
            + config.roles()
            + "; HTTP on port "
            + config.httpPort()
            + ", RTMP on port "
            + config.rtmpPort()
            + "; network transport "
            + (vertx.isNativeTransportEnabled() ? "epoll" : "nio"));
    if (requested.adminToken().isEmpty()) {
      System.out.println("reelay: admin token is in " + config.dataDir().resolve("admin-token"));
    }
  }

  /** Idempotent; called by the shutdown hook on SIGTERM and after a failed start. */
  synchronized void stop() {
    if (stopped.getCount() == 0) {
      return;
    }
    if (vertx != null) {
      try {
        // Closing Vert.x undeploys every verticle, which closes their servers and Kafka clients.
        vertx.close().await(STOP_VERTX_SECONDS, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("Vert.x did not close cleanly: {}", rootMessage(e));
      }
    }
    if (services != null) {
      services.close();
    }
    stopped.countDown();
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null
        && t.getCause() != t
        && (t.getMessage() == null || t instanceof java.util.concurrent.ExecutionException)) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
