package io.reelay.restream;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The downstream pushes of one live publish: one {@link RtmpPushClient} per configured target, fed
 * the publisher's FLV tags as they arrive, with the current sequence headers kept for every
 * (re)connect. Confined to the publish's event loop.
 */
public final class Restreamer implements RtmpPushClient.Headers {
  private final NetClient client;
  private final List<RtmpPushClient> pushes = new ArrayList<>();
  private byte[] videoHeader;
  private byte[] audioHeader;

  public Restreamer(Vertx vertx, List<RestreamTarget> targets) {
    this.client =
        vertx.createNetClient(new NetClientOptions().setConnectTimeout(5_000).setTcpNoDelay(true));
    for (RestreamTarget t : targets) {
      RtmpPushClient push = new RtmpPushClient(vertx, client, t, this);
      pushes.add(push);
      push.start();
    }
  }

  /** A whole FLV video tag body; {@code sequenceHeader} for the AVC decoder configuration. */
  public void video(long ts, byte[] body, boolean keyframe, boolean sequenceHeader) {
    if (sequenceHeader) {
      videoHeader = body;
      return;
    }
    pushes.forEach(p -> p.video(ts, body, keyframe));
  }

  public void audio(long ts, byte[] body, boolean sequenceHeader) {
    if (sequenceHeader) {
      audioHeader = body;
      return;
    }
    pushes.forEach(p -> p.audio(ts, body));
  }

  @Override
  public byte[] video() {
    return videoHeader;
  }

  @Override
  public byte[] audio() {
    return audioHeader;
  }

  public JsonArray status() {
    JsonArray out = new JsonArray();
    pushes.forEach(p -> out.add(p.status()));
    return out;
  }

  public void close() {
    pushes.forEach(RtmpPushClient::close);
    client.close();
  }
}
