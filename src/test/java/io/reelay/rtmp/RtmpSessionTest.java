package io.reelay.rtmp;

import static io.reelay.rtmp.TestClient.ofType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.rtmp.RtmpEvent.AudioConfig;
import io.reelay.rtmp.RtmpEvent.AudioData;
import io.reelay.rtmp.RtmpEvent.MediaDropped;
import io.reelay.rtmp.RtmpEvent.Metadata;
import io.reelay.rtmp.RtmpEvent.Notice;
import io.reelay.rtmp.RtmpEvent.ProtocolError;
import io.reelay.rtmp.RtmpEvent.PublishRequested;
import io.reelay.rtmp.RtmpEvent.TimestampRepaired;
import io.reelay.rtmp.RtmpEvent.Unpublished;
import io.reelay.rtmp.RtmpEvent.UnsupportedCodec;
import io.reelay.rtmp.RtmpEvent.VideoConfig;
import io.reelay.rtmp.RtmpEvent.VideoData;
import io.reelay.rtmp.chunk.ChunkEncoder;
import io.reelay.rtmp.chunk.RawMessage;
import io.reelay.rtmp.message.CommandMessage;
import io.reelay.rtmp.message.MessageType;
import io.reelay.rtmp.message.UserControl;
import io.reelay.rtmp.message.UserControlEventType;
import io.reelay.rtmp.message.WindowAckSize;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RtmpSessionTest {
  private final RtmpSession session = new RtmpSession();
  private final TestClient client = new TestClient();

  /** Server replies decoded from the last feed. */
  private List<RawMessage> replies = List.of();

  /** Feeds the session and decodes every outbound byte, so the client's view stays in sync. */
  private List<RtmpEvent> feed(byte[] bytes) {
    List<RtmpEvent> events = session.feed(bytes);
    replies = client.serverMessages(events);
    return events;
  }

  private List<RtmpEvent> publishAccepted(String key) {
    List<RtmpEvent> events = new ArrayList<>(feed(client.upToPublish(key)));
    client.serverMessages(session.acceptPublish());
    return events;
  }

  private static ProtocolError singleError(List<RtmpEvent> events) {
    List<ProtocolError> errors = ofType(events, ProtocolError.class);
    assertEquals(1, errors.size(), events.toString());
    assertTrue(events.get(events.size() - 1).isTerminal(), "terminal event comes last");
    return errors.get(0);
  }

  @Test
  void fullPublishFlowLikeFfmpeg() {
    List<RtmpEvent> events = feed(client.upToPublish("mykey?token=abc"));
    assertEquals(RtmpSession.State.PUBLISH_PENDING, session.state());

    RtmpEvent.Connected connected = ofType(events, RtmpEvent.Connected.class).get(0);
    assertEquals("live", connected.app());
    assertEquals("rtmp://localhost/live", connected.tcUrl());
    PublishRequested pr = ofType(events, PublishRequested.class).get(0);
    assertEquals(new PublishRequested("live", "mykey", "token=abc", "live"), pr);

    List<Integer> types = replies.stream().map(RawMessage::typeId).toList();
    // Window Ack Size, Set Peer Bandwidth, Set Chunk Size, then command replies.
    assertEquals(List.of(5, 6, 1, 20, 20, 20, 20), types);
    assertEquals(2_500_000, WindowAckSize.decode(replies.get(0).payload()).windowSize());
    CommandMessage connectResult = TestClient.asCommand(replies.get(3));
    assertEquals("_result", connectResult.name());
    assertEquals(1.0, connectResult.transactionId());
    assertEquals(
        "NetConnection.Connect.Success",
        ((Map<?, ?>) connectResult.arguments().get(0)).get("code"));
    CommandMessage createResult = TestClient.asCommand(replies.get(6));
    assertEquals(4.0, createResult.transactionId());
    assertEquals(1.0, createResult.arguments().get(0));

    List<RawMessage> accept = client.serverMessages(session.acceptPublish());
    assertEquals(RtmpSession.State.PUBLISHING, session.state());
    UserControl begin = UserControl.decode(accept.get(0).payload());
    assertEquals(UserControlEventType.STREAM_BEGIN, begin.eventType());
    assertEquals(1, begin.value());
    CommandMessage status = TestClient.asCommand(accept.get(1));
    assertEquals("onStatus", status.name());
    assertEquals(1, accept.get(1).messageStreamId());
    assertEquals("NetStream.Publish.Start", ((Map<?, ?>) status.arguments().get(0)).get("code"));

    ByteArrayOutputStream media = new ByteArrayOutputStream();
    media.writeBytes(client.metadata(Map.of("width", 320.0, "height", 240.0)));
    media.writeBytes(client.video(0, TestClient.avcSequenceHeader()));
    media.writeBytes(client.audio(0, TestClient.AAC_CONFIG));
    media.writeBytes(client.video(0, TestClient.nalu(true)));
    media.writeBytes(client.audio(23, TestClient.AAC_FRAME));
    media.writeBytes(client.video(40, TestClient.nalu(false)));
    events = feed(media.toByteArray());

    assertEquals(320.0, ofType(events, Metadata.class).get(0).values().get("width"));
    VideoConfig vc = ofType(events, VideoConfig.class).get(0);
    assertEquals(320, vc.config().width());
    assertEquals(240, vc.config().height());
    assertEquals(44100, ofType(events, AudioConfig.class).get(0).config().sampleRate());
    List<VideoData> video = ofType(events, VideoData.class);
    assertEquals(List.of(0L, 0L, 40L), video.stream().map(VideoData::timestampMs).toList());
    assertTrue(video.get(1).tag().isKeyFrame());
    assertEquals(2, ofType(events, AudioData.class).size());

    events = feed(client.command(0, "FCUnpublish", null, "mykey"));
    events = new ArrayList<>(events);
    events.addAll(feed(client.command(0, "deleteStream", null, 1.0)));
    assertEquals(List.of(new Unpublished("mykey")), ofType(events, Unpublished.class));
    assertEquals(RtmpSession.State.CONNECTED, session.state());
  }

  @Test
  void sameEventsWhenFedByteByByte() {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    TestClient c = new TestClient();
    all.writeBytes(c.upToPublish("k"));
    List<RtmpEvent> events = new ArrayList<>();
    for (byte b : all.toByteArray()) {
      events.addAll(feed(new byte[] {b}));
    }
    assertEquals(1, ofType(events, PublishRequested.class).size());
    assertEquals(1, ofType(events, RtmpEvent.Connected.class).size());
    session.acceptPublish();
    byte[] media = c.video(0, TestClient.avcSequenceHeader());
    for (byte b : media) {
      events.addAll(feed(new byte[] {b}));
    }
    assertEquals(1, ofType(events, VideoConfig.class).size());
  }

  @Test
  void garbageHandshakeIsAProtocolError() {
    List<RtmpEvent> events =
        feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertTrue(singleError(events).reason().contains("version"));
    assertEquals(RtmpSession.State.CLOSED, session.state());
    assertTrue(feed(new byte[100]).isEmpty(), "closed session ignores input");
  }

  @Test
  void commandBeforeConnectIsAProtocolError() {
    feed(TestClient.handshake());
    assertTrue(
        singleError(feed(client.command(0, "createStream", null)))
            .reason()
            .contains("before connect"));
  }

  @Test
  void chunkSizeOneIsAProtocolError() {
    feed(TestClient.handshake());
    byte[] scs = {0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0, 0, 1};
    assertTrue(singleError(feed(scs)).reason().contains("Set Chunk Size 1"));
  }

  @Test
  void chunkSizeAboveBoundIsAProtocolError() {
    feed(TestClient.handshake());
    byte[] scs = {0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0x10, 0, 0};
    assertTrue(singleError(feed(scs)).reason().contains("outside accepted range"));
  }

  @Test
  void oversizedMessageIsRefusedFromItsHeader() {
    RtmpSession small = new RtmpSession(RtmpSessionConfig.defaults().withMaxMessageSize(1 << 20));
    small.feed(TestClient.handshake());
    // Only the 12-byte header of a 2 MiB message: the error must not wait for the body.
    byte[] header = {0x06, 0, 0, 0, 0x20, 0, 0, 9, 1, 0, 0, 0};
    assertTrue(singleError(small.feed(header)).reason().contains("exceeds limit"));
  }

  @Test
  void unknownChunkStreamIsAProtocolError() {
    feed(TestClient.handshake());
    assertTrue(
        singleError(feed(new byte[] {(byte) 0xC7, 1, 2, 3}))
            .reason()
            .contains("before any type 0"));
  }

  @Test
  void amfNestingBombInACommandIsAProtocolError() {
    feed(TestClient.handshake());
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(io.reelay.amf.Amf0Encoder.encodeAll("connect", 1.0));
    for (int i = 0; i < 5000; i++) {
      body.writeBytes(new byte[] {0x0A, 0, 0, 0, 1});
    }
    byte[] wire = client.enc.encode(new RawMessage(3, 20, 0, 0, body.toByteArray()));
    assertTrue(singleError(feed(wire)).reason().contains("nesting"));
  }

  @Test
  void videoBeforeSequenceHeaderIsDroppedAndReported() {
    publishAccepted("k");
    List<RtmpEvent> events = feed(client.video(0, TestClient.nalu(true)));
    assertEquals(0, ofType(events, VideoData.class).size());
    MediaDropped d = ofType(events, MediaDropped.class).get(0);
    assertEquals(MediaKind.VIDEO, d.kind());
    assertTrue(d.reason().contains("sequence header"));
    events = feed(client.audio(0, TestClient.AAC_FRAME));
    assertEquals(MediaKind.AUDIO, ofType(events, MediaDropped.class).get(0).kind());
    // And the session keeps working once the header arrives.
    events = feed(client.video(40, TestClient.avcSequenceHeader()));
    assertEquals(1, ofType(events, VideoData.class).size());
    assertEquals(RtmpSession.State.PUBLISHING, session.state());
  }

  @Test
  void timestampsGoingBackwardsAreRepaired() {
    publishAccepted("k");
    feed(client.video(1000, TestClient.avcSequenceHeader()));
    List<RtmpEvent> events = new ArrayList<>();
    for (long ts : new long[] {1000, 1040, 500, 540, 580}) {
      events.addAll(feed(client.video(ts, TestClient.nalu(false))));
    }
    List<Long> out = ofType(events, VideoData.class).stream().map(VideoData::timestampMs).toList();
    assertEquals(List.of(1000L, 1040L, 1040L, 1080L, 1120L), out);
    List<TimestampRepaired> repairs = ofType(events, TimestampRepaired.class);
    assertEquals(1, repairs.size(), "one report per discontinuity");
    assertEquals(new TimestampRepaired(MediaKind.VIDEO, 500, 1040), repairs.get(0));
  }

  @Test
  void timestampsWrappingPast32BitsAreUnwrapped() {
    publishAccepted("k");
    List<RtmpEvent> events = new ArrayList<>();
    events.addAll(feed(client.video(0xFFFFFFF0L, TestClient.avcSequenceHeader())));
    events.addAll(feed(client.video(0x10, TestClient.nalu(true))));
    List<Long> out = ofType(events, VideoData.class).stream().map(VideoData::timestampMs).toList();
    assertEquals(List.of(0xFFFFFFF0L, 0x100000010L), out);
    assertTrue(ofType(events, TimestampRepaired.class).isEmpty());
  }

  @Test
  void rejectPublishSendsBadNameAndCloses() {
    feed(client.upToPublish("bad"));
    List<RawMessage> msgs =
        client.serverMessages(session.rejectPublish("stream key not recognised"));
    CommandMessage status = TestClient.asCommand(msgs.get(0));
    Map<?, ?> info = (Map<?, ?>) status.arguments().get(0);
    assertEquals("error", info.get("level"));
    assertEquals("NetStream.Publish.BadName", info.get("code"));
    assertEquals("stream key not recognised", info.get("description"));
    assertEquals(RtmpSession.State.CLOSED, session.state());
    assertTrue(feed(client.video(0, TestClient.avcSequenceHeader())).isEmpty());
    assertEquals(0, session.acceptPublish().length, "late accept after reject is a no-op");
  }

  @Test
  void mediaWhilePublishPendingIsDroppedThenAcceptWorks() {
    feed(client.upToPublish("k"));
    List<RtmpEvent> events = feed(client.video(0, TestClient.avcSequenceHeader()));
    assertEquals("publish not accepted yet", ofType(events, MediaDropped.class).get(0).reason());
    assertTrue(session.acceptPublish().length > 0);
    events = feed(client.video(0, TestClient.avcSequenceHeader()));
    assertEquals(1, ofType(events, VideoConfig.class).size());
  }

  @Test
  void unpublishWhileLookupPendingMakesLateAcceptANoOp() {
    feed(client.upToPublish("k"));
    List<RtmpEvent> events = feed(client.command(0, "deleteStream", null, 1.0));
    assertEquals(1, ofType(events, Unpublished.class).size());
    assertEquals(0, session.acceptPublish().length);
    assertEquals(RtmpSession.State.CONNECTED, session.state());
  }

  @Test
  void enhancedRtmpHevcIsRefusedWithAStatus() {
    publishAccepted("k");
    byte[] hevc = {(byte) 0x90, 'h', 'v', 'c', '1', 1, 2, 3};
    List<RtmpEvent> events = feed(client.video(0, hevc));
    UnsupportedCodec u = ofType(events, UnsupportedCodec.class).get(0);
    assertTrue(u.description().contains("hvc1"), u.description());
    assertTrue(events.get(events.size() - 1).isTerminal());
    List<RawMessage> msgs = replies;
    Map<?, ?> info = (Map<?, ?>) TestClient.asCommand(msgs.get(0)).arguments().get(0);
    assertEquals("error", info.get("level"));
    assertTrue(((String) info.get("description")).contains("hvc1"));
    assertEquals(RtmpSession.State.CLOSED, session.state());
  }

  @Test
  void unknownCommandsAreIgnoredAndPlayIsRefused() {
    feed(TestClient.handshake());
    feed(client.connect("live"));
    List<RtmpEvent> events = feed(client.command(0, "someVendorThing", null, 1.0));
    assertTrue(ofType(events, Notice.class).get(0).message().contains("someVendorThing"));
    assertEquals(RtmpSession.State.CONNECTED, session.state());
    feed(client.command(0, "createStream", null));

    events = feed(client.command(1, "play", null, "k"));
    List<RawMessage> msgs = replies;
    Map<?, ?> info = (Map<?, ?>) TestClient.asCommand(msgs.get(0)).arguments().get(0);
    assertEquals("NetStream.Play.Failed", info.get("code"));
    assertEquals(RtmpSession.State.CONNECTED, session.state());
  }

  @Test
  void pingRequestGetsPingResponse() {
    feed(TestClient.handshake());
    feed(client.connect("live"));
    byte[] ping =
        client.enc.encode(UserControl.of(UserControlEventType.PING_REQUEST, 123456).toRaw());
    feed(ping);
    List<RawMessage> msgs = replies;
    assertEquals(1, msgs.size());
    UserControl pong = UserControl.decode(msgs.get(0).payload());
    assertEquals(UserControlEventType.PING_RESPONSE, pong.eventType());
    assertEquals(123456, pong.value());
  }

  @Test
  void acknowledgementsAreSentWhenThePeerWindowIsCrossed() {
    publishAccepted("k");
    feed(client.enc.encode(new WindowAckSize(10_000).toRaw()));
    feed(client.video(0, TestClient.avcSequenceHeader()));
    int acks = 0;
    for (int i = 1; i <= 100; i++) {
      byte[] frame = new byte[1000];
      frame[0] = 0x27;
      frame[1] = 1;
      feed(client.video(i * 40L, frame));
      for (RawMessage m : replies) {
        if (m.typeId() == MessageType.ACKNOWLEDGEMENT.id) {
          acks++;
        }
      }
    }
    // ~100 KB received with a 10 KB window.
    assertTrue(acks >= 9 && acks <= 11, "acks: " + acks);
  }

  @Test
  void aggregateMessagesAreSplit() {
    publishAccepted("k");
    feed(client.video(0, TestClient.avcSequenceHeader()));
    ByteArrayOutputStream agg = new ByteArrayOutputStream();
    for (int i = 0; i < 3; i++) {
      byte[] body = TestClient.nalu(i == 0);
      int ts = 5000 + i * 40;
      agg.writeBytes(
          new byte[] {
            9, 0, 0, (byte) body.length, (byte) (ts >> 16), (byte) (ts >> 8), (byte) ts, 0, 0, 0, 0
          });
      agg.writeBytes(body);
      agg.writeBytes(new byte[] {0, 0, 0, (byte) (body.length + 11)});
    }
    List<RtmpEvent> events =
        feed(client.enc.encode(new RawMessage(6, 22, 100, 1, agg.toByteArray())));
    List<Long> ts = ofType(events, VideoData.class).stream().map(VideoData::timestampMs).toList();
    assertEquals(List.of(100L, 140L, 180L), ts);
  }

  @Test
  void extendedTimestampWithoutRepetitionOnContinuationChunks() {
    // Clients that omit the extended timestamp on type-3 continuation chunks must work too.
    TestClient c = new TestClient(new ChunkEncoder(true, false));
    feed(c.upToPublish("k"));
    session.acceptPublish();
    byte[] big = new byte[10_000];
    big[0] = 0x27;
    big[1] = 1;
    feed(c.video(0x01000000L, TestClient.avcSequenceHeader()));
    List<RtmpEvent> events = feed(c.video(0x01000040L, big));
    VideoData v = ofType(events, VideoData.class).get(0);
    assertEquals(0x01000040L, v.timestampMs());
    assertEquals(10_000, v.tag().body().length);
    assertFalse(events.stream().anyMatch(RtmpEvent::isTerminal));
  }

  @Test
  void publishWithoutKeyIsRefused() {
    feed(TestClient.handshake());
    feed(client.connect("live"));
    feed(client.command(0, "createStream", null));
    List<RtmpEvent> events = feed(client.command(1, "publish", null, "", "live"));
    assertInstanceOf(ProtocolError.class, events.get(events.size() - 1));
    assertTrue(
        ofType(events, RtmpEvent.Outbound.class).size() == 1, "BadName status is sent first");
  }
}
