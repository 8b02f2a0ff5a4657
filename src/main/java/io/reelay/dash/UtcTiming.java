package io.reelay.dash;

import java.util.Objects;

/** UTCTiming: how a live client syncs its clock with the server. */
public record UtcTiming(String schemeIdUri, String value) {

  public static final String HTTP_ISO = "urn:mpeg:dash:utc:http-iso:2014";
  public static final String HTTP_XSDATE = "urn:mpeg:dash:utc:http-xsdate:2014";

  public UtcTiming {
    Objects.requireNonNull(schemeIdUri, "schemeIdUri");
    Objects.requireNonNull(value, "value");
  }

  /** Server answers GET with an ISO-8601 timestamp body. */
  public static UtcTiming httpIso(String url) {
    return new UtcTiming(HTTP_ISO, url);
  }

  /** Server answers GET with an xs:dateTime body. */
  public static UtcTiming httpXsDate(String url) {
    return new UtcTiming(HTTP_XSDATE, url);
  }
}
