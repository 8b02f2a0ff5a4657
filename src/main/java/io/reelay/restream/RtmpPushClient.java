package io.reelay.restream;

import io.reelay.amf.Amf0Decoder;
import io.reelay.rtmp.chunk.ChunkDecoder;
import io.reelay.rtmp.chunk.ChunkEncoder;
import io.reelay.rtmp.chunk.RawMessage;
import io.reelay.rtmp.message.ChunkStreams;
import io.reelay.rtmp.message.CommandMessage;
import io.reelay.rtmp.message.MessageType;
import io.reelay.rtmp.message.SetChunkSize;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes one live stream to one downstream RTMP server, as a publisher would: client handshake,
 * {@code connect}, {@code releaseStream}/{@code FCPublish}, {@code createStream}, {@code publish},
 * then the FLV audio/video tags, sequence headers first. Runs on the ingest's event loop and never
 * holds the ingest up: media goes into the socket's write queue only while it is below its bound;
 * past it (a slow or stuck downstream) tags are dropped until the next keyframe. A lost connection
 * is retried with exponential backoff (1 s doubling to 30 s), resent from the next keyframe.
 */
final class RtmpPushClient {
  private static final Logger LOG = LoggerFactory.getLogger(RtmpPushClient.class);
  private static final int HANDSHAKE_SIZE = 1536;
  private static final int CHUNK_SIZE = 4096;
  static final int WRITE_QUEUE_BYTES = 2 << 20;
  private static final long FIRST_BACKOFF_MS = 1_000;
  private static final long MAX_BACKOFF_MS = 30_000;
  private static final double TXN_CONNECT = 1;
  private static final double TXN_CREATE_STREAM = 4;

  enum State {
    CONNECTING,
    HANDSHAKE,
    NEGOTIATING,
    PUBLISHING,
    BACKOFF,
    CLOSED
  }

  /** The stream's current sequence headers (null until the publisher sent them). */
  interface Headers {
    byte[] video();

    byte[] audio();
  }

  private final Vertx vertx;
  private final NetClient client;
  private final RestreamTarget target;
  private final Headers headers;

  private State state = State.CONNECTING;
  private NetSocket socket;
  private ChunkEncoder encoder;
  private ChunkDecoder decoder;
  private byte[] handshake;
  private int handshakeRead;
  private int streamId;
  private boolean waitKeyframe;
  private long baseTs = -1;
  private long backoffMs = FIRST_BACKOFF_MS;
  private long timer = -1;
  private int connects;
  private long sentTags;
  private long droppedTags;
  private String lastError;

  RtmpPushClient(Vertx vertx, NetClient client, RestreamTarget target, Headers headers) {
    this.vertx = vertx;
    this.client = client;
    this.target = target;
    this.headers = headers;
  }

  void start() {
    connect();
  }

  private void connect() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CONNECTING;
    client
        .connect(target.port(), target.host())
        .onSuccess(this::connected)
        .onFailure(err -> retry("connect failed: " + err.getMessage()));
  }

  private void connected(NetSocket s) {
    if (state == State.CLOSED) {
      s.close();
      return;
    }
    socket = s;
    connects++;
    encoder = new ChunkEncoder();
    decoder = ChunkDecoder.withDefaults();
    handshake = new byte[1 + 2 * HANDSHAKE_SIZE];
    handshakeRead = 0;
    state = State.HANDSHAKE;
    s.setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
    s.handler(this::read);
    s.closeHandler(v -> retry("connection closed by the server"));
    s.exceptionHandler(err -> lastError = err.toString());
    byte[] c0c1 = new byte[1 + HANDSHAKE_SIZE];
    c0c1[0] = 3;
    byte[] random = new byte[HANDSHAKE_SIZE - 8];
    ThreadLocalRandom.current().nextBytes(random);
    System.arraycopy(random, 0, c0c1, 9, random.length);
    s.write(Buffer.buffer(c0c1));
  }

  private void read(Buffer data) {
    byte[] bytes = data.getBytes();
    int offset = 0;
    if (state == State.HANDSHAKE) {
      int n = Math.min(handshake.length - handshakeRead, bytes.length);
      System.arraycopy(bytes, 0, handshake, handshakeRead, n);
      handshakeRead += n;
      offset = n;
      if (handshakeRead < handshake.length) {
        return;
      }
      // C2 echoes S1; then the commands up to createStream.
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(handshake, 1, HANDSHAKE_SIZE);
      out.writeBytes(encoder.encode(new SetChunkSize(CHUNK_SIZE).toRaw()));
      encoder.setChunkSize(CHUNK_SIZE);
      Map<String, Object> obj = new LinkedHashMap<>();
      obj.put("app", target.app());
      obj.put("type", "nonprivate");
      obj.put("flashVer", "FMLE/3.0 (compatible; Reelay)");
      obj.put("tcUrl", target.tcUrl());
      out.writeBytes(command(0, "connect", TXN_CONNECT, obj));
      state = State.NEGOTIATING;
      socket.write(Buffer.buffer(out.toByteArray()));
    }
    try {
      decoder.decode(ByteBuffer.wrap(bytes, offset, bytes.length - offset), this::message);
    } catch (RuntimeException e) {
      fail("bad data from the server: " + e.getMessage());
    }
  }

  private byte[] command(int msid, String name, double txn, Object obj, Object... args) {
    return encoder.encode(
        CommandMessage.of(name, txn, obj, args).toRaw(ChunkStreams.COMMAND, msid));
  }

  private void message(RawMessage m) {
    if (m.typeId() != MessageType.COMMAND_AMF0.id && m.typeId() != MessageType.COMMAND_AMF3.id) {
      return; // window acks, bandwidth, user control: nothing a publisher must answer here
    }
    CommandMessage c = CommandMessage.decode(m, new Amf0Decoder());
    switch (c.name()) {
      case "_result" -> {
        if (c.transactionId() == TXN_CONNECT) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          out.writeBytes(command(0, "releaseStream", 2, null, target.streamName()));
          out.writeBytes(command(0, "FCPublish", 3, null, target.streamName()));
          out.writeBytes(command(0, "createStream", TXN_CREATE_STREAM, null));
          socket.write(Buffer.buffer(out.toByteArray()));
        } else if (c.transactionId() == TXN_CREATE_STREAM) {
          Double id = c.numberArgument(0);
          streamId = id == null ? 1 : id.intValue();
          socket.write(
              Buffer.buffer(command(streamId, "publish", 5, null, target.streamName(), "live")));
        }
      }
      case "_error" -> fail("refused: " + describe(c));
      case "onStatus" -> {
        String code = String.valueOf(info(c).get("code"));
        if ("NetStream.Publish.Start".equals(code)) {
          publishing();
        } else if (String.valueOf(info(c).get("level")).equals("error")) {
          fail("refused: " + describe(c));
        }
      }
      default -> {}
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> info(CommandMessage c) {
    return !c.arguments().isEmpty() && c.arguments().get(0) instanceof Map<?, ?> m
        ? (Map<String, Object>) m
        : Map.of();
  }

  private static String describe(CommandMessage c) {
    Map<String, Object> info = info(c);
    Object d = info.get("description");
    return String.valueOf(info.getOrDefault("code", c.name())) + (d == null ? "" : " " + d);
  }

  private void publishing() {
    state = State.PUBLISHING;
    backoffMs = FIRST_BACKOFF_MS;
    lastError = null;
    baseTs = -1;
    waitKeyframe = true;
    LOG.info("restream to {}: publishing", target.redacted());
  }

  /** A video tag body from the publisher (FLV VIDEODATA); on the ingest's event loop. */
  void video(long ts, byte[] body, boolean keyframe) {
    if (state != State.PUBLISHING) {
      return;
    }
    if (waitKeyframe) {
      if (!keyframe) {
        droppedTags++;
        return;
      }
      // Start (or restart after drops) at a keyframe, with the decoder configuration first.
      waitKeyframe = false;
      if (baseTs < 0) {
        baseTs = ts;
      }
      send(MessageType.VIDEO.id, ts, headers.video(), true);
      send(MessageType.AUDIO.id, ts, headers.audio(), true);
    }
    send(MessageType.VIDEO.id, ts, body, false);
  }

  /** An audio tag body from the publisher (FLV AUDIODATA). */
  void audio(long ts, byte[] body) {
    if (state != State.PUBLISHING || waitKeyframe || ts < baseTs) {
      return;
    }
    send(MessageType.AUDIO.id, ts, body, false);
  }

  private void send(int type, long ts, byte[] body, boolean header) {
    if (body == null) {
      return;
    }
    if (!header && socket.writeQueueFull()) {
      // The downstream does not keep up: drop, and resume at the next keyframe.
      droppedTags++;
      waitKeyframe = true;
      return;
    }
    int csid = type == MessageType.AUDIO.id ? 4 : 6;
    socket.write(
        Buffer.buffer(
            encoder.encode(new RawMessage(csid, type, Math.max(0, ts - baseTs), streamId, body))));
    sentTags++;
  }

  private void fail(String why) {
    lastError = why;
    if (socket != null) {
      socket.closeHandler(null);
      socket.close();
    }
    retry(why);
  }

  private void retry(String why) {
    if (state == State.CLOSED || state == State.BACKOFF) {
      return;
    }
    lastError = why;
    socket = null;
    state = State.BACKOFF;
    LOG.info("restream to {}: {}; retrying in {} ms", target.redacted(), why, backoffMs);
    timer = vertx.setTimer(backoffMs, t -> connect());
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
  }

  void close() {
    state = State.CLOSED;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (socket != null) {
      socket.closeHandler(null);
      if (streamId > 0) {
        socket.write(Buffer.buffer(command(0, "FCUnpublish", 6, null, target.streamName())));
        socket.write(Buffer.buffer(command(0, "deleteStream", 7, null, (double) streamId)));
      }
      socket.end();
    }
  }

  JsonObject status() {
    return new JsonObject()
        .put("target", target.redacted())
        .put("state", state.name().toLowerCase(java.util.Locale.ROOT))
        .put("connects", connects)
        .put("sentTags", sentTags)
        .put("droppedTags", droppedTags)
        .put("lastError", lastError);
  }
}
