package io.reelay.rtmp.message;

import io.reelay.amf.Amf0Decoder;
import io.reelay.amf.Amf0Encoder;
import io.reelay.rtmp.RtmpProtocolException;
import io.reelay.rtmp.chunk.RawMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A NetConnection/NetStream command (type 20, or type 17 whose body is AMF0 after a leading 0
 * byte): name, transaction id, command object, then optional arguments.
 *
 * @param commandObject usually a map or null
 * @param arguments values after the command object (possibly empty)
 */
public record CommandMessage(
    String name, double transactionId, Object commandObject, List<Object> arguments) {

  public static CommandMessage decode(RawMessage msg, Amf0Decoder amf) {
    byte[] p = msg.payload();
    int offset = 0;
    if (msg.typeId() == MessageType.COMMAND_AMF3.id) {
      // AMF3 command messages start with a format byte; FMS-style clients then use AMF0.
      offset = p.length > 0 && p[0] == 0 ? 1 : 0;
    }
    List<Object> values = amf.decodeAll(p, offset, p.length - offset);
    if (values.isEmpty() || !(values.get(0) instanceof String name)) {
      throw new RtmpProtocolException("command message does not start with a name string");
    }
    double txn = values.size() > 1 && values.get(1) instanceof Double d ? d : 0;
    Object obj = values.size() > 2 ? values.get(2) : null;
    List<Object> args =
        values.size() > 3 ? new ArrayList<>(values.subList(3, values.size())) : List.of();
    return new CommandMessage(name, txn, obj, args);
  }

  public static CommandMessage of(
      String name, double transactionId, Object commandObject, Object... arguments) {
    return new CommandMessage(name, transactionId, commandObject, Arrays.asList(arguments));
  }

  /** The command object as a map, or an empty map when it is null or not an object. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> commandObjectMap() {
    return commandObject instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  /** The i-th argument as a string, or null if absent or not a string. */
  public String stringArgument(int i) {
    return i < arguments.size() && arguments.get(i) instanceof String s ? s : null;
  }

  /** The i-th argument as a number, or null if absent or not a number. */
  public Double numberArgument(int i) {
    return i < arguments.size() && arguments.get(i) instanceof Double d ? d : null;
  }

  public RawMessage toRaw(int chunkStreamId, int messageStreamId) {
    Amf0Encoder enc = new Amf0Encoder().write(name).write(transactionId).write(commandObject);
    for (Object a : arguments) {
      enc.write(a);
    }
    return new RawMessage(
        chunkStreamId, MessageType.COMMAND_AMF0.id, 0, messageStreamId, enc.toByteArray());
  }
}
