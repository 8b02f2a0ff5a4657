package io.reelay.hls;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An HLS multivariant (master) playlist. Validates that every AUDIO group a variant names exists,
 * that names are unique in a group and that a group has at most one DEFAULT.
 */
public record MasterPlaylist(
    boolean independentSegments,
    List<AudioRendition> audio,
    List<Variant> variants,
    List<IFrameVariant> iFrameVariants) {

  public MasterPlaylist {
    audio = List.copyOf(audio);
    variants = List.copyOf(variants);
    iFrameVariants = List.copyOf(iFrameVariants);
    if (variants.isEmpty()) {
      throw new IllegalArgumentException("a master playlist needs at least one variant");
    }
    Map<String, Integer> defaults = new HashMap<>();
    Set<String> names = new HashSet<>();
    for (AudioRendition a : audio) {
      if (!names.add(a.groupId() + '\u0000' + a.name())) {
        throw new IllegalArgumentException("duplicate NAME " + a.name() + " in " + a.groupId());
      }
      if (a.isDefault() && defaults.merge(a.groupId(), 1, Integer::sum) > 1) {
        throw new IllegalArgumentException("more than one DEFAULT in group " + a.groupId());
      }
    }
    for (Variant v : variants) {
      if (v.audioGroup() != null
          && audio.stream().noneMatch(a -> a.groupId().equals(v.audioGroup()))) {
        throw new IllegalArgumentException("unknown AUDIO group " + v.audioGroup());
      }
    }
  }

  /** Protocol version: 7 is the project baseline (CMAF, EXT-X-MAP, INDEPENDENT-SEGMENTS). */
  public int version() {
    return 7;
  }

  public String toM3u8() {
    return HlsWriter.DEFAULT.write(this);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Mutable builder; independent segments default to true (every CMAF segment starts on an IDR).
   */
  public static final class Builder {
    private boolean independentSegments = true;
    private final List<AudioRendition> audio = new ArrayList<>();
    private final List<Variant> variants = new ArrayList<>();
    private final List<IFrameVariant> iFrameVariants = new ArrayList<>();

    private Builder() {}

    public Builder independentSegments(boolean value) {
      this.independentSegments = value;
      return this;
    }

    public Builder addAudio(AudioRendition rendition) {
      audio.add(Objects.requireNonNull(rendition));
      return this;
    }

    public Builder addVariant(Variant variant) {
      variants.add(Objects.requireNonNull(variant));
      return this;
    }

    public Builder addIFrameVariant(IFrameVariant variant) {
      iFrameVariants.add(Objects.requireNonNull(variant));
      return this;
    }

    public MasterPlaylist build() {
      return new MasterPlaylist(independentSegments, audio, variants, iFrameVariants);
    }
  }
}
