package io.reelay.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.platform.RedisSettings;
import io.reelay.platform.ReelayVertx;
import io.reelay.testing.TestHttp;
import io.reelay.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A Redis that stops answering turns requests into a clear 503, not a hang. */
class RedisTimeoutTest {
  private Vertx vertx;
  private Redis admin;
  private TestHttp http;

  @BeforeEach
  void setUp() throws Exception {
    vertx = ReelayVertx.create();
    admin = Redis.createClient(vertx, RedisSettings.options(TestServices.config()));
    http = TestHttp.deploy(vertx);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a live playlist request while Redis answers nothing: 503 after the bound, then OK")
  void pausedRedisGives503() throws Exception {
    long pauseMs = RedisSettings.REQUEST_TIMEOUT_MS + 3000;
    // Real redis-server holding every client's commands, as a lost reply or stuck pool would.
    admin
        .send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(pauseMs).arg("ALL"))
        .await(10, TimeUnit.SECONDS);
    long start = System.nanoTime();
    TestHttp.Reply stalled = http.get("/live/never-published/master.m3u8");
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(503, stalled.status(), stalled.text());
    assertEquals("unavailable", stalled.json().getString("error"));
    assertTrue(tookMs >= RedisSettings.REQUEST_TIMEOUT_MS - 100, "answered only after the bound");
    Thread.sleep(Math.max(0, pauseMs - tookMs + 500));
    TestHttp.Reply after = http.get("/live/never-published/master.m3u8");
    assertEquals(404, after.status(), "Redis answers again: the stream is simply not live");
  }
}
