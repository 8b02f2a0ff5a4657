package io.reelay.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RenderedPlaylistTest {
  @Test
  @DisplayName("the gzipped bytes inflate to the playlist")
  void gzipRoundTrip() throws IOException {
    String text = "#EXTM3U\n#EXT-X-VERSION:9\n".repeat(40);
    RenderedPlaylist p = RenderedPlaylist.of(text);
    assertEquals(text, p.plain().toString(StandardCharsets.UTF_8));
    try (var in = new GZIPInputStream(new ByteArrayInputStream(p.gzipped().getBytes()))) {
      assertEquals(text, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    assertTrue(p.gzipped().length() < p.plain().length());
  }
}
