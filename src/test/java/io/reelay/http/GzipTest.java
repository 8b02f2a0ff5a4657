package io.reelay.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GzipTest {
  @Test
  @DisplayName("Accept-Encoding: gzip, *, and q-values; q=0 refuses")
  void acceptEncoding() {
    assertTrue(Gzip.accepts("gzip"));
    assertTrue(Gzip.accepts("deflate, GZIP;q=0.5, br"));
    assertTrue(Gzip.accepts("*"));
    assertFalse(Gzip.accepts(null));
    assertFalse(Gzip.accepts("br, deflate"));
    assertFalse(Gzip.accepts("gzip;q=0"));
    assertFalse(Gzip.accepts("gzip; q=0.000"));
  }
}
