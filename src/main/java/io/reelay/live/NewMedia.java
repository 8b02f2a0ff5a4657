package io.reelay.live;

import java.util.ArrayList;
import java.util.List;

/**
 * The Redis keys of the media a new window state lists that the previous one did not: what a
 * delivery process reads ahead into its cache before it serves the new playlists, so the viewers
 * who follow them do not all wait on the same read.
 */
final class NewMedia {
  private NewMedia() {}

  static List<String> keys(LiveState previous, LiveState next) {
    List<String> keys = new ArrayList<>();
    if (previous == null) {
      return keys; // a first read: nothing is known to be new, and nobody is waiting yet
    }
    String stream = next.streamId();
    for (var named : next.renditions().entrySet()) {
      String name = named.getKey();
      LiveState.Rendition now = named.getValue();
      LiveState.Rendition before = previous.rendition(name);
      if (before == null || before.initGeneration() != now.initGeneration()) {
        keys.add(LiveKeys.init(stream, name, now.initGeneration()));
      }
      if (before == null) {
        continue; // a rendition just appeared: its players start with the playlist anyway
      }
      for (LiveState.SegmentEntry segment : now.segments()) {
        if (segment.msn() <= before.lastMsn()) {
          continue;
        }
        keys.add(LiveKeys.segment(stream, name, segment.msn()));
        int known = segment.msn() == before.nextMsn() ? before.pending().size() : 0;
        for (int part = known; part < segment.parts().size(); part++) {
          keys.add(LiveKeys.part(stream, name, segment.msn(), part));
        }
      }
      int known = now.nextMsn() == before.nextMsn() ? before.pending().size() : 0;
      for (int part = known; part < now.pending().size(); part++) {
        keys.add(LiveKeys.part(stream, name, now.nextMsn(), part));
      }
    }
    return keys;
  }
}
