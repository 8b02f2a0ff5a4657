package io.reelay.amf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Amf0Test {
  private final Amf0Decoder decoder = new Amf0Decoder();

  private Object roundTrip(Object value) {
    byte[] bytes = Amf0Encoder.encodeAll(value);
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    Object decoded = decoder.decode(buf);
    assertEquals(0, buf.remaining(), "decoder must consume exactly what the encoder wrote");
    assertArrayEquals(bytes, Amf0Encoder.encodeAll(decoded), "re-encoding must be byte-identical");
    return decoded;
  }

  @Test
  void scalarsRoundTrip() {
    assertEquals(0.0, roundTrip(0.0));
    assertEquals(-1.5e300, roundTrip(-1.5e300));
    assertTrue(Double.isNaN((Double) roundTrip(Double.NaN)));
    assertEquals(Boolean.TRUE, roundTrip(true));
    assertEquals(Boolean.FALSE, roundTrip(false));
    assertEquals("", roundTrip(""));
    assertEquals("héllo ✓ 日本", roundTrip("héllo ✓ 日本"));
    assertNull(roundTrip(null));
    assertSame(Amf0Undefined.INSTANCE, roundTrip(Amf0Undefined.INSTANCE));
    assertEquals(new Amf0Date(1.7e12, (short) 0), roundTrip(new Amf0Date(1.7e12, (short) 0)));
  }

  @Test
  void integersAreEncodedAsNumbers() {
    assertEquals(42.0, roundTrip(42));
    assertEquals(7.0, roundTrip(7L));
  }

  @Test
  void longStringRoundTrip() {
    String big = "x".repeat(70_000);
    byte[] bytes = Amf0Encoder.encodeAll(big);
    assertEquals(Amf0Type.LONG_STRING.marker, bytes[0]);
    assertEquals(big, roundTrip(big));
  }

  @Test
  void containersRoundTrip() {
    Map<String, Object> obj = new LinkedHashMap<>();
    obj.put("app", "live");
    obj.put("fpad", false);
    obj.put("capabilities", 239.0);
    obj.put("nothing", null);
    obj.put("", "empty key");
    Amf0EcmaArray ecma = new Amf0EcmaArray();
    ecma.put("width", 1920.0);
    ecma.put("encoder", "obs");
    List<Object> strict = new ArrayList<>(Arrays.asList(1.0, "two", null, Amf0Undefined.INSTANCE));
    obj.put("meta", ecma);
    obj.put("list", strict);
    obj.put("nested", new LinkedHashMap<>(Map.of("a", new LinkedHashMap<>(Map.of("b", 1.0)))));

    Object decoded = roundTrip(obj);
    assertEquals(obj, decoded);
    Map<?, ?> map = (Map<?, ?>) decoded;
    assertInstanceOf(Amf0EcmaArray.class, map.get("meta"));
    assertInstanceOf(List.class, map.get("list"));
  }

  @Test
  void decodeAllReadsCommandLayout() {
    byte[] bytes = Amf0Encoder.encodeAll("connect", 1.0, Map.of("app", "live"));
    List<Object> values = decoder.decodeAll(bytes);
    assertEquals(List.of("connect", 1.0, Map.of("app", "live")), values);
  }

  @Test
  void nestingBombIsRefused() {
    // 100,000 nested objects would blow the stack of a naive recursive decoder.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < 100_000; i++) {
      out.write(Amf0Type.OBJECT.marker);
      out.write(0);
      out.write(1);
      out.write('k');
    }
    Amf0Exception e =
        assertThrows(Amf0Exception.class, () -> decoder.decode(ByteBuffer.wrap(out.toByteArray())));
    assertTrue(e.getMessage().contains("nesting"), e.getMessage());
  }

  @Test
  void nestingBombOfArraysIsRefused() {
    byte[] bytes = new byte[5 * 1000];
    for (int i = 0; i < 1000; i++) {
      bytes[i * 5] = (byte) Amf0Type.STRICT_ARRAY.marker;
      bytes[i * 5 + 4] = 1;
    }
    assertThrows(Amf0Exception.class, () -> decoder.decode(ByteBuffer.wrap(bytes)));
  }

  private static byte[] nestedStrictArrays(int levels) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < levels; i++) {
      out.writeBytes(new byte[] {(byte) Amf0Type.STRICT_ARRAY.marker, 0, 0, 0, 1});
    }
    out.writeBytes(Amf0Encoder.encodeAll(1.0));
    return out.toByteArray();
  }

  @Test
  void depthLimitAllowsExactlyTheLimit() {
    int limit = Amf0Decoder.DEFAULT_MAX_DEPTH;
    assertInstanceOf(List.class, decoder.decode(ByteBuffer.wrap(nestedStrictArrays(limit))));
    assertThrows(
        Amf0Exception.class, () -> decoder.decode(ByteBuffer.wrap(nestedStrictArrays(limit + 1))));
  }

  @Test
  void absurdLongStringLengthFailsBeforeAllocating() {
    // Claims a 4 GiB string in a 9-byte buffer.
    byte[] bytes = {
      (byte) Amf0Type.LONG_STRING.marker,
      (byte) 0xFF,
      (byte) 0xFF,
      (byte) 0xFF,
      (byte) 0xFF,
      'a',
      'b',
      'c',
      'd'
    };
    Amf0Exception e =
        assertThrows(Amf0Exception.class, () -> decoder.decode(ByteBuffer.wrap(bytes)));
    assertTrue(e.getMessage().contains("exceeds remaining"), e.getMessage());
  }

  @Test
  void absurdStrictArrayCountFailsBeforeAllocating() {
    byte[] bytes = {
      (byte) Amf0Type.STRICT_ARRAY.marker, (byte) 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 5
    };
    assertThrows(Amf0Exception.class, () -> decoder.decode(ByteBuffer.wrap(bytes)));
  }

  @Test
  void truncatedAndUnknownInputsFailCleanly() {
    assertThrows(Amf0Exception.class, () -> decoder.decode(ByteBuffer.wrap(new byte[] {0, 1, 2})));
    assertThrows(
        Amf0Exception.class, () -> decoder.decode(ByteBuffer.wrap(new byte[] {2, 0, 5, 'a'})));
    assertThrows(
        Amf0Exception.class, () -> decoder.decode(ByteBuffer.wrap(new byte[] {3, 0, 1, 'k'})));
    assertThrows(Amf0Exception.class, () -> decoder.decode(ByteBuffer.wrap(new byte[] {0x42})));
    assertThrows(Amf0Exception.class, () -> decoder.decode(ByteBuffer.wrap(new byte[] {9})));
    assertThrows(Amf0Exception.class, () -> decoder.decode(ByteBuffer.wrap(new byte[] {0x11, 1})));
    assertThrows(Amf0Exception.class, () -> decoder.decode(ByteBuffer.wrap(new byte[0])));
  }
}
