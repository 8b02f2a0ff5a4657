package io.reelay.rtmp;

import io.reelay.amf.Amf0Decoder;
import io.reelay.amf.Amf0Encoder;
import io.reelay.rtmp.chunk.ChunkDecoder;
import io.reelay.rtmp.chunk.ChunkEncoder;
import io.reelay.rtmp.chunk.RawMessage;
import io.reelay.rtmp.message.CommandMessage;
import io.reelay.rtmp.message.SetChunkSize;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the bytes an RTMP publisher would send, and decodes what the server answers. */
final class TestClient {
  static final byte[] SPS_320x240 =
      HexFormat.of().parseHex("6742c00dda0507ec0440000003004000000c83c50aa8");
  static final byte[] PPS = {0x68, (byte) 0xCE, 0x3C, (byte) 0x80};

  final ChunkEncoder enc;
  private final ChunkDecoder serverDecoder = ChunkDecoder.withDefaults();
  private int serverHandshakeBytes = 1 + 2 * 1536;
  private double txn = 1;

  TestClient() {
    this(new ChunkEncoder(true, true));
  }

  TestClient(ChunkEncoder enc) {
    this.enc = enc;
  }

  static byte[] handshake() {
    byte[] b = new byte[1 + 1536 + 1536];
    b[0] = 3;
    return b;
  }

  byte[] command(int msid, String name, Object obj, Object... args) {
    return enc.encode(CommandMessage.of(name, txn++, obj, args).toRaw(3, msid));
  }

  byte[] connect(String app) {
    Map<String, Object> obj = new LinkedHashMap<>();
    obj.put("app", app);
    obj.put("type", "nonprivate");
    obj.put("flashVer", "FMLE/3.0 (compatible; FMSc/1.0)");
    obj.put("tcUrl", "rtmp://localhost/" + app);
    return command(0, "connect", obj);
  }

  byte[] setChunkSize(int size) {
    byte[] b = enc.encode(new SetChunkSize(size).toRaw());
    enc.setChunkSize(size);
    return b;
  }

  /** Handshake, connect, releaseStream, FCPublish, createStream, publish: like FFmpeg. */
  byte[] upToPublish(String key) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(handshake());
    out.writeBytes(setChunkSize(4096));
    out.writeBytes(connect("live"));
    out.writeBytes(command(0, "releaseStream", null, key));
    out.writeBytes(command(0, "FCPublish", null, key));
    out.writeBytes(command(0, "createStream", null));
    out.writeBytes(command(1, "publish", null, key, "live"));
    return out.toByteArray();
  }

  byte[] media(int type, long ts, byte[] body) {
    return enc.encode(new RawMessage(type == 8 ? 4 : 6, type, ts, 1, body));
  }

  byte[] video(long ts, byte[] body) {
    return media(9, ts, body);
  }

  byte[] audio(long ts, byte[] body) {
    return media(8, ts, body);
  }

  byte[] metadata(Map<String, Object> md) {
    byte[] body = Amf0Encoder.encodeAll("@setDataFrame", "onMetaData", md);
    return enc.encode(new RawMessage(4, 18, 0, 1, body));
  }

  static byte[] avcSequenceHeader() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        new byte[] {0x17, 0, 0, 0, 0, 1, 0x42, (byte) 0xC0, 0x0D, (byte) 0xFF, (byte) 0xE1});
    out.write(0);
    out.write(SPS_320x240.length);
    out.writeBytes(SPS_320x240);
    out.writeBytes(new byte[] {1, 0, (byte) PPS.length});
    out.writeBytes(PPS);
    return out.toByteArray();
  }

  static byte[] nalu(boolean key) {
    return new byte[] {(byte) (key ? 0x17 : 0x27), 1, 0, 0, 0, 0, 0, 0, 2, 0x65, (byte) 0x88};
  }

  static final byte[] AAC_CONFIG = {(byte) 0xAF, 0, 0x12, 0x10};
  static final byte[] AAC_FRAME = {(byte) 0xAF, 1, 0x21, 0x10, 0x04};

  /** Decodes the server's bytes (skipping S0S1S2) into messages. */
  List<RawMessage> serverMessages(List<RtmpEvent> events) {
    List<RawMessage> msgs = new ArrayList<>();
    for (RtmpEvent e : events) {
      if (e instanceof RtmpEvent.Outbound o) {
        serverMessages(o.bytes(), msgs);
      }
    }
    return msgs;
  }

  List<RawMessage> serverMessages(byte[] bytes) {
    List<RawMessage> msgs = new ArrayList<>();
    serverMessages(bytes, msgs);
    return msgs;
  }

  private void serverMessages(byte[] bytes, List<RawMessage> msgs) {
    int skip = Math.min(serverHandshakeBytes, bytes.length);
    serverHandshakeBytes -= skip;
    serverDecoder.decode(ByteBuffer.wrap(bytes, skip, bytes.length - skip), msgs::add);
  }

  static CommandMessage asCommand(RawMessage m) {
    return CommandMessage.decode(m, new Amf0Decoder());
  }

  static <T> List<T> ofType(List<RtmpEvent> events, Class<T> type) {
    List<T> out = new ArrayList<>();
    for (RtmpEvent e : events) {
      if (type.isInstance(e)) {
        out.add(type.cast(e));
      }
    }
    return out;
  }
}
