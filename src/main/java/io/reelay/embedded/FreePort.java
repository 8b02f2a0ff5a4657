package io.reelay.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Picks a free loopback port so embedded services never collide with ones already running. A port
 * picked here is free only until someone binds it, so picks skip the ports this process will bind
 * later itself (its HTTP and RTMP listeners, {@link #reserve}) and the ports already handed out:
 * otherwise the kernel may hand an embedded broker the very port the HTTP server is about to take,
 * and the server then fails to start with "port in use".
 */
final class FreePort {
  private static final int ATTEMPTS = 32;
  private static final Set<Integer> TAKEN = new HashSet<>();

  private FreePort() {}

  /** Ports this process binds later itself; 0 (any port) reserves nothing. */
  static synchronized void reserve(int... ports) {
    for (int port : ports) {
      if (port > 0) {
        TAKEN.add(port);
      }
    }
  }

  static synchronized int pick(int configured) {
    if (configured != 0) {
      return configured;
    }
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int port = ephemeral();
      if (TAKEN.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free loopback port outside the reserved ones " + TAKEN);
  }

  private static int ephemeral() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }
}
