package io.reelay.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HlsNamingTest {

  @Test
  void defaultLayout() {
    HlsNaming n = HlsNaming.DEFAULT;
    assertEquals("720p/index.m3u8", n.mediaPlaylistUri("720p"));
    assertEquals("720p/iframes.m3u8", n.iFramePlaylistUri("720p"));
    assertEquals("init.mp4", n.initUri());
    assertEquals("seg-00012.m4s", n.segmentUri(12));
    assertEquals("seg-00012.2.m4s", n.partUri(12, 2));
    assertEquals("seg-123456.m4s", n.segmentUri(123456));
    assertEquals("../1080p/index.m3u8", n.renditionReportUri("1080p"));
    assertEquals("720p/seg-00012.m4s", n.fromRoot("720p", n.segmentUri(12)));
    assertEquals("720p/init.mp4", n.fromRoot("720p", n.initUri()));
  }

  @Test
  void customNaming() {
    HlsNaming n = new HlsNaming("media.m3u8", "i.m3u8", "init.cmfi", "%d.cmfv", "%d-%d.cmfv");
    assertEquals("7.cmfv", n.segmentUri(7));
    assertEquals("7-0.cmfv", n.partUri(7, 0));
    assertEquals("a/media.m3u8", n.mediaPlaylistUri("a"));
  }
}
