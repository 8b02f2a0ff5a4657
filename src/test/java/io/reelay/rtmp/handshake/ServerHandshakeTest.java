package io.reelay.rtmp.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.rtmp.RtmpProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ServerHandshakeTest {

  @Test
  void answersS0S1S2AndEchoesC1() {
    byte[] c1 = new byte[1536];
    new Random(1).nextBytes(c1);
    ServerHandshake hs = new ServerHandshake();
    byte[] reply = hs.consume(ByteBuffer.wrap(new byte[] {3}));
    assertEquals(0, reply.length);
    reply = hs.consume(ByteBuffer.wrap(c1));
    assertEquals(1 + 1536 * 2, reply.length);
    assertEquals(3, reply[0]);
    assertArrayEquals(c1, Arrays.copyOfRange(reply, 1 + 1536, reply.length));
    assertFalse(hs.isDone());

    ByteBuffer c2AndMore = ByteBuffer.allocate(1536 + 5);
    c2AndMore.position(1536).put(new byte[] {9, 9, 9, 9, 9}).flip();
    assertEquals(0, hs.consume(c2AndMore).length);
    assertTrue(hs.isDone());
    assertEquals(5, c2AndMore.remaining(), "bytes after C2 belong to the chunk stream");
  }

  @Test
  void byteByByte() {
    ServerHandshake hs = new ServerHandshake();
    byte[] all = new byte[1 + 1536 + 1536];
    all[0] = 3;
    int replies = 0;
    for (byte b : all) {
      if (hs.consume(ByteBuffer.wrap(new byte[] {b})).length > 0) {
        replies++;
      }
    }
    assertEquals(1, replies);
    assertTrue(hs.isDone());
  }

  @Test
  void garbageIsRefusedOnTheFirstByte() {
    for (String garbage : new String[] {"GET / HTTP/1.1\r\n", "\u0016\u0003\u0001", "\u0006"}) {
      ServerHandshake hs = new ServerHandshake();
      RtmpProtocolException e =
          assertThrows(
              RtmpProtocolException.class,
              () -> hs.consume(ByteBuffer.wrap(garbage.getBytes(StandardCharsets.ISO_8859_1))));
      assertTrue(e.getMessage().contains("version"), e.getMessage());
    }
  }

  // Keys as published in FFmpeg's rtmpproto.c / nginx-rtmp, written independently of the main code.
  private static final byte[] FP_KEY_OPEN =
      "Genuine Adobe Flash Player 001".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FMS_KEY =
      concat(
          "Genuine Adobe Flash Media Server 001".getBytes(StandardCharsets.US_ASCII),
          HexFormat.of()
              .parseHex("f0eec24a8068bee82e00d0d1029e7e576eec5d2d29806fab93b8e636cfeb31ae"));

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  @Test
  void digestHandshakeIsAnsweredTheWayFfmpegVerifiesIt() {
    // C1 as FFmpeg builds it: version 9.0.124.2, digest at the "offset at byte 8" position.
    byte[] c1 = new byte[1536];
    new Random(5).nextBytes(c1);
    Arrays.fill(c1, 0, 4, (byte) 0);
    c1[4] = 9;
    c1[5] = 0;
    c1[6] = 124;
    c1[7] = 2;
    int clientPos = ServerHandshake.digestPosition(c1, 8);
    byte[] clientDigest = ServerHandshake.digestExcluding(c1, clientPos, FP_KEY_OPEN);
    System.arraycopy(clientDigest, 0, c1, clientPos, 32);

    ServerHandshake hs = new ServerHandshake();
    ByteBuffer c0c1 = ByteBuffer.allocate(1537).put((byte) 3).put(c1).flip();
    byte[] reply = hs.consume(c0c1);
    assertTrue(hs.usedDigestHandshake());
    byte[] s1 = Arrays.copyOfRange(reply, 1, 1537);
    byte[] s2 = Arrays.copyOfRange(reply, 1537, 3073);
    assertTrue(s1[4] >= 3, "FFmpeg only verifies when the server version byte is >= 3");

    // FFmpeg's rtmp_validate_digest: try offset base 772, then 8, with the 36-byte FMS key.
    byte[] fmsOpen = Arrays.copyOf(FMS_KEY, 36);
    boolean s1Valid = false;
    for (int base : new int[] {772, 8}) {
      int pos = ServerHandshake.digestPosition(s1, base);
      s1Valid |=
          Arrays.equals(
              ServerHandshake.digestExcluding(s1, pos, fmsOpen),
              Arrays.copyOfRange(s1, pos, pos + 32));
    }
    assertTrue(s1Valid, "S1 digest must verify");

    // S2 signature: HMAC(HMAC(FMS key, client digest), S2[0..1504]) == S2[1504..1536].
    byte[] key = ServerHandshake.hmac(FMS_KEY, c1, clientPos, 32);
    byte[] sig = ServerHandshake.hmac(key, s2, 0, 1536 - 32);
    assertArrayEquals(sig, Arrays.copyOfRange(s2, 1536 - 32, 1536));
  }

  @Test
  void c1WithVersionButNoValidDigestFallsBackToSimpleHandshake() {
    byte[] c1 = new byte[1536];
    new Random(6).nextBytes(c1);
    ServerHandshake hs = new ServerHandshake();
    byte[] reply = hs.consume(ByteBuffer.allocate(1537).put((byte) 3).put(c1).flip());
    assertFalse(hs.usedDigestHandshake());
    assertArrayEquals(c1, Arrays.copyOfRange(reply, 1537, 3073));
  }
}
