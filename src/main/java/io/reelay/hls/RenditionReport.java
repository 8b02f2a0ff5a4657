package io.reelay.hls;

import java.util.Objects;

/** EXT-X-RENDITION-REPORT: where another rendition's live edge is, to speed up switching. */
public record RenditionReport(String uri, Long lastMsn, Integer lastPart) {

  public RenditionReport {
    Objects.requireNonNull(uri, "uri");
  }
}
