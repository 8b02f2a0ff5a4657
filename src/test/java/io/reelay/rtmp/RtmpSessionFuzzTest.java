package io.reelay.rtmp;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Jazzer fuzz target for the whole session after a valid handshake: any input must produce events
 * only (at most one terminal, and nothing after it), never an exception.
 */
class RtmpSessionFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void sessionNeverThrows(FuzzedDataProvider data) {
    RtmpSession session = new RtmpSession();
    session.feed(TestClient.handshake());
    boolean terminal = false;
    while (data.remainingBytes() > 0) {
      if (data.consumeInt(0, 20) == 0 && session.state() == RtmpSession.State.PUBLISH_PENDING) {
        session.acceptPublish();
      }
      List<RtmpEvent> events = session.feed(data.consumeBytes(1 + data.consumeInt(0, 2000)));
      for (RtmpEvent e : events) {
        if (terminal) {
          throw new IllegalStateException("event after a terminal event: " + e);
        }
        terminal = e.isTerminal();
      }
    }
  }
}
