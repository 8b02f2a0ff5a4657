package io.reelay.live;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The transcoded live rungs ({@code 720p}, {@code 480p}, {@code 360p}) of a stream as stored in
 * Redis. Rung segments are made by any number of transcode workers in parallel, so they are not
 * part of the single-writer {@link LiveState}: each finished rung segment is one member of a sorted
 * set per rung (score = the source segment's msn), written with an atomic ZADD after its bytes. The
 * playlists lay these entries over the source rendition's timeline.
 */
public final class LiveRungs {
  private static final Pattern RUNG = Pattern.compile("\\d{3,4}p");

  /** How long rung bookkeeping outlives the stream's last write. */
  public static final long INDEX_TTL_MS = 3600_000L;

  /** Entries kept per rung: far more than any DVR window lists. */
  public static final long INDEX_SEGMENTS = 2000;

  private LiveRungs() {}

  public static boolean isRung(String rendition) {
    return RUNG.matcher(rendition).matches();
  }

  /** Sorted set of a rung's finished segments. */
  public static String indexKey(String streamId, String rung) {
    return "reelay:live:" + streamId + ":rung:" + rung;
  }

  /** Set of the rung names a stream has produced. */
  public static String namesKey(String streamId) {
    return "reelay:live:" + streamId + ":rungs";
  }

  /** Set of the rungs dropped because the workers could not keep up. */
  public static String droppedKey(String streamId) {
    return "reelay:live:" + streamId + ":dropped";
  }

  /** One finished rung segment: which source segment it mirrors and what it is. */
  public record RungSegment(
      long msn, int initGeneration, int width, int height, String codecs, long bytes) {
    public JsonObject toJson() {
      return new JsonObject()
          .put("msn", msn)
          .put("gen", initGeneration)
          .put("width", width)
          .put("height", height)
          .put("codecs", codecs)
          .put("bytes", bytes);
    }

    public static RungSegment fromJson(JsonObject j) {
      return new RungSegment(
          j.getLong("msn"),
          j.getInteger("gen", 0),
          j.getInteger("width", 0),
          j.getInteger("height", 0),
          j.getString("codecs"),
          j.getLong("bytes", 0L));
    }
  }

  /** The rungs of one stream from msn {@code from} on, highest first, and the dropped ones. */
  public record View(Map<String, List<RungSegment>> rungs, Set<String> dropped) {
    public static final View EMPTY = new View(Map.of(), Set.of());
  }

  /** Loads every rung's entries from {@code fromMsn} on. */
  public static Future<View> load(RedisAPI redis, String streamId, long fromMsn) {
    return redis
        .smembers(namesKey(streamId))
        .compose(
            names -> {
              List<String> sorted = new ArrayList<>();
              if (names != null) {
                names.forEach(n -> sorted.add(n.toString()));
              }
              // Highest resolution first: "1080p" > "720p" > "480p".
              sorted.sort(
                  (a, b) ->
                      Integer.compare(
                          Integer.parseInt(b.substring(0, b.length() - 1)),
                          Integer.parseInt(a.substring(0, a.length() - 1))));
              List<Future<Response>> reads = new ArrayList<>();
              for (String n : sorted) {
                reads.add(
                    redis.zrangebyscore(
                        List.of(indexKey(streamId, n), Long.toString(fromMsn), "+inf")));
              }
              Future<Response> dropped = redis.smembers(droppedKey(streamId));
              List<Future<Response>> all = new ArrayList<>(reads);
              all.add(dropped);
              return Future.all(all)
                  .map(
                      done -> {
                        Map<String, List<RungSegment>> rungs = new LinkedHashMap<>();
                        for (int i = 0; i < sorted.size(); i++) {
                          List<RungSegment> segs = new ArrayList<>();
                          Response r = reads.get(i).result();
                          if (r != null) {
                            r.forEach(
                                m -> segs.add(RungSegment.fromJson(new JsonObject(m.toString()))));
                          }
                          rungs.put(sorted.get(i), List.copyOf(segs));
                        }
                        Set<String> d = new TreeSet<>();
                        if (dropped.result() != null) {
                          dropped.result().forEach(m -> d.add(m.toString()));
                        }
                        return new View(rungs, d);
                      });
            });
  }
}
