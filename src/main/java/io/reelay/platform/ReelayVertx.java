package io.reelay.platform;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

/** Builds the Vert.x instance every Reelay process runs on, with Prometheus metrics enabled. */
public final class ReelayVertx {
  private ReelayVertx() {}

  public static Vertx create() {
    MicrometerMetricsOptions metrics =
        new MicrometerMetricsOptions()
            .setEnabled(true)
            .setJvmMetricsEnabled(true)
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
    return Vertx.builder()
        // epoll where available (Linux; netty's native transport is on the classpath): fewer
        // copies and syscalls per connection than NIO. Vert.x falls back to NIO elsewhere.
        .with(new VertxOptions().setMetricsOptions(metrics).setPreferNativeTransport(true))
        .withMetrics(new MicrometerMetricsFactory())
        .build();
  }
}
