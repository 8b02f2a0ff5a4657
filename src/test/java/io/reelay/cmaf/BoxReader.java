package io.reelay.cmaf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Minimal ISO BMFF reader for tests: walks boxes and checks that sizes nest exactly. */
final class BoxReader {
  private static final Set<String> CONTAINERS =
      Set.of("moov", "trak", "mdia", "minf", "dinf", "stbl", "mvex", "moof", "traf");

  /** A parsed box: absolute offset and size within {@code data}. */
  record Box(String type, int offset, int size, List<Box> children, byte[] data) {
    int payloadOffset() {
      return offset + 8;
    }

    ByteBuffer payload() {
      return ByteBuffer.wrap(data, offset + 8, size - 8).slice();
    }

    int version() {
      return data[offset + 8] & 0xFF;
    }

    int flags() {
      return ((data[offset + 9] & 0xFF) << 16)
          | ((data[offset + 10] & 0xFF) << 8)
          | (data[offset + 11] & 0xFF);
    }

    Box child(String type) {
      for (Box b : children) {
        if (b.type.equals(type)) {
          return b;
        }
      }
      throw new AssertionError("no " + type + " in " + this.type);
    }

    /** Follows a slash-separated path of child types. */
    Box path(String path) {
      Box b = this;
      for (String t : path.split("/")) {
        b = b.child(t);
      }
      return b;
    }

    List<String> childTypes() {
      return children.stream().map(Box::type).toList();
    }
  }

  private BoxReader() {}

  /** Parses top-level boxes; fails unless they exactly cover the array. */
  static List<Box> parse(byte[] data) {
    return parse(data, 0, data.length);
  }

  static List<Box> parse(byte[] data, int from, int to) {
    List<Box> out = new ArrayList<>();
    int pos = from;
    while (pos < to) {
      if (to - pos < 8) {
        throw new AssertionError("truncated box header at " + pos);
      }
      long size = ByteBuffer.wrap(data, pos, 4).getInt() & 0xFFFFFFFFL;
      String type = new String(data, pos + 4, 4, StandardCharsets.ISO_8859_1);
      if (size < 8 || pos + size > to) {
        throw new AssertionError("bad size " + size + " for " + type + " at " + pos);
      }
      List<Box> children =
          CONTAINERS.contains(type) ? parse(data, pos + 8, pos + (int) size) : List.of();
      out.add(new Box(type, pos, (int) size, children, data));
      pos += (int) size;
    }
    return out;
  }

  static Box root(byte[] data) {
    return new Box("root", -8, data.length + 8, parse(data), data);
  }

  static String fourcc(ByteBuffer b) {
    byte[] t = new byte[4];
    b.get(t);
    return new String(t, StandardCharsets.ISO_8859_1);
  }
}
