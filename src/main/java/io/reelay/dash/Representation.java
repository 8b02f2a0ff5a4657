package io.reelay.dash;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One Representation (a ladder rung or an audio rendition).
 *
 * @param id id, also substituted for {@code $RepresentationID$} (use the rendition directory)
 * @param bandwidth peak bits per second
 * @param codecs RFC 6381 codecs string
 * @param width video width or null
 * @param height video height or null
 * @param frameRate FrameRateType: {@code "30"} or {@code "30000/1001"}, or null
 * @param sar sample aspect ratio such as {@code "1:1"}, or null
 * @param audioSamplingRate Hz, or null
 * @param audioChannelConfiguration channel layout, or null
 * @param segmentTemplate template overriding the AdaptationSet's, or null
 */
public record Representation(
    String id,
    long bandwidth,
    String codecs,
    Integer width,
    Integer height,
    String frameRate,
    String sar,
    Integer audioSamplingRate,
    AudioChannelConfiguration audioChannelConfiguration,
    SegmentTemplate segmentTemplate) {

  private static final Pattern FRAME_RATE = Pattern.compile("[0-9]+(/[1-9][0-9]*)?");
  // xs:ID-like: no whitespace, and no characters that would upset URL templates.
  private static final Pattern ID = Pattern.compile("[^\\s/?#&$\"<>]+");

  public Representation {
    Objects.requireNonNull(id, "id");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("bad Representation id: " + id);
    }
    if (bandwidth <= 0) {
      throw new IllegalArgumentException("bandwidth must be positive: " + bandwidth);
    }
    if (frameRate != null && !FRAME_RATE.matcher(frameRate).matches()) {
      throw new IllegalArgumentException("bad frameRate: " + frameRate);
    }
  }

  /** Formats a rational frame rate as DASH wants it: {@code 30} or {@code 30000/1001}. */
  public static String frameRate(long numerator, long denominator) {
    if (numerator <= 0 || denominator <= 0) {
      throw new IllegalArgumentException("bad frame rate " + numerator + "/" + denominator);
    }
    return denominator == 1 ? Long.toString(numerator) : numerator + "/" + denominator;
  }

  public static Builder builder(String id, long bandwidth) {
    return new Builder(id, bandwidth);
  }

  /** Builder for the optional attributes. */
  public static final class Builder {
    private final String id;
    private final long bandwidth;
    private String codecs;
    private Integer width;
    private Integer height;
    private String frameRate;
    private String sar;
    private Integer audioSamplingRate;
    private AudioChannelConfiguration audioChannelConfiguration;
    private SegmentTemplate segmentTemplate;

    private Builder(String id, long bandwidth) {
      this.id = id;
      this.bandwidth = bandwidth;
    }

    public Builder codecs(String value) {
      this.codecs = value;
      return this;
    }

    /** Sets width and height; sar defaults to 1:1 as our encoder emits square pixels. */
    public Builder size(int w, int h) {
      this.width = w;
      this.height = h;
      if (sar == null) {
        sar = "1:1";
      }
      return this;
    }

    public Builder frameRate(String value) {
      this.frameRate = value;
      return this;
    }

    public Builder sar(String value) {
      this.sar = value;
      return this;
    }

    public Builder audioSamplingRate(int hz) {
      this.audioSamplingRate = hz;
      return this;
    }

    public Builder audioChannels(int channels) {
      this.audioChannelConfiguration = AudioChannelConfiguration.ofChannels(channels);
      return this;
    }

    public Builder audioChannelConfiguration(AudioChannelConfiguration value) {
      this.audioChannelConfiguration = value;
      return this;
    }

    public Builder segmentTemplate(SegmentTemplate value) {
      this.segmentTemplate = value;
      return this;
    }

    public Representation build() {
      return new Representation(
          id,
          bandwidth,
          codecs,
          width,
          height,
          frameRate,
          sar,
          audioSamplingRate,
          audioChannelConfiguration,
          segmentTemplate);
    }
  }
}
