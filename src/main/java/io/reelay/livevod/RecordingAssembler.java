package io.reelay.livevod;

import io.reelay.livevod.ArchivedRecording.Piece;
import io.reelay.livevod.ArchivedRecording.Track;
import io.reelay.transcode.media.MediaException;
import io.reelay.transcode.media.MediaInfo;
import io.reelay.transcode.media.MediaProbe;
import io.reelay.transcode.media.SegmentFacts;
import io.reelay.transcode.media.Thumbnails;
import io.reelay.vod.VodKeys;
import io.reelay.vod.VodObjects;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one broadcast's archive into a VOD presentation under {@code vod/{vodId}/} without
 * re-encoding: each archived init and segment is copied server-side (so the VOD is independent of
 * the archive and deleting it works as for uploads), its timing read from its own boxes (tfdt,
 * trun), the playlists rendered by {@link RecordingManifests} (master last), and a poster and a
 * storyboard decoded from the source rendition. Blocking: runs on worker threads, with the S3 calls
 * spread over {@code io}. Deterministic keys, so a retry overwrites the same objects.
 */
final class RecordingAssembler {
  private static final Logger LOG = LoggerFactory.getLogger(RecordingAssembler.class);

  /** The rendition the ingest archives the publisher's own video as. */
  static final String SOURCE = "source";

  private final LiveArchive archive;
  private final VodObjects objects;
  private final ExecutorService io;
  private final Path workRoot;

  RecordingAssembler(LiveArchive archive, VodObjects objects, ExecutorService io, Path workRoot) {
    this.archive = archive;
    this.objects = objects;
    this.io = io;
    this.workRoot = workRoot;
  }

  /**
   * @param playable called (on this thread) once the VOD plays, with its media fields (duration,
   *     rungs, hls, dash, thumbnail), before the storyboard is made
   * @return the media fields including the storyboard
   * @throws MediaException when the archive holds nothing playable for the range
   */
  JsonObject assemble(
      String streamId, long firstMsn, long lastMsn, String vodId, Consumer<JsonObject> playable)
      throws IOException, MediaException {
    Map<String, LiveArchive.Rendition> listed = archive.list(streamId, firstMsn, lastMsn);
    if (listed.isEmpty()) {
      throw new MediaException("the archive of stream " + streamId + " has no segments");
    }
    Path work = workRoot.resolve(vodId);
    deleteTree(work);
    Files.createDirectories(work);
    try {
      long t0 = System.nanoTime();
      Map<Integer, Long> sourceStarts = generationStarts(listed.get(SOURCE));
      List<Track> tracks = new ArrayList<>();
      for (LiveArchive.Rendition r : listed.values()) {
        tracks.add(copyRendition(r, sourceStarts, vodId, work));
      }
      tracks.sort(
          Comparator.comparing((Track t) -> !t.video())
              .thenComparing(t -> !t.rendition().equals(SOURCE))
              .thenComparing(t -> -t.first().height()));
      ArchivedRecording rec = new ArchivedRecording(tracks);
      Map<String, String> hls = RecordingManifests.hls(rec);
      String master = hls.remove(VodKeys.MASTER);
      for (Map.Entry<String, String> e : hls.entrySet()) {
        objects.putText(VodKeys.key(vodId, e.getKey()), e.getValue());
      }
      objects.putText(VodKeys.key(vodId, VodKeys.MPD), RecordingManifests.dash(rec));
      long t1 = System.nanoTime();
      JsonObject media = media(rec, vodId);
      Frames frames = null;
      if (!rec.video().isEmpty()) {
        try {
          frames = poster(rec.video().get(0), vodId, work);
          media.put("thumbnail", VodKeys.url(vodId, VodKeys.POSTER));
        } catch (MediaException e) {
          // The recording plays without them; not worth failing it.
          LOG.warn("VOD {}: no poster: {}", vodId, e.getMessage());
        }
      }
      // Last: a player that finds the master finds everything it names.
      objects.putText(VodKeys.key(vodId, VodKeys.MASTER), master);
      long t2 = System.nanoTime();
      playable.accept(media.copy());
      // The storyboard (a frame every few seconds) is the slow part: it follows the ready VOD.
      if (frames != null) {
        try {
          storyboard(frames, vodId, work);
          media.put("storyboard", VodKeys.url(vodId, VodKeys.STORYBOARD_DIR + "/storyboard.vtt"));
        } catch (MediaException e) {
          LOG.warn("VOD {}: no storyboard: {}", vodId, e.getMessage());
        }
      }
      LOG.info(
          "VOD {}: {} segments copied and manifests written in {} ms, poster {} ms, storyboard {} ms",
          vodId,
          rec.tracks().stream().mapToInt(t -> t.pieces().size()).sum(),
          (t1 - t0) / 1_000_000,
          (t2 - t1) / 1_000_000,
          (System.nanoTime() - t2) / 1_000_000);
      return media;
    } finally {
      deleteTree(work);
    }
  }

  /** First msn of each init generation, from the archiver's {@code init-{gen}.json} index. */
  private Map<Integer, Long> generationStarts(LiveArchive.Rendition r) throws IOException {
    Map<Integer, Long> starts = new HashMap<>();
    if (r == null) {
      return starts;
    }
    for (Map.Entry<Integer, String> e : r.initIndexes.entrySet()) {
      JsonObject index =
          new JsonObject(new String(archive.read(e.getValue()), StandardCharsets.UTF_8));
      starts.put(e.getKey(), index.getLong("firstMsn"));
    }
    return starts;
  }

  private Track copyRendition(
      LiveArchive.Rendition r, Map<Integer, Long> sourceStarts, String vodId, Path work)
      throws IOException, MediaException {
    // msn → generation: this rendition's own index, else the source's (rungs follow the source's
    // encoder sessions), else a single init covers everything.
    Map<Integer, Long> own = generationStarts(r);
    TreeMap<Long, Integer> genFrom = new TreeMap<>();
    for (int gen : r.inits.keySet()) {
      Long from = own.containsKey(gen) ? own.get(gen) : sourceStarts.get(gen);
      genFrom.put(from != null ? from : r.inits.size() == 1 ? Long.MIN_VALUE : Long.MAX_VALUE, gen);
    }
    genFrom.remove(Long.MAX_VALUE);
    List<SegmentCopy> jobs = new ArrayList<>();
    for (Map.Entry<Long, String> s : r.segments.entrySet()) {
      Map.Entry<Long, Integer> gen = genFrom.floorEntry(s.getKey());
      if (gen != null) {
        jobs.add(new SegmentCopy(s.getKey(), gen.getValue(), s.getValue()));
      }
    }
    if (jobs.isEmpty()) {
      throw new MediaException(r.name + ": no segment has an init segment");
    }
    Map<Integer, SegmentFacts.Track> inits = new HashMap<>();
    for (SegmentCopy j : jobs) {
      if (!inits.containsKey(j.generation)) {
        String initKey = r.inits.get(j.generation);
        byte[] init = archive.read(initKey);
        inits.put(j.generation, SegmentFacts.track(init));
        String name = r.name + "/" + RecordingManifests.initName(j.generation);
        archive.copy(initKey, VodKeys.key(vodId, name));
        if (r.name.equals(SOURCE)) {
          Files.write(work.resolve(RecordingManifests.initName(j.generation)), init);
        }
      }
    }
    boolean keepLocal = r.name.equals(SOURCE);
    List<Future<Piece>> pieces = new ArrayList<>();
    for (SegmentCopy j : jobs) {
      pieces.add(
          io.submit(
              () -> {
                byte[] bytes = archive.read(j.key);
                SegmentFacts.Facts f = SegmentFacts.of(bytes);
                archive.copy(
                    j.key, VodKeys.key(vodId, r.name + "/" + VodKeys.segmentName((int) j.msn)));
                if (keepLocal) {
                  Files.write(work.resolve("seg-" + j.msn + ".m4s"), bytes);
                }
                return new Piece(
                    j.msn,
                    j.generation,
                    f.baseDecodeTime(),
                    f.durationTicks(),
                    bytes.length,
                    f.firstSampleEnd());
              }));
    }
    List<Piece> out = new ArrayList<>();
    for (Future<Piece> p : pieces) {
      out.add(await(p));
    }
    return new Track(r.name, inits, out);
  }

  /** One segment to read and copy. */
  private record SegmentCopy(long msn, int generation, String key) {}

  private static Piece await(Future<Piece> f) throws IOException, MediaException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof MediaException me) {
        throw me;
      }
      throw new IOException(e.getCause());
    }
  }

  /**
   * Poster and storyboard from the top video rendition: one local file per encoder generation (its
   * init and its segments, concatenated), placed on the VOD timeline.
   */
  private Frames poster(Track video, String vodId, Path work) throws IOException, MediaException {
    List<Thumbnails.Clip> clips = new ArrayList<>();
    double at = 0;
    int i = 0;
    List<Piece> pieces = video.pieces();
    while (i < pieces.size()) {
      int gen = pieces.get(i).generation();
      long timescale = video.inits().get(gen).timescale();
      Path file = work.resolve("clip-" + clips.size() + ".mp4");
      double start = at;
      try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
        out.write(Files.readAllBytes(work.resolve(RecordingManifests.initName(gen))));
        for (; i < pieces.size() && pieces.get(i).generation() == gen; i++) {
          Path seg = work.resolve("seg-" + pieces.get(i).msn() + ".m4s");
          if (Files.exists(seg)) {
            Files.copy(seg, out);
          }
          at += pieces.get(i).ticks() / (double) timescale;
        }
      }
      clips.add(new Thumbnails.Clip(file, start, at - start));
    }
    MediaInfo info = MediaProbe.probe(clips.get(0).file());
    Path poster = work.resolve(VodKeys.POSTER);
    Thumbnails.poster(clips.get(0).file(), info, poster);
    objects.putFile(VodKeys.key(vodId, VodKeys.POSTER), poster);
    return new Frames(clips, info, at);
  }

  /** The decodable source of a recording: one clip per encoder generation, and its length. */
  private record Frames(List<Thumbnails.Clip> clips, MediaInfo info, double seconds) {}

  private void storyboard(Frames f, String vodId, Path work) throws IOException, MediaException {
    Thumbnails.Storyboard board =
        Thumbnails.storyboard(
            f.clips(),
            f.info().video(),
            work.resolve(VodKeys.STORYBOARD_DIR),
            Thumbnails.StoryboardConfig.forDuration(f.seconds()),
            true);
    for (Path sheet : board.sheets()) {
      objects.putFile(
          VodKeys.key(vodId, VodKeys.STORYBOARD_DIR + "/" + sheet.getFileName()), sheet);
    }
    objects.putFile(VodKeys.key(vodId, VodKeys.STORYBOARD_DIR + "/storyboard.vtt"), board.vtt());
  }

  private static JsonObject media(ArchivedRecording rec, String vodId) {
    JsonArray rungs = new JsonArray();
    for (Track t : rec.tracks()) {
      SegmentFacts.Track info = t.first();
      JsonObject rung = new JsonObject().put("name", t.rendition()).put("codecs", info.codec());
      if (info.video()) {
        rung.put("width", info.width()).put("height", info.height());
      } else {
        rung.put("channels", info.channels()).put("sampleRate", info.sampleRate());
      }
      rungs.add(rung);
    }
    return new JsonObject()
        .put("duration", Math.round(rec.durationSeconds() * 1000) / 1000.0)
        .put("rungs", rungs)
        .put("hls", VodKeys.url(vodId, VodKeys.MASTER))
        .put("dash", VodKeys.url(vodId, VodKeys.MPD));
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
