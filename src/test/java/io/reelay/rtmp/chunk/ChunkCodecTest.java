package io.reelay.rtmp.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.rtmp.RtmpProtocolException;
import io.reelay.rtmp.message.Abort;
import io.reelay.rtmp.message.SetChunkSize;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkCodecTest {

  private static List<RawMessage> randomMessages(Random rnd, int count, boolean bigTimestamps) {
    int[] csids = {2, 3, 4, 6, 63, 64, 200, 319, 320, 1000, 65599};
    List<RawMessage> msgs = new ArrayList<>();
    long[] ts = new long[csids.length];
    int[] msid = new int[csids.length];
    for (int i = 0; i < count; i++) {
      int c = rnd.nextInt(csids.length);
      // Mostly monotonic with repeated deltas and lengths so types 1, 2 and 3 all occur.
      long delta =
          switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> 40;
            case 2 -> rnd.nextInt(1000);
            default -> bigTimestamps ? 0xFFFFFF + rnd.nextInt(1 << 20) : 23;
          };
      ts[c] = (ts[c] + delta) & 0xFFFFFFFFL;
      if (rnd.nextInt(20) == 0) {
        msid[c] = rnd.nextInt(5);
      }
      int len =
          switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> 100;
            case 2 -> rnd.nextInt(300);
            default -> rnd.nextInt(20_000);
          };
      byte[] payload = new byte[len];
      rnd.nextBytes(payload);
      int type = rnd.nextBoolean() ? 8 : 9;
      msgs.add(new RawMessage(csids[c], type, ts[c], msid[c], payload));
    }
    return msgs;
  }

  private static List<RawMessage> decodeInPieces(
      byte[] wire, Random rnd, ChunkDecoder dec, int maxPiece) {
    List<RawMessage> got = new ArrayList<>();
    int p = 0;
    while (p < wire.length) {
      int n = Math.min(wire.length - p, 1 + rnd.nextInt(maxPiece));
      dec.decode(ByteBuffer.wrap(wire, p, n), got::add);
      p += n;
    }
    return got;
  }

  private static void assertSameMessages(List<RawMessage> expected, List<RawMessage> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      RawMessage e = expected.get(i);
      RawMessage a = actual.get(i);
      assertEquals(e.chunkStreamId(), a.chunkStreamId(), "csid of #" + i);
      assertEquals(e.typeId(), a.typeId(), "type of #" + i);
      assertEquals(e.timestamp(), a.timestamp(), "timestamp of #" + i);
      assertEquals(e.messageStreamId(), a.messageStreamId(), "msid of #" + i);
      assertArrayEquals(e.payload(), a.payload(), "payload of #" + i);
    }
  }

  /** Encodes messages, switching chunk size midway via a Set Chunk Size message. */
  private static byte[] encode(
      List<RawMessage> msgs, ChunkEncoder enc, Random rnd, List<RawMessage> expected) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (RawMessage m : msgs) {
      if (rnd.nextInt(15) == 0) {
        int size = 128 + rnd.nextInt(65536 - 128 + 1);
        RawMessage scs = new SetChunkSize(size).toRaw();
        enc.encode(scs, out);
        enc.setChunkSize(size);
        expected.add(scs);
      }
      enc.encode(m, out);
      expected.add(m);
    }
    return out.toByteArray();
  }

  @RepeatedTest(20)
  void roundTripWithRandomChunkSizesAndSplits(org.junit.jupiter.api.RepetitionInfo info) {
    Random rnd = new Random(info.getCurrentRepetition());
    boolean compress = rnd.nextBoolean();
    boolean extOnContinuation = rnd.nextBoolean();
    List<RawMessage> msgs = randomMessages(rnd, 200, rnd.nextBoolean());
    List<RawMessage> expected = new ArrayList<>();
    byte[] wire = encode(msgs, new ChunkEncoder(compress, extOnContinuation), rnd, expected);
    ChunkDecoder dec = ChunkDecoder.withDefaults();
    assertSameMessages(expected, decodeInPieces(wire, rnd, dec, 1 + rnd.nextInt(5000)));
    assertEquals(0, dec.inFlightBytes());
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void byteByByteWithExtendedTimestampsBothConventions(boolean extOnContinuation) {
    Random rnd = new Random(7);
    List<RawMessage> msgs = randomMessages(rnd, 60, true);
    List<RawMessage> expected = new ArrayList<>();
    byte[] wire = encode(msgs, new ChunkEncoder(true, extOnContinuation), new Random(1), expected);
    assertSameMessages(expected, decodeInPieces(wire, rnd, ChunkDecoder.withDefaults(), 1));
  }

  @Test
  void allHeaderTypesAndBasicHeaderSizesAreExercised() {
    ChunkEncoder enc = new ChunkEncoder(true, true);
    byte[] p = new byte[10];
    // type 0, then type 1 (new length), type 2 (new delta), type 3 (same everything).
    byte[] w0 = enc.encode(new RawMessage(320, 9, 1000, 1, p));
    byte[] w1 = enc.encode(new RawMessage(320, 9, 1040, 1, new byte[11]));
    byte[] w2 = enc.encode(new RawMessage(320, 9, 1060, 1, new byte[11]));
    byte[] w3 = enc.encode(new RawMessage(320, 9, 1080, 1, new byte[11]));
    assertEquals(0, (w0[0] & 0xFF) >> 6);
    assertEquals(1, (w1[0] & 0xFF) >> 6);
    assertEquals(2, (w2[0] & 0xFF) >> 6);
    assertEquals(3, (w3[0] & 0xFF) >> 6);
    assertEquals(1, w0[0] & 0x3F, "csid 320 needs the 3-byte basic header");
    assertEquals(3 + 11 + 10, w0.length);
    assertEquals(3, w3.length - 11);

    ChunkDecoder dec = ChunkDecoder.withDefaults();
    List<RawMessage> got = new ArrayList<>();
    for (byte[] w : List.of(w0, w1, w2, w3)) {
      dec.decode(ByteBuffer.wrap(w), got::add);
    }
    assertEquals(
        List.of(1000L, 1040L, 1060L, 1080L), got.stream().map(RawMessage::timestamp).toList());
  }

  @Test
  void type3AfterType0RepeatsTheAbsoluteTimestampAsDelta() {
    // Spec 5.3.1.2.4: the delta for a type 3 after a type 0 is the type 0 timestamp.
    byte[] wire = {
      0x04,
      0,
      0,
      100,
      0,
      0,
      1,
      8,
      1,
      0,
      0,
      0,
      'a', // type 0, ts 100, len 1
      (byte) 0xC4,
      'b' // type 3, new message
    };
    List<RawMessage> got = new ArrayList<>();
    ChunkDecoder.withDefaults().decode(ByteBuffer.wrap(wire), got::add);
    assertEquals(2, got.size());
    assertEquals(200, got.get(1).timestamp());
  }

  @Test
  void unknownChunkStreamReferenceIsAnError() {
    for (int fmt = 1; fmt <= 3; fmt++) {
      byte[] wire = {(byte) (fmt << 6 | 5), 0, 0, 0, 0, 0, 1, 8};
      RtmpProtocolException e =
          assertThrows(
              RtmpProtocolException.class,
              () -> ChunkDecoder.withDefaults().decode(ByteBuffer.wrap(wire), m -> {}));
      assertTrue(e.getMessage().contains("before any type 0"), e.getMessage());
    }
  }

  @Test
  void oversizedMessageIsRefusedBeforeTheBodyArrives() {
    ChunkDecoder dec = new ChunkDecoder(1 << 20, 2 << 20, 64, 128, 65536);
    // Header alone declares 16 MiB - 1; no payload byte is sent.
    byte[] header = {0x04, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 9, 1, 0, 0, 0};
    RtmpProtocolException e =
        assertThrows(
            RtmpProtocolException.class, () -> dec.decode(ByteBuffer.wrap(header), m -> {}));
    assertTrue(e.getMessage().contains("exceeds limit"), e.getMessage());
    assertEquals(0, dec.inFlightBytes());
  }

  @Test
  void messageMemoryGrowsWithReceivedBytesNotDeclaredLength() throws Exception {
    ChunkDecoder dec = ChunkDecoder.withDefaults();
    // Declares 8 MiB but sends one 128-byte chunk; the buffer must stay small.
    byte[] header = {0x04, 0, 0, 0, (byte) 0x80, 0, 0, 9, 1, 0, 0, 0};
    dec.decode(ByteBuffer.wrap(header), m -> {});
    dec.decode(ByteBuffer.wrap(new byte[128]), m -> {});
    assertEquals(8 << 20, dec.inFlightBytes());
    var streams = ChunkDecoder.class.getDeclaredField("streams");
    streams.setAccessible(true);
    Object cs = ((java.util.Map<?, ?>) streams.get(dec)).get(4);
    var buffer = cs.getClass().getDeclaredField("buffer");
    buffer.setAccessible(true);
    assertTrue(((byte[]) buffer.get(cs)).length <= 4096);
  }

  @Test
  void inFlightBytesAcrossChunkStreamsAreBounded() {
    ChunkDecoder dec = new ChunkDecoder(1 << 20, 2 << 20, 64, 128, 65536);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int csid = 3; csid < 6; csid++) {
      // Three incomplete 1 MiB messages: the third exceeds the 2 MiB budget.
      out.writeBytes(new byte[] {(byte) csid, 0, 0, 0, 0x10, 0, 0, 9, 1, 0, 0, 0});
      out.writeBytes(new byte[128]);
    }
    RtmpProtocolException e =
        assertThrows(
            RtmpProtocolException.class,
            () -> dec.decode(ByteBuffer.wrap(out.toByteArray()), m -> {}));
    assertTrue(e.getMessage().contains("incomplete messages"), e.getMessage());
  }

  @Test
  void tooManyChunkStreamsIsAnError() {
    ChunkDecoder dec = new ChunkDecoder(1 << 20, 2 << 20, 4, 128, 65536);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int csid = 3; csid < 10; csid++) {
      out.writeBytes(new byte[] {(byte) csid, 0, 0, 0, 0, 0, 0, 9, 1, 0, 0, 0});
    }
    assertThrows(
        RtmpProtocolException.class, () -> dec.decode(ByteBuffer.wrap(out.toByteArray()), m -> {}));
  }

  private static byte[] setChunkSizeWire(long size) {
    return new byte[] {
      0x02,
      0,
      0,
      0,
      0,
      0,
      4,
      1,
      0,
      0,
      0,
      0,
      (byte) (size >>> 24),
      (byte) (size >>> 16),
      (byte) (size >>> 8),
      (byte) size
    };
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 127, 65537, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL})
  void insaneChunkSizesCloseTheConnection(long size) {
    RtmpProtocolException e =
        assertThrows(
            RtmpProtocolException.class,
            () ->
                ChunkDecoder.withDefaults()
                    .decode(ByteBuffer.wrap(setChunkSizeWire(size)), m -> {}));
    assertTrue(e.getMessage().contains("Set Chunk Size"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(longs = {128, 4096, 65536})
  void saneChunkSizesApply(long size) {
    ChunkDecoder dec = ChunkDecoder.withDefaults();
    List<RawMessage> got = new ArrayList<>();
    dec.decode(ByteBuffer.wrap(setChunkSizeWire(size)), got::add);
    assertEquals(size, dec.chunkSize());
    assertEquals(1, got.size(), "control messages are still passed on");
  }

  @Test
  void abortDiscardsThePartialMessage() {
    ChunkEncoder enc = new ChunkEncoder();
    byte[] big = new byte[300];
    new Random(3).nextBytes(big);
    byte[] full = enc.encode(new RawMessage(6, 9, 0, 1, big));
    // Send the first chunk only (12 header + 128 payload), then Abort(6), then a fresh message.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(full, 0, 12 + 128);
    out.writeBytes(enc.encode(new Abort(6).toRaw()));
    ChunkEncoder enc2 = new ChunkEncoder();
    out.writeBytes(enc2.encode(new RawMessage(6, 8, 5, 1, new byte[] {1, 2, 3})));
    ChunkDecoder dec = ChunkDecoder.withDefaults();
    List<RawMessage> got = new ArrayList<>();
    dec.decode(ByteBuffer.wrap(out.toByteArray()), got::add);
    assertEquals(2, got.size());
    assertEquals(2, got.get(0).typeId());
    assertArrayEquals(new byte[] {1, 2, 3}, got.get(1).payload());
    assertEquals(0, dec.inFlightBytes());
  }

  @Test
  void newHeaderInTheMiddleOfAMessageIsAnError() {
    ChunkEncoder enc = new ChunkEncoder();
    byte[] full = enc.encode(new RawMessage(6, 9, 0, 1, new byte[300]));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(full, 0, 12 + 128);
    out.writeBytes(new ChunkEncoder().encode(new RawMessage(6, 9, 0, 1, new byte[3])));
    assertThrows(
        RtmpProtocolException.class,
        () -> ChunkDecoder.withDefaults().decode(ByteBuffer.wrap(out.toByteArray()), m -> {}));
  }

  @Test
  void continuationCarryingTheAbsoluteExtendedTimestampIsAccepted() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] payload = new byte[200];
    new Random(11).nextBytes(payload);
    // Message 1: type 0, ts 0x01000000 (extended), 200 bytes = 128 + 72.
    out.writeBytes(new byte[] {0x06, -1, -1, -1, 0, 0, (byte) 200, 9, 1, 0, 0, 0, 1, 0, 0, 0});
    out.write(payload, 0, 128);
    out.writeBytes(new byte[] {(byte) 0xC6, 1, 0, 0, 0});
    out.write(payload, 128, 72);
    // Message 2: type 2, delta 0x01000000 (extended); the continuation repeats the ABSOLUTE time.
    out.writeBytes(new byte[] {(byte) 0x86, -1, -1, -1, 1, 0, 0, 0});
    out.write(payload, 0, 128);
    out.writeBytes(new byte[] {(byte) 0xC6, 2, 0, 0, 0});
    out.write(payload, 128, 72);
    List<RawMessage> got = new ArrayList<>();
    ChunkDecoder.withDefaults().decode(ByteBuffer.wrap(out.toByteArray()), got::add);
    assertEquals(2, got.size());
    assertEquals(0x01000000L, got.get(0).timestamp());
    assertEquals(0x02000000L, got.get(1).timestamp());
    assertArrayEquals(payload, got.get(0).payload());
    assertArrayEquals(payload, got.get(1).payload());
  }
}
