package io.reelay.rtmp.handshake;

import io.reelay.rtmp.RtmpProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Server side of the RTMP handshake.
 *
 * <p>C0 (version) and C1 (1536 bytes) arrive, we answer S0 + S1 + S2, then C2 (1536 bytes) arrives
 * and is ignored (neither FFmpeg nor OBS send anything we could check). Memory is fixed.
 *
 * <p>Two flavours, chosen by what the client sent:
 *
 * <ul>
 *   <li>Simple handshake (RTMP spec 5.2): when C1 carries no valid client digest (OBS, and
 *       librtmp-based encoders in general). S2 echoes C1.
 *   <li>Digest ("FP9") handshake: when C1 carries an HMAC-SHA256 digest keyed with the Flash Player
 *       key (FFmpeg, Flash-era encoders). S1 gets a server digest and S2 a signature derived from
 *       the client digest, as nginx-rtmp and FMS do; clients that verify them (FFmpeg when playing,
 *       librtmp with FP9) would otherwise give up.
 * </ul>
 */
public final class ServerHandshake {
  public static final int RTMP_VERSION = 3;
  public static final int SIGNATURE_SIZE = 1536;

  private static final int DIGEST_SIZE = 32;
  private static final byte[] FMS_KEY = concat("Genuine Adobe Flash Media Server 001");
  private static final int FMS_KEY_OPEN_PART = 36;
  private static final byte[] FP_KEY_OPEN_PART =
      "Genuine Adobe Flash Player 001".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SERVER_VERSION = {0x0D, 0x0E, 0x0A, 0x0D};

  private enum State {
    AWAIT_C0,
    AWAIT_C1,
    AWAIT_C2,
    DONE
  }

  private State state = State.AWAIT_C0;
  private final byte[] c1 = new byte[SIGNATURE_SIZE];
  private int c1Filled;
  private int c2Skipped;
  private boolean digestHandshake;

  /**
   * Consumes handshake bytes from {@code in}, leaving any bytes after C2 untouched (they belong to
   * the chunk stream).
   *
   * @return bytes to send to the peer (S0+S1+S2), or an empty array if none yet
   * @throws RtmpProtocolException if C0 is not RTMP version 3 (e.g. TLS or HTTP on the RTMP port)
   */
  public byte[] consume(ByteBuffer in) {
    byte[] reply = new byte[0];
    while (in.hasRemaining() && state != State.DONE) {
      switch (state) {
        case AWAIT_C0 -> {
          int version = in.get() & 0xFF;
          if (version != RTMP_VERSION) {
            throw new RtmpProtocolException(
                "handshake: unsupported RTMP version byte 0x"
                    + Integer.toHexString(version)
                    + " (not an RTMP client, or RTMPE/RTMPS)");
          }
          state = State.AWAIT_C1;
        }
        case AWAIT_C1 -> {
          int take = Math.min(in.remaining(), SIGNATURE_SIZE - c1Filled);
          in.get(c1, c1Filled, take);
          c1Filled += take;
          if (c1Filled == SIGNATURE_SIZE) {
            reply = buildS0S1S2();
            state = State.AWAIT_C2;
          }
        }
        case AWAIT_C2 -> {
          int take = Math.min(in.remaining(), SIGNATURE_SIZE - c2Skipped);
          in.position(in.position() + take);
          c2Skipped += take;
          if (c2Skipped == SIGNATURE_SIZE) {
            state = State.DONE;
          }
        }
        default -> throw new IllegalStateException(state.name());
      }
    }
    return reply;
  }

  public boolean isDone() {
    return state == State.DONE;
  }

  /** Whether the client used the digest handshake (for logs/metrics). */
  public boolean usedDigestHandshake() {
    return digestHandshake;
  }

  private byte[] buildS0S1S2() {
    byte[] clientDigest =
        c1[4] == 0 && c1[5] == 0 && c1[6] == 0 && c1[7] == 0 ? null : findClientDigest();
    digestHandshake = clientDigest != null;
    byte[] out = new byte[1 + 2 * SIGNATURE_SIZE];
    out[0] = RTMP_VERSION;
    byte[] s1 = randomBytes(SIGNATURE_SIZE);
    Arrays.fill(s1, 0, 4, (byte) 0); // our epoch: 0
    byte[] s2;
    if (clientDigest == null) {
      Arrays.fill(s1, 4, 8, (byte) 0); // zero version field = plain handshake
      s2 = c1;
    } else {
      System.arraycopy(SERVER_VERSION, 0, s1, 4, 4);
      int pos = digestPosition(s1, 8);
      byte[] digest = digestExcluding(s1, pos, Arrays.copyOf(FMS_KEY, FMS_KEY_OPEN_PART));
      System.arraycopy(digest, 0, s1, pos, DIGEST_SIZE);
      // S2 is random except its last 32 bytes, signed with a key derived from the client digest.
      s2 = randomBytes(SIGNATURE_SIZE);
      byte[] key = hmac(FMS_KEY, clientDigest, 0, DIGEST_SIZE);
      byte[] signature = hmac(key, s2, 0, SIGNATURE_SIZE - DIGEST_SIZE);
      System.arraycopy(signature, 0, s2, SIGNATURE_SIZE - DIGEST_SIZE, DIGEST_SIZE);
    }
    System.arraycopy(s1, 0, out, 1, SIGNATURE_SIZE);
    System.arraycopy(s2, 0, out, 1 + SIGNATURE_SIZE, SIGNATURE_SIZE);
    return out;
  }

  /** Looks for the client digest in either of the two layouts clients use; null if absent. */
  private byte[] findClientDigest() {
    for (int base : new int[] {772, 8}) {
      int pos = digestPosition(c1, base);
      byte[] expected = digestExcluding(c1, pos, FP_KEY_OPEN_PART);
      if (MessageDigest.isEqual(expected, Arrays.copyOfRange(c1, pos, pos + DIGEST_SIZE))) {
        return expected;
      }
    }
    return null;
  }

  /** Digest offset: sum of the 4 bytes at {@code base}, mod 728, placed after them. */
  static int digestPosition(byte[] sig, int base) {
    int sum =
        (sig[base] & 0xFF)
            + (sig[base + 1] & 0xFF)
            + (sig[base + 2] & 0xFF)
            + (sig[base + 3] & 0xFF);
    return sum % 728 + base + 4;
  }

  /** HMAC-SHA256 over the signature with the 32 digest bytes at {@code pos} left out. */
  static byte[] digestExcluding(byte[] sig, int pos, byte[] key) {
    Mac mac = mac(key);
    mac.update(sig, 0, pos);
    mac.update(sig, pos + DIGEST_SIZE, sig.length - pos - DIGEST_SIZE);
    return mac.doFinal();
  }

  static byte[] hmac(byte[] key, byte[] data, int offset, int length) {
    Mac mac = mac(key);
    mac.update(data, offset, length);
    return mac.doFinal();
  }

  private static Mac mac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      // Every Java SE runtime ships HmacSHA256; reaching this is a broken JVM, not bad input.
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }

  private static byte[] concat(String text) {
    byte[] head = text.getBytes(StandardCharsets.US_ASCII);
    int[] tail = {
      0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E,
          0x57,
      0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE
    };
    byte[] key = Arrays.copyOf(head, head.length + tail.length);
    for (int i = 0; i < tail.length; i++) {
      key[head.length + i] = (byte) tail[i];
    }
    return key;
  }
}
