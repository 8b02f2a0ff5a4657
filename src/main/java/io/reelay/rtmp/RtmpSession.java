package io.reelay.rtmp;

import io.reelay.amf.Amf0Decoder;
import io.reelay.amf.Amf0Exception;
import io.reelay.amf.Amf0Undefined;
import io.reelay.flv.AudioSpecificConfig;
import io.reelay.flv.AudioTag;
import io.reelay.flv.AvcDecoderConfigurationRecord;
import io.reelay.flv.FlvException;
import io.reelay.flv.SoundFormat;
import io.reelay.flv.VideoCodec;
import io.reelay.flv.VideoFrameType;
import io.reelay.flv.VideoTag;
import io.reelay.rtmp.chunk.ChunkDecoder;
import io.reelay.rtmp.chunk.ChunkEncoder;
import io.reelay.rtmp.chunk.RawMessage;
import io.reelay.rtmp.handshake.ServerHandshake;
import io.reelay.rtmp.message.Acknowledgement;
import io.reelay.rtmp.message.AggregateMessage;
import io.reelay.rtmp.message.ChunkStreams;
import io.reelay.rtmp.message.CommandMessage;
import io.reelay.rtmp.message.DataMessage;
import io.reelay.rtmp.message.MessageType;
import io.reelay.rtmp.message.SetChunkSize;
import io.reelay.rtmp.message.SetPeerBandwidth;
import io.reelay.rtmp.message.UserControl;
import io.reelay.rtmp.message.UserControlEventType;
import io.reelay.rtmp.message.WindowAckSize;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Server side of one RTMP connection, without any I/O: feed it the bytes read from the socket,
 * write the {@link RtmpEvent.Outbound} bytes it returns, react to the other events.
 *
 * <p>Publish-only: {@code play} is refused with an onStatus error. Only H.264 video and AAC audio
 * are accepted; other codecs end the session with {@link RtmpEvent.UnsupportedCodec}.
 *
 * <p>Memory per session is bounded by {@link RtmpSessionConfig} (message size, bytes in flight,
 * chunk streams); nothing is queued between calls except a partial chunk header and incomplete
 * messages. Not thread-safe: call every method from the connection's event loop (for an async
 * publish check, hop back to that context before calling {@link #acceptPublish()}).
 *
 * <p>Adapter sketch (Vert.x NetSocket):
 *
 * <pre>{@code
 * RtmpSession session = new RtmpSession();
 * socket.handler(buf -> {
 *   for (RtmpEvent e : session.feed(buf.getBytes())) {
 *     if (e instanceof RtmpEvent.Outbound o) {
 *       socket.write(Buffer.buffer(o.bytes()));
 *     } else if (e instanceof RtmpEvent.PublishRequested p) {
 *       keys.check(p.streamKey()).onComplete(ok -> {       // runs on the same context
 *         byte[] reply = ok.succeeded() && ok.result()
 *             ? session.acceptPublish() : session.rejectPublish("unknown stream key");
 *         socket.write(Buffer.buffer(reply));
 *         if (session.state() == RtmpSession.State.CLOSED) socket.end();
 *       });
 *     } else if (e.isTerminal()) {
 *       log.info("rtmp {}: {}", socket.remoteAddress(), e);
 *       socket.end();
 *     } // VideoData / AudioData / Metadata / ... -> ingest pipeline
 *   }
 *   if (socket.writeQueueFull()) { socket.pause(); socket.drainHandler(v -> socket.resume()); }
 * });
 * }</pre>
 *
 * <p>Idle and handshake timeouts are the adapter's job: the session has no clock.
 */
public final class RtmpSession {

  /** Connection lifecycle. */
  public enum State {
    HANDSHAKE,
    AWAIT_CONNECT,
    CONNECTED,
    PUBLISH_PENDING,
    PUBLISHING,
    CLOSED
  }

  private static final byte[] NOTHING = new byte[0];

  private final RtmpSessionConfig config;
  private final ServerHandshake handshake = new ServerHandshake();
  private final ChunkDecoder decoder;
  private final ChunkEncoder encoder = new ChunkEncoder();
  private final Amf0Decoder amf;

  private State state = State.HANDSHAKE;
  private List<RtmpEvent> events = new ArrayList<>();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(4096);

  private String app;
  private String tcUrl;
  private final Set<Integer> streams = new HashSet<>();
  private int nextStreamId = 1;
  private int publishStreamId;
  private String streamKey;

  private long bytesReceived;
  private long bytesAcknowledged;
  private long peerWindowAckSize;
  private long lastWindowAckSizeSent;

  private final MediaClock audioClock = new MediaClock(MediaKind.AUDIO);
  private final MediaClock videoClock = new MediaClock(MediaKind.VIDEO);
  private boolean audioConfigured;
  private boolean videoConfigured;

  public RtmpSession() {
    this(RtmpSessionConfig.defaults());
  }

  public RtmpSession(RtmpSessionConfig config) {
    this.config = config;
    this.decoder =
        new ChunkDecoder(
            config.maxMessageSize(),
            config.maxInFlightBytes(),
            config.maxChunkStreams(),
            config.minPeerChunkSize(),
            config.maxPeerChunkSize());
    this.amf = new Amf0Decoder(config.maxAmfDepth());
  }

  public State state() {
    return state;
  }

  /** The app from {@code connect}, or null before it. */
  public String app() {
    return app;
  }

  /** The stream key of the current or pending publish, or null. */
  public String streamKey() {
    return streamKey;
  }

  public List<RtmpEvent> feed(byte[] data) {
    return feed(ByteBuffer.wrap(data));
  }

  public List<RtmpEvent> feed(byte[] data, int offset, int length) {
    return feed(ByteBuffer.wrap(data, offset, length));
  }

  /**
   * Processes bytes received from the peer; consumes the whole buffer.
   *
   * @return events in order; empty once the session is closed. At most one terminal event.
   */
  public List<RtmpEvent> feed(ByteBuffer data) {
    if (state == State.CLOSED) {
      data.position(data.limit());
      return List.of();
    }
    bytesReceived += data.remaining();
    try {
      if (state == State.HANDSHAKE) {
        byte[] reply = handshake.consume(data);
        out.writeBytes(reply);
        if (handshake.isDone()) {
          state = State.AWAIT_CONNECT;
        }
      }
      if (state != State.HANDSHAKE && data.hasRemaining()) {
        decoder.decode(data, this::onMessage);
      }
      maybeAcknowledge();
    } catch (RtmpProtocolException | Amf0Exception | FlvException e) {
      fail(e.getMessage());
    }
    return drainEvents();
  }

  /**
   * Accepts the pending publish.
   *
   * @return bytes to write (Stream Begin + onStatus NetStream.Publish.Start), or an empty array if
   *     there is no pending publish any more (the peer unpublished or the session closed meanwhile)
   */
  public byte[] acceptPublish() {
    if (state != State.PUBLISH_PENDING) {
      return NOTHING;
    }
    state = State.PUBLISHING;
    send(UserControl.of(UserControlEventType.STREAM_BEGIN, publishStreamId).toRaw());
    sendStatus(
        publishStreamId, "status", "NetStream.Publish.Start", streamKey + " is now published");
    return drainOut();
  }

  /**
   * Rejects the pending publish with onStatus NetStream.Publish.BadName; the session is then closed
   * and the adapter should close the connection after writing the bytes.
   *
   * @return bytes to write, or an empty array if there is no pending publish any more
   */
  public byte[] rejectPublish(String why) {
    if (state != State.PUBLISH_PENDING) {
      return NOTHING;
    }
    sendStatus(publishStreamId, "error", "NetStream.Publish.BadName", why);
    state = State.CLOSED;
    return drainOut();
  }

  // ---- message dispatch ----

  private void onMessage(RawMessage m) {
    if (state == State.CLOSED) {
      return; // e.g. an unsupported codec closed us mid-buffer; the rest is irrelevant
    }
    MessageType type = MessageType.of(m.typeId());
    if (type == null) {
      notice("ignoring message of unknown type " + m.typeId());
      return;
    }
    switch (type) {
      case SET_CHUNK_SIZE, ABORT -> {
        // Already applied by the chunk decoder.
      }
      case ACKNOWLEDGEMENT -> Acknowledgement.decode(m.payload());
      case WINDOW_ACK_SIZE -> peerWindowAckSize = WindowAckSize.decode(m.payload()).windowSize();
      case SET_PEER_BANDWIDTH -> onSetPeerBandwidth(SetPeerBandwidth.decode(m.payload()));
      case USER_CONTROL -> onUserControl(UserControl.decode(m.payload()));
      case COMMAND_AMF0, COMMAND_AMF3 -> onCommand(CommandMessage.decode(m, amf), m);
      case DATA_AMF0, DATA_AMF3 -> onData(m);
      case AUDIO -> onAudio(m);
      case VIDEO -> onVideo(m);
      case AGGREGATE -> onAggregate(m);
      case SHARED_OBJECT_AMF0, SHARED_OBJECT_AMF3 -> notice("ignoring shared object message");
    }
  }

  private void onSetPeerBandwidth(SetPeerBandwidth spb) {
    // Spec 5.4.5: answer with our window if it differs from the last one we announced.
    if (spb.windowSize() != lastWindowAckSizeSent) {
      send(new WindowAckSize(spb.windowSize()).toRaw());
      lastWindowAckSizeSent = spb.windowSize();
    }
  }

  private void onUserControl(UserControl uc) {
    if (uc.eventType() == UserControlEventType.PING_REQUEST) {
      send(UserControl.of(UserControlEventType.PING_RESPONSE, uc.value()).toRaw());
    }
  }

  private void onAggregate(RawMessage m) {
    for (RawMessage sub : AggregateMessage.split(m)) {
      int t = sub.typeId();
      if (t == MessageType.AUDIO.id || t == MessageType.VIDEO.id || t == MessageType.DATA_AMF0.id) {
        onMessage(sub);
      } else {
        notice("ignoring type " + t + " inside aggregate message");
      }
    }
  }

  // ---- commands ----

  private void onCommand(CommandMessage c, RawMessage m) {
    if (state == State.AWAIT_CONNECT && !"connect".equals(c.name())) {
      throw new RtmpProtocolException("command '" + c.name() + "' before connect");
    }
    switch (c.name()) {
      case "connect" -> onConnect(c);
      case "releaseStream" -> replyResult(c, null, Amf0Undefined.INSTANCE);
      case "FCPublish" -> {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("code", "NetStream.Publish.Start");
        info.put("description", String.valueOf(c.stringArgument(0)));
        send(CommandMessage.of("onFCPublish", 0, null, info).toRaw(ChunkStreams.COMMAND, 0));
      }
      case "createStream" -> onCreateStream(c);
      case "publish" -> onPublish(c, m.messageStreamId());
      case "FCUnpublish" -> unpublish();
      case "deleteStream" -> {
        Double id = c.numberArgument(0);
        if (id != null) {
          if (id.intValue() == publishStreamId) {
            unpublish();
          }
          streams.remove(id.intValue());
        }
      }
      case "closeStream" -> {
        if (m.messageStreamId() == publishStreamId) {
          unpublish();
        }
      }
      case "play", "play2" -> {
        sendStatus(
            m.messageStreamId(),
            "error",
            "NetStream.Play.Failed",
            "This server accepts publishing only; play over HLS/DASH instead");
        notice("refused " + c.name() + " request");
      }
      case "_result",
              "_error",
              "onBWDone",
              "_checkbw",
              "getStreamLength",
              "receiveAudio",
              "receiveVideo",
              "pause",
              "seek" ->
          notice("ignoring command " + c.name());
      default -> notice("ignoring unknown command " + c.name());
    }
  }

  private void onConnect(CommandMessage c) {
    if (state != State.AWAIT_CONNECT) {
      throw new RtmpProtocolException("duplicate connect");
    }
    Map<String, Object> props = c.commandObjectMap();
    if (!(props.get("app") instanceof String a)) {
      throw new RtmpProtocolException("connect without an app name");
    }
    app = a;
    tcUrl = props.get("tcUrl") instanceof String t ? t : "";
    send(new WindowAckSize(config.windowAckSize()).toRaw());
    lastWindowAckSizeSent = config.windowAckSize();
    send(new SetPeerBandwidth(config.peerBandwidth(), SetPeerBandwidth.LimitType.DYNAMIC).toRaw());
    send(new SetChunkSize(config.outChunkSize()).toRaw());
    encoder.setChunkSize(config.outChunkSize());
    Map<String, Object> server = new LinkedHashMap<>();
    server.put("fmsVer", "FMS/3,0,1,123");
    server.put("capabilities", 31.0);
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("level", "status");
    info.put("code", "NetConnection.Connect.Success");
    info.put("description", "Connection succeeded.");
    // We only speak AMF0, whatever the client offered.
    info.put("objectEncoding", 0.0);
    replyResult(c, server, info);
    state = State.CONNECTED;
    emit(new RtmpEvent.Connected(app, tcUrl, props));
  }

  private void onCreateStream(CommandMessage c) {
    if (streams.size() >= config.maxStreams()) {
      throw new RtmpProtocolException("more than " + config.maxStreams() + " streams created");
    }
    int id = nextStreamId++;
    streams.add(id);
    replyResult(c, null, (double) id);
  }

  private void onPublish(CommandMessage c, int messageStreamId) {
    if (state == State.PUBLISH_PENDING || state == State.PUBLISHING) {
      throw new RtmpProtocolException("publish while another publish is active");
    }
    if (!streams.contains(messageStreamId)) {
      throw new RtmpProtocolException(
          "publish on stream " + messageStreamId + " that was never created");
    }
    String name = c.stringArgument(0);
    String key = name == null ? "" : name;
    String query = "";
    int q = key.indexOf('?');
    if (q >= 0) {
      query = key.substring(q + 1);
      key = key.substring(0, q);
    }
    if (key.isEmpty()) {
      sendStatus(messageStreamId, "error", "NetStream.Publish.BadName", "missing stream key");
      throw new RtmpProtocolException("publish without a stream key");
    }
    String type = c.stringArgument(1);
    publishStreamId = messageStreamId;
    streamKey = key;
    state = State.PUBLISH_PENDING;
    emit(new RtmpEvent.PublishRequested(app, key, query, type == null ? "live" : type));
  }

  private void unpublish() {
    if (state != State.PUBLISHING && state != State.PUBLISH_PENDING) {
      return;
    }
    emit(new RtmpEvent.Unpublished(streamKey));
    state = State.CONNECTED;
    publishStreamId = 0;
    audioConfigured = false;
    videoConfigured = false;
    audioClock.reset();
    videoClock.reset();
  }

  // ---- data and media ----

  private void onData(RawMessage m) {
    DataMessage d = DataMessage.decode(m, amf);
    Map<String, Object> metadata = d.metadata();
    if (metadata == null) {
      notice("ignoring data message " + (d.values().isEmpty() ? "(empty)" : d.values().get(0)));
    } else if (!isPublishing(m)) {
      notice("ignoring metadata outside an accepted publish");
    } else {
      emit(new RtmpEvent.Metadata(metadata));
    }
  }

  private boolean isPublishing(RawMessage m) {
    return state == State.PUBLISHING && m.messageStreamId() == publishStreamId;
  }

  private void onVideo(RawMessage m) {
    if (!isPublishing(m)) {
      emit(new RtmpEvent.MediaDropped(MediaKind.VIDEO, m.timestamp(), notPublishingReason()));
      return;
    }
    if (m.payload().length == 0) {
      // Some encoders send empty media messages as keep-alives.
      emit(new RtmpEvent.MediaDropped(MediaKind.VIDEO, m.timestamp(), "empty video message"));
      return;
    }
    VideoTag tag = VideoTag.parse(m.payload());
    if (tag.exHeader()) {
      unsupported(
          MediaKind.VIDEO,
          "enhanced RTMP video '" + tag.fourCc().trim() + "' is not supported; publish H.264");
      return;
    }
    if (tag.codec() != VideoCodec.AVC) {
      unsupported(
          MediaKind.VIDEO, "video codec " + tag.codec() + " is not supported; publish H.264");
      return;
    }
    if (tag.frameType() == VideoFrameType.COMMAND) {
      notice("ignoring video command frame");
      return;
    }
    long ts = videoClock.next(m.timestamp());
    if (tag.isAvcSequenceHeader()) {
      emit(new RtmpEvent.VideoConfig(AvcDecoderConfigurationRecord.parse(tag)));
      videoConfigured = true;
    } else if (!videoConfigured) {
      emit(new RtmpEvent.MediaDropped(MediaKind.VIDEO, ts, "video before AVC sequence header"));
      return;
    }
    emit(new RtmpEvent.VideoData(m.messageStreamId(), ts, tag));
  }

  private void onAudio(RawMessage m) {
    if (!isPublishing(m)) {
      emit(new RtmpEvent.MediaDropped(MediaKind.AUDIO, m.timestamp(), notPublishingReason()));
      return;
    }
    if (m.payload().length == 0) {
      emit(new RtmpEvent.MediaDropped(MediaKind.AUDIO, m.timestamp(), "empty audio message"));
      return;
    }
    AudioTag tag = AudioTag.parse(m.payload());
    if (tag.format() == SoundFormat.EX_HEADER) {
      unsupported(MediaKind.AUDIO, "enhanced RTMP audio is not supported; publish AAC");
      return;
    }
    if (tag.format() != SoundFormat.AAC) {
      unsupported(
          MediaKind.AUDIO, "audio format " + tag.format() + " is not supported; publish AAC");
      return;
    }
    long ts = audioClock.next(m.timestamp());
    if (tag.isAacSequenceHeader()) {
      emit(new RtmpEvent.AudioConfig(AudioSpecificConfig.parse(tag)));
      audioConfigured = true;
    } else if (!audioConfigured) {
      emit(new RtmpEvent.MediaDropped(MediaKind.AUDIO, ts, "audio before AAC sequence header"));
      return;
    }
    emit(new RtmpEvent.AudioData(m.messageStreamId(), ts, tag));
  }

  private String notPublishingReason() {
    return state == State.PUBLISH_PENDING
        ? "publish not accepted yet"
        : "no accepted publish on this stream";
  }

  private void unsupported(MediaKind kind, String description) {
    sendStatus(publishStreamId, "error", "NetStream.Failed", description);
    state = State.CLOSED;
    emit(new RtmpEvent.UnsupportedCodec(kind, description));
  }

  // ---- output helpers ----

  private void replyResult(CommandMessage c, Object commandObject, Object info) {
    if (c.transactionId() != 0) {
      send(
          CommandMessage.of("_result", c.transactionId(), commandObject, info)
              .toRaw(ChunkStreams.COMMAND, 0));
    }
  }

  private void sendStatus(int streamId, String level, String code, String description) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("level", level);
    info.put("code", code);
    info.put("description", description);
    send(CommandMessage.of("onStatus", 0, null, info).toRaw(ChunkStreams.STREAM, streamId));
  }

  private void send(RawMessage m) {
    encoder.encode(m, out);
  }

  private void maybeAcknowledge() {
    // Spec 5.4.3: acknowledge once the peer's announced window has been received.
    if (state != State.CLOSED
        && peerWindowAckSize > 0
        && bytesReceived - bytesAcknowledged >= peerWindowAckSize) {
      send(new Acknowledgement(bytesReceived & 0xFFFFFFFFL).toRaw());
      bytesAcknowledged = bytesReceived;
    }
  }

  private void notice(String message) {
    emit(new RtmpEvent.Notice(message));
  }

  private void emit(RtmpEvent e) {
    flushOutbound();
    events.add(e);
  }

  private void fail(String reason) {
    if (state == State.CLOSED) {
      // Already ended (e.g. unsupported codec) while the rest of the buffer was being framed.
      return;
    }
    state = State.CLOSED;
    emit(new RtmpEvent.ProtocolError(reason));
  }

  private void flushOutbound() {
    if (out.size() > 0) {
      events.add(new RtmpEvent.Outbound(drainOut()));
    }
  }

  private byte[] drainOut() {
    byte[] bytes = out.toByteArray();
    out.reset();
    return bytes;
  }

  private List<RtmpEvent> drainEvents() {
    flushOutbound();
    List<RtmpEvent> result = events;
    events = new ArrayList<>();
    return result;
  }

  /**
   * Unwraps 32-bit timestamps and keeps one track non-decreasing. A backward jump is clamped once
   * and later timestamps keep their spacing, so one glitch yields one report, not one per frame.
   */
  private final class MediaClock {
    private final MediaKind kind;
    private boolean started;
    private long lastRaw;
    private long last;

    MediaClock(MediaKind kind) {
      this.kind = kind;
    }

    long next(long raw) {
      if (!started) {
        started = true;
        lastRaw = raw;
        last = raw;
        return raw;
      }
      int diff = (int) (raw - lastRaw); // signed 32-bit difference also handles wrap-around
      lastRaw = raw;
      long ts = last + diff;
      if (diff < 0) {
        emit(new RtmpEvent.TimestampRepaired(kind, raw, last));
        ts = last;
      }
      last = ts;
      return ts;
    }

    void reset() {
      started = false;
    }
  }
}
