package io.reelay.dash;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An AdaptationSet: the switchable Representations of one content type.
 *
 * @param id id or null
 * @param contentType video, audio or text
 * @param mimeType e.g. {@code video/mp4}
 * @param lang RFC 5646 language or null
 * @param segmentAlignment segments of all Representations start at the same times
 * @param startWithSap SAP type every segment starts with (1 for closed-GOP IDR), or null
 * @param maxWidth largest width, or null
 * @param maxHeight largest height, or null
 * @param maxFrameRate largest frame rate, or null
 * @param par picture aspect ratio such as {@code 16:9}, or null
 * @param role Role value in {@code urn:mpeg:dash:role:2011} (e.g. {@code main}), or null
 * @param audioChannelConfiguration channel layout shared by all Representations, or null
 * @param segmentTemplate template shared by all Representations, or null
 * @param representations the Representations, at least one
 */
public record AdaptationSet(
    String id,
    ContentType contentType,
    String mimeType,
    String lang,
    boolean segmentAlignment,
    Integer startWithSap,
    Integer maxWidth,
    Integer maxHeight,
    String maxFrameRate,
    String par,
    String role,
    AudioChannelConfiguration audioChannelConfiguration,
    SegmentTemplate segmentTemplate,
    List<Representation> representations) {

  /** Values of the contentType attribute. */
  public enum ContentType {
    VIDEO,
    AUDIO,
    TEXT;

    public String attribute() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public AdaptationSet {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(mimeType, "mimeType");
    representations = List.copyOf(representations);
    if (representations.isEmpty()) {
      throw new IllegalArgumentException("an AdaptationSet needs a Representation");
    }
    Set<String> ids = new HashSet<>();
    for (Representation r : representations) {
      if (!ids.add(r.id())) {
        throw new IllegalArgumentException("duplicate Representation id " + r.id());
      }
      if (segmentTemplate == null && r.segmentTemplate() == null) {
        throw new IllegalArgumentException("no SegmentTemplate for Representation " + r.id());
      }
    }
  }

  public static Builder video() {
    return new Builder(ContentType.VIDEO, "video/mp4");
  }

  public static Builder audio(String lang) {
    return new Builder(ContentType.AUDIO, "audio/mp4").lang(lang);
  }

  /**
   * Builder. Video sets get {@code segmentAlignment="true"} and {@code startWithSAP="1"} (CMAF
   * segments start on an IDR); maxWidth, maxHeight and par are derived from the Representations
   * unless set.
   */
  public static final class Builder {
    private final ContentType contentType;
    private final String mimeType;
    private String id;
    private String lang;
    private boolean segmentAlignment = true;
    private Integer startWithSap = 1;
    private Integer maxWidth;
    private Integer maxHeight;
    private String maxFrameRate;
    private String par;
    private String role;
    private AudioChannelConfiguration audioChannelConfiguration;
    private SegmentTemplate segmentTemplate;
    private final List<Representation> representations = new ArrayList<>();

    private Builder(ContentType contentType, String mimeType) {
      this.contentType = contentType;
      this.mimeType = mimeType;
    }

    public Builder id(String value) {
      this.id = value;
      return this;
    }

    public Builder lang(String value) {
      this.lang = value;
      return this;
    }

    public Builder segmentAlignment(boolean value) {
      this.segmentAlignment = value;
      return this;
    }

    public Builder startWithSap(Integer value) {
      this.startWithSap = value;
      return this;
    }

    public Builder maxSize(int width, int height) {
      this.maxWidth = width;
      this.maxHeight = height;
      return this;
    }

    public Builder maxFrameRate(String value) {
      this.maxFrameRate = value;
      return this;
    }

    public Builder par(String value) {
      this.par = value;
      return this;
    }

    public Builder role(String value) {
      this.role = value;
      return this;
    }

    public Builder audioChannels(int channels) {
      this.audioChannelConfiguration = AudioChannelConfiguration.ofChannels(channels);
      return this;
    }

    public Builder segmentTemplate(SegmentTemplate value) {
      this.segmentTemplate = value;
      return this;
    }

    public Builder addRepresentation(Representation value) {
      representations.add(Objects.requireNonNull(value));
      return this;
    }

    public AdaptationSet build() {
      Integer w = maxWidth;
      Integer h = maxHeight;
      if (w == null && contentType == ContentType.VIDEO) {
        for (Representation r : representations) {
          if (r.width() != null && (w == null || r.width() > w)) {
            w = r.width();
            h = r.height();
          }
        }
      }
      String p = par;
      if (p == null && w != null && h != null) {
        long g = gcd(w, h);
        p = (w / g) + ":" + (h / g);
      }
      return new AdaptationSet(
          id,
          contentType,
          mimeType,
          lang,
          segmentAlignment,
          startWithSap,
          w,
          h,
          maxFrameRate,
          p,
          role,
          audioChannelConfiguration,
          segmentTemplate,
          representations);
    }

    private static long gcd(long a, long b) {
      return b == 0 ? a : gcd(b, a % b);
    }
  }
}
