package io.reelay.amf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes AMF0 values from a buffer.
 *
 * <p>Java mapping: number → {@link Double}, boolean → {@link Boolean}, string and long string →
 * {@link String}, object → {@code LinkedHashMap<String,Object>}, ECMA array → {@link
 * Amf0EcmaArray}, strict array → {@code List<Object>}, date → {@link Amf0Date}, null → {@code
 * null}, undefined → {@link Amf0Undefined#INSTANCE}.
 *
 * <p>Hostile input is bounded: nesting depth is limited, every length is checked against the bytes
 * actually remaining before anything is allocated, and strict-array capacity is never taken from
 * the wire count.
 */
public final class Amf0Decoder {
  public static final int DEFAULT_MAX_DEPTH = 32;

  private final int maxDepth;

  public Amf0Decoder() {
    this(DEFAULT_MAX_DEPTH);
  }

  public Amf0Decoder(int maxDepth) {
    if (maxDepth < 1) {
      throw new IllegalArgumentException("maxDepth must be >= 1");
    }
    this.maxDepth = maxDepth;
  }

  /**
   * Decodes every value until the buffer is exhausted (how command and data messages are laid out).
   */
  public List<Object> decodeAll(byte[] data, int offset, int length) {
    ByteBuffer buf = ByteBuffer.wrap(data, offset, length);
    List<Object> values = new ArrayList<>();
    while (buf.hasRemaining()) {
      values.add(decode(buf));
    }
    return values;
  }

  public List<Object> decodeAll(byte[] data) {
    return decodeAll(data, 0, data.length);
  }

  /** Decodes one value, advancing the buffer's position. */
  public Object decode(ByteBuffer buf) {
    return readValue(buf, 0);
  }

  private Object readValue(ByteBuffer buf, int depth) {
    need(buf, 1);
    int marker = buf.get() & 0xFF;
    Amf0Type type = Amf0Type.fromMarker(marker);
    if (type == null) {
      throw new Amf0Exception("unknown AMF0 marker 0x" + Integer.toHexString(marker));
    }
    switch (type) {
      case NUMBER:
        need(buf, 8);
        return buf.getDouble();
      case BOOLEAN:
        need(buf, 1);
        return buf.get() != 0;
      case STRING:
        return readUtf8(buf, readU16(buf));
      case LONG_STRING:
        return readUtf8(buf, readU32(buf));
      case NULL:
        return null;
      case UNDEFINED:
        return Amf0Undefined.INSTANCE;
      case OBJECT:
        checkDepth(depth);
        return readProperties(buf, new LinkedHashMap<>(), depth + 1);
      case ECMA_ARRAY:
        checkDepth(depth);
        // The count is only a hint (many encoders write 0); the object-end marker terminates.
        need(buf, 4);
        buf.getInt();
        return readProperties(buf, new Amf0EcmaArray(), depth + 1);
      case STRICT_ARRAY:
        checkDepth(depth);
        return readStrictArray(buf, depth + 1);
      case DATE:
        need(buf, 10);
        double millis = buf.getDouble();
        return new Amf0Date(millis, buf.getShort());
      case OBJECT_END:
        throw new Amf0Exception("object-end marker outside of an object");
      default:
        throw new Amf0Exception("unsupported AMF0 type " + type);
    }
  }

  private <M extends Map<String, Object>> M readProperties(ByteBuffer buf, M map, int depth) {
    while (true) {
      int keyLength = readU16(buf);
      if (keyLength == 0) {
        need(buf, 1);
        int marker = buf.get() & 0xFF;
        if (marker == Amf0Type.OBJECT_END.marker) {
          return map;
        }
        // An empty key is legal; put the marker back and read its value.
        buf.position(buf.position() - 1);
        map.put("", readValue(buf, depth));
        continue;
      }
      String key = readUtf8(buf, keyLength);
      map.put(key, readValue(buf, depth));
    }
  }

  private List<Object> readStrictArray(ByteBuffer buf, int depth) {
    long count = readU32(buf);
    // Each element takes at least one byte, so a count above the remaining bytes is a lie.
    if (count > buf.remaining()) {
      throw new Amf0Exception(
          "strict array claims "
              + count
              + " elements but only "
              + buf.remaining()
              + " bytes remain");
    }
    List<Object> list = new ArrayList<>((int) Math.min(count, 1024));
    for (long i = 0; i < count; i++) {
      list.add(readValue(buf, depth));
    }
    return list;
  }

  private void checkDepth(int depth) {
    if (depth >= maxDepth) {
      throw new Amf0Exception("AMF0 nesting deeper than " + maxDepth);
    }
  }

  private static int readU16(ByteBuffer buf) {
    need(buf, 2);
    return buf.getShort() & 0xFFFF;
  }

  private static long readU32(ByteBuffer buf) {
    need(buf, 4);
    return buf.getInt() & 0xFFFFFFFFL;
  }

  private static String readUtf8(ByteBuffer buf, long length) {
    if (length > buf.remaining()) {
      throw new Amf0Exception(
          "string length " + length + " exceeds remaining " + buf.remaining() + " bytes");
    }
    int len = (int) length;
    String s;
    if (buf.hasArray()) {
      s = new String(buf.array(), buf.arrayOffset() + buf.position(), len, StandardCharsets.UTF_8);
      buf.position(buf.position() + len);
    } else {
      byte[] tmp = new byte[len];
      buf.get(tmp);
      s = new String(tmp, StandardCharsets.UTF_8);
    }
    return s;
  }

  private static void need(ByteBuffer buf, int n) {
    if (buf.remaining() < n) {
      throw new Amf0Exception(
          "truncated AMF0 value: need " + n + " bytes, have " + buf.remaining());
    }
  }
}
