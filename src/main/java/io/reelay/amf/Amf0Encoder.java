package io.reelay.amf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Encodes Java values as AMF0 (see {@link Amf0Decoder} for the type mapping). Any {@link Number} is
 * written as an AMF0 number; strings longer than 65535 UTF-8 bytes become long strings.
 */
public final class Amf0Encoder {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);

  /** Encodes the given values back to back, as in a command or data message body. */
  public static byte[] encodeAll(Object... values) {
    Amf0Encoder enc = new Amf0Encoder();
    for (Object v : values) {
      enc.write(v);
    }
    return enc.toByteArray();
  }

  public Amf0Encoder write(Object value) {
    writeValue(value, 0);
    return this;
  }

  public byte[] toByteArray() {
    return out.toByteArray();
  }

  private void writeValue(Object value, int depth) {
    if (depth > Amf0Decoder.DEFAULT_MAX_DEPTH) {
      // Protects against cyclic maps/lists; our own decoder would refuse such output anyway.
      throw new IllegalArgumentException(
          "value nested deeper than " + Amf0Decoder.DEFAULT_MAX_DEPTH);
    }
    if (value == null) {
      out.write(Amf0Type.NULL.marker);
    } else if (value == Amf0Undefined.INSTANCE) {
      out.write(Amf0Type.UNDEFINED.marker);
    } else if (value instanceof Number n) {
      out.write(Amf0Type.NUMBER.marker);
      writeLong(Double.doubleToRawLongBits(n.doubleValue()), 8);
    } else if (value instanceof Boolean b) {
      out.write(Amf0Type.BOOLEAN.marker);
      out.write(b ? 1 : 0);
    } else if (value instanceof CharSequence cs) {
      byte[] utf8 = cs.toString().getBytes(StandardCharsets.UTF_8);
      if (utf8.length > 0xFFFF) {
        out.write(Amf0Type.LONG_STRING.marker);
        writeLong(utf8.length, 4);
      } else {
        out.write(Amf0Type.STRING.marker);
        writeLong(utf8.length, 2);
      }
      out.writeBytes(utf8);
    } else if (value instanceof Amf0Date d) {
      out.write(Amf0Type.DATE.marker);
      writeLong(Double.doubleToRawLongBits(d.epochMillis()), 8);
      writeLong(d.timeZone(), 2);
    } else if (value instanceof Amf0EcmaArray ecma) {
      out.write(Amf0Type.ECMA_ARRAY.marker);
      writeLong(ecma.size(), 4);
      writeProperties(ecma, depth + 1);
    } else if (value instanceof Map<?, ?> map) {
      out.write(Amf0Type.OBJECT.marker);
      writeProperties(map, depth + 1);
    } else if (value instanceof List<?> list) {
      out.write(Amf0Type.STRICT_ARRAY.marker);
      writeLong(list.size(), 4);
      for (Object o : list) {
        writeValue(o, depth + 1);
      }
    } else {
      throw new IllegalArgumentException("no AMF0 mapping for " + value.getClass().getName());
    }
  }

  private void writeProperties(Map<?, ?> map, int depth) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      byte[] key = String.valueOf(e.getKey()).getBytes(StandardCharsets.UTF_8);
      if (key.length > 0xFFFF) {
        throw new IllegalArgumentException("AMF0 property name longer than 65535 bytes");
      }
      writeLong(key.length, 2);
      out.writeBytes(key);
      writeValue(e.getValue(), depth);
    }
    writeLong(0, 2);
    out.write(Amf0Type.OBJECT_END.marker);
  }

  private void writeLong(long v, int bytes) {
    for (int i = bytes - 1; i >= 0; i--) {
      out.write((int) (v >>> (8 * i)));
    }
  }
}
