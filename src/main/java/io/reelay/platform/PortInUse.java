package io.reelay.platform;

import java.net.BindException;

/** Recognises a listen that failed because the port is taken, whatever the network transport. */
public final class PortInUse {
  private PortInUse() {}

  /**
   * NIO reports a taken port as {@link BindException}; Netty's epoll transport as its own native
   * I/O exception carrying the errno text ("bind(..) failed with error(-98): Address already in
   * use").
   */
  public static boolean is(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof BindException
          || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
        return true;
      }
    }
    return false;
  }
}
