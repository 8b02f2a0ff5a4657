package io.reelay.amf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.List;

/** Jazzer fuzz target for the AMF0 decoder (regression mode in a plain {@code mvn test}). */
class Amf0DecoderFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void amf0DecoderOnlyFailsWithAmf0Exception(byte[] data) {
    List<Object> values;
    try {
      values = new Amf0Decoder().decodeAll(data);
    } catch (Amf0Exception expected) {
      return;
    }
    // Whatever decodes must re-encode and decode to the same values.
    byte[] again = Amf0Encoder.encodeAll(values.toArray());
    List<Object> second = new Amf0Decoder().decodeAll(again);
    if (!Arrays.equals(again, Amf0Encoder.encodeAll(second.toArray()))) {
      throw new IllegalStateException("AMF0 round trip is not stable");
    }
  }
}
