package io.reelay.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FreePortTest {
  @Test
  @DisplayName("picks are distinct and never a port the process reserved for its own listeners")
  void distinctAndNotReserved() throws Exception {
    int reserved;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      reserved = s.getLocalPort();
    }
    FreePort.reserve(reserved, 0);
    Set<Integer> picked = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      picked.add(FreePort.pick(0));
    }
    assertEquals(50, picked.size(), "a port handed out twice");
    assertFalse(picked.contains(reserved), "the reserved port was handed out");
    assertEquals(1234, FreePort.pick(1234), "a configured port is kept");
  }
}
