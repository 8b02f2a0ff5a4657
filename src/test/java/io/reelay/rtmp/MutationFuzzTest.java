package io.reelay.rtmp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.amf.Amf0Decoder;
import io.reelay.amf.Amf0EcmaArray;
import io.reelay.amf.Amf0Encoder;
import io.reelay.amf.Amf0Exception;
import io.reelay.rtmp.chunk.ChunkDecoder;
import io.reelay.rtmp.chunk.ChunkEncoder;
import io.reelay.rtmp.message.UserControl;
import io.reelay.rtmp.message.UserControlEventType;
import io.reelay.rtmp.message.WindowAckSize;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing that runs in every {@code mvn test} (Jazzer's regression mode only
 * replays stored inputs). Valid publisher streams are mutated and fed in random pieces; the only
 * acceptable outcomes are events and at most one terminal event, never an exception.
 */
class MutationFuzzTest {
  private static final int ITERATIONS = 3000;

  /** A realistic publisher stream after the handshake, using every header type. */
  private static byte[] validStream(Random rnd) {
    TestClient c = new TestClient(new ChunkEncoder(true, rnd.nextBoolean()));
    ByteArrayOutputStream s = new ByteArrayOutputStream();
    byte[] all = c.upToPublish("key" + rnd.nextInt(10));
    s.write(all, 3073, all.length - 3073);
    Map<String, Object> md = new Amf0EcmaArray();
    md.put("width", 320.0);
    md.put("encoder", "Lavf");
    s.writeBytes(c.metadata(md));
    s.writeBytes(c.enc.encode(new WindowAckSize(5000).toRaw()));
    s.writeBytes(c.enc.encode(UserControl.of(UserControlEventType.PING_REQUEST, 7).toRaw()));
    s.writeBytes(c.video(0, TestClient.avcSequenceHeader()));
    s.writeBytes(c.audio(0, TestClient.AAC_CONFIG));
    long base = rnd.nextBoolean() ? 0 : 0xFFFFF0L;
    for (int i = 0; i < 10; i++) {
      byte[] frame = new byte[rnd.nextInt(6000) + 5];
      rnd.nextBytes(frame);
      frame[0] = (byte) (i % 5 == 0 ? 0x17 : 0x27);
      frame[1] = 1;
      s.writeBytes(c.video(base + i * 40L, frame));
      s.writeBytes(c.audio(base + i * 23L, TestClient.AAC_FRAME));
    }
    s.writeBytes(c.command(0, "FCUnpublish", null, "key"));
    s.writeBytes(c.command(0, "deleteStream", null, 1.0));
    return s.toByteArray();
  }

  static byte[] mutate(byte[] in, Random rnd) {
    byte[] b = in.clone();
    int mutations = 1 + rnd.nextInt(8);
    for (int m = 0; m < mutations; m++) {
      int p = rnd.nextInt(b.length);
      switch (rnd.nextInt(7)) {
        case 0 -> b[p] ^= (byte) (1 << rnd.nextInt(8));
        case 1 -> b[p] = (byte) rnd.nextInt(256);
        case 2 -> b[p] = (byte) (rnd.nextBoolean() ? 0xFF : 0x00);
        case 3 -> { // delete a range
          int len = Math.min(b.length - p, 1 + rnd.nextInt(16));
          byte[] n = new byte[b.length - len];
          System.arraycopy(b, 0, n, 0, p);
          System.arraycopy(b, p + len, n, p, b.length - p - len);
          b = n.length == 0 ? new byte[] {0} : n;
        }
        case 4 -> { // duplicate a range elsewhere
          int len = Math.min(b.length - p, 1 + rnd.nextInt(64));
          int at = rnd.nextInt(b.length);
          byte[] n = new byte[b.length + len];
          System.arraycopy(b, 0, n, 0, at);
          System.arraycopy(b, p, n, at, len);
          System.arraycopy(b, at, n, at + len, b.length - at);
          b = n;
        }
        case 5 -> { // interesting 32-bit values
          int[] vals = {0, 1, 127, 128, 0xFFFFFF, 0x7FFFFFFF, 0x80000000, -1, 65536, 4096};
          int v = vals[rnd.nextInt(vals.length)];
          for (int i = 0; i < 4 && p + i < b.length; i++) {
            b[p + i] = (byte) (v >>> (24 - 8 * i));
          }
        }
        default -> b = Arrays.copyOf(b, Math.max(1, p)); // truncate
      }
    }
    return b;
  }

  @Test
  void sessionSurvivesMutatedStreams() {
    Random rnd = new Random(20260121);
    int terminals = 0;
    for (int it = 0; it < ITERATIONS; it++) {
      byte[] wire = mutate(validStream(rnd), rnd);
      RtmpSession session = new RtmpSession();
      session.feed(TestClient.handshake());
      boolean terminal = false;
      int p = 0;
      while (p < wire.length) {
        int n = Math.min(wire.length - p, 1 + rnd.nextInt(rnd.nextBoolean() ? 8 : 4000));
        for (RtmpEvent e : session.feed(wire, p, n)) {
          assertFalse(terminal, "event after terminal: " + e);
          terminal = e.isTerminal();
          if (e instanceof RtmpEvent.PublishRequested) {
            session.acceptPublish();
          }
        }
        p += n;
      }
      terminals += terminal ? 1 : 0;
    }
    // Sanity: the mutations must actually hit error paths, and not all of them.
    assertTrue(terminals > ITERATIONS / 20 && terminals < ITERATIONS, "terminals: " + terminals);
  }

  @Test
  void chunkDecoderSurvivesMutatedStreams() {
    Random rnd = new Random(99);
    for (int it = 0; it < ITERATIONS; it++) {
      byte[] wire = mutate(validStream(rnd), rnd);
      ChunkDecoder dec = ChunkDecoder.withDefaults();
      try {
        int p = 0;
        while (p < wire.length) {
          int n = Math.min(wire.length - p, 1 + rnd.nextInt(300));
          dec.decode(ByteBuffer.wrap(wire, p, n), m -> {});
          p += n;
        }
      } catch (RtmpProtocolException expected) {
        // the only acceptable failure
      }
    }
  }

  @Test
  void amf0DecoderSurvivesMutatedValues() {
    Random rnd = new Random(5);
    Map<String, Object> obj = new LinkedHashMap<>();
    obj.put("app", "live");
    obj.put("list", List.of(1.0, "two", Map.of("x", true)));
    obj.put("ecma", new Amf0EcmaArray(Map.of("a", 1.0, "b", "c")));
    byte[] valid = Amf0Encoder.encodeAll("connect", 1.0, obj, null, "x".repeat(300));
    Amf0Decoder dec = new Amf0Decoder();
    for (int it = 0; it < 20 * ITERATIONS; it++) {
      byte[] b = mutate(valid, rnd);
      try {
        dec.decodeAll(b);
      } catch (Amf0Exception expected) {
        // the only acceptable failure
      }
    }
  }
}
