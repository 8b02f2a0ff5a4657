package io.reelay.hls;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Number and date formatting shared by the writer, the parser and the model's validation. */
final class HlsFormat {

  // 1 ms of slack when comparing seconds that went through decimal text.
  static final double EPSILON = 0.0005;

  private static final DateTimeFormatter PDT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

  private HlsFormat() {}

  /** Seconds as written: at least 3 decimals, at most 6, no exponent. */
  static String seconds(double value) {
    BigDecimal d = BigDecimal.valueOf(value).setScale(6, RoundingMode.HALF_UP).stripTrailingZeros();
    if (d.scale() < 3) {
      d = d.setScale(3, RoundingMode.UNNECESSARY);
    }
    return d.toPlainString();
  }

  /** The value a reader will see after {@link #seconds}. */
  static double asWritten(double value) {
    return BigDecimal.valueOf(value).setScale(6, RoundingMode.HALF_UP).doubleValue();
  }

  /** Exactly 3 decimals, as FRAME-RATE wants. */
  static String threeDecimals(double value) {
    return BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).toPlainString();
  }

  static double roundTo3(double value) {
    return BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).doubleValue();
  }

  static String dateTime(Instant instant) {
    return PDT.format(instant);
  }

  static Instant parseDateTime(String text) {
    return OffsetDateTime.parse(text.trim()).toInstant();
  }
}
