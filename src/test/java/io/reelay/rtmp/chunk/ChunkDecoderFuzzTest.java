package io.reelay.rtmp.chunk;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.reelay.rtmp.RtmpProtocolException;
import java.nio.ByteBuffer;

/**
 * Jazzer fuzz target. In a plain {@code mvn test} it replays the seed and crash inputs under
 * src/test/resources/.../ChunkDecoderFuzzTestInputs; with {@code JAZZER_FUZZ=1} it fuzzes.
 */
class ChunkDecoderFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void chunkDecoderOnlyFailsWithProtocolErrors(FuzzedDataProvider data) {
    ChunkDecoder dec = new ChunkDecoder(1 << 16, 1 << 17, 16, 128, 65536);
    try {
      while (data.remainingBytes() > 0) {
        // Random split points exercise the partial-header paths.
        dec.decode(ByteBuffer.wrap(data.consumeBytes(1 + data.consumeInt(0, 300))), m -> {});
      }
    } catch (RtmpProtocolException expected) {
      // the only acceptable failure
    }
    if (dec.inFlightBytes() < 0 || dec.inFlightBytes() > (1 << 17)) {
      throw new IllegalStateException("in-flight accounting broken: " + dec.inFlightBytes());
    }
  }
}
