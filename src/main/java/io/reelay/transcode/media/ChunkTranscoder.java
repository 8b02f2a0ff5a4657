package io.reelay.transcode.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * Transcodes one chunk (whole segments) of a source into every ladder rung from a single decode.
 *
 * <p>Segmenting: each rung is encoded into one fragmented MP4 per chunk with {@code
 * frag_keyframe+empty_moov+default_base_moof+negative_cts_offsets}; x264 is pinned to an IDR at
 * exactly every segment boundary ({@code keyint=min-keyint=segmentFrames, scenecut=0}), so every
 * moof+mdat pair is exactly one segment. We split at the moofs ourselves and rewrite the fragment
 * sequence number and tfdt to global values. This beats the hls/segment muxers here because (a)
 * empty_moov makes the init independent of the chunk's timestamps, so every chunk writes a
 * byte-identical init.mp4, (b) negative CTS offsets (trun v1) make the first frame's presentation
 * time equal its tfdt even with B-frames, without an edit list, and (c) the global numbering and
 * decode times do not depend on how a muxer treats a stream that starts at a non-zero time.
 */
public final class ChunkTranscoder {
  private ChunkTranscoder() {}

  /** Per-segment facts for playlists: BANDWIDTH comes from bytes / duration. */
  public record SegmentOutput(int number, int frames, double durationSeconds, long bytes) {}

  /** One rung's output for a chunk. */
  public record RungOutput(
      String rung,
      String codecString,
      int width,
      int height,
      String initSha256,
      List<SegmentOutput> segments) {}

  public record ChunkResult(int chunkIndex, long framesEncoded, List<RungOutput> rungs) {}

  public static ChunkResult transcode(
      Path source, Ladder ladder, ChunkPlan.Chunk chunk, Path outDir) throws MediaException {
    if (ladder.rungs().isEmpty()) {
      throw new MediaException("ladder has no video rungs");
    }
    List<Path> tmpFiles = new ArrayList<>();
    long emitted;
    try {
      for (Ladder.Rung rung : ladder.rungs()) {
        Path dir = Files.createDirectories(outDir.resolve(rung.name()));
        tmpFiles.add(dir.resolve(String.format(Locale.ROOT, ".chunk-%05d.mp4", chunk.index())));
      }
      emitted = encode(source, ladder, chunk, tmpFiles);
      if (emitted == 0) {
        throw new MediaException(
            "no video frames decoded for chunk " + chunk.index() + " of " + source.getFileName());
      }
      List<RungOutput> outputs = new ArrayList<>();
      for (int i = 0; i < ladder.rungs().size(); i++) {
        outputs.add(writeSegments(ladder.rungs().get(i), chunk, emitted, tmpFiles.get(i), outDir));
      }
      return new ChunkResult(chunk.index(), emitted, outputs);
    } catch (IOException e) {
      throw new MediaException("I/O error writing chunk " + chunk.index() + ": " + e, e);
    } finally {
      for (Path p : tmpFiles) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // A leftover dot-file is harmless; the segments are what matter.
        }
      }
    }
  }

  /**
   * Which rung's picture each rung scales from: the smallest earlier rung at least twice its size
   * in both directions, or -1 for the decoded picture. 360p from 720p costs under half of 360p from
   * 1080p (1.4 against 3.2 CPU s per minute) and matches it (SSIM within 0.00003); below 2:1 the
   * intermediate's own filter shows (480p from 720p: 0.00016 lower), so such rungs scale from the
   * source.
   */
  static int[] scaleSources(List<Ladder.Rung> rungs) {
    int[] from = new int[rungs.size()];
    for (int i = 0; i < rungs.size(); i++) {
      Ladder.Rung rung = rungs.get(i);
      from[i] = -1;
      for (int j = 0; j < i; j++) {
        Ladder.Rung bigger = rungs.get(j);
        if (bigger.width() >= 2 * rung.width()
            && bigger.height() >= 2 * rung.height()
            && (from[i] < 0 || bigger.height() < rungs.get(from[i]).height())) {
          from[i] = j;
        }
      }
    }
    return from;
  }

  /** Decodes the chunk once and feeds every rung's encoder; returns the output frame count. */
  private static long encode(Path source, Ladder ladder, ChunkPlan.Chunk chunk, List<Path> tmp)
      throws MediaException {
    Rational fps = chunk.frameRate();
    long end = chunk.startFrame() + chunk.frameCount();
    List<RungEncoder> encoders = new ArrayList<>();
    RotationFilter rotate = null;
    long next = chunk.startFrame();
    try (SourceDecoder decoder = SourceDecoder.open(source)) {
      for (int i = 0; i < ladder.rungs().size(); i++) {
        encoders.add(RungEncoder.open(ladder, ladder.rungs().get(i), chunk, tmp.get(i)));
      }
      int[] scaleFrom = scaleSources(ladder.rungs());
      AVFrame[] made = new AVFrame[encoders.size()]; // each rung's picture of this frame
      AVFrame frame = chunk.startFrame() > 0 ? seekToChunkStart(decoder, chunk) : null;
      boolean rotationChecked = false;
      while (next < end && (frame = frame != null ? frame : decoder.next()) != null) {
        // Constant output rate: a frame owns output slots up to its rounded time; frames that
        // round to an already-filled slot are dropped (120 -> 60), gaps repeat the next frame.
        long slot = slotOf(decoder.timestampUs(frame), fps);
        AVFrame picture = frame;
        frame = null;
        if (slot < next) {
          continue;
        }
        if (!rotationChecked) {
          rotate = RotationFilter.forRotation(ladder.rotation(), picture);
          rotationChecked = true;
        }
        if (rotate != null && (picture = rotate.apply(picture)) == null) {
          continue;
        }
        long last = Math.min(slot, end - 1);
        for (int i = 0; i < encoders.size(); i++) {
          AVFrame from = scaleFrom[i] < 0 ? picture : made[scaleFrom[i]];
          made[i] = encoders.get(i).encode(from, next - chunk.startFrame(), last - next + 1);
        }
        next = last + 1;
      }
      RungEncoder.finishAll(encoders); // flushes the encoders, writes the last fragments
    } catch (MediaException e) {
      throw new MediaException(
          "transcoding chunk " + chunk.index() + " failed: " + e.getMessage(), e);
    } finally {
      encoders.forEach(RungEncoder::close);
      if (rotate != null) {
        rotate.close();
      }
    }
    return next - chunk.startFrame();
  }

  /**
   * Positions the decoder for a chunk that starts at {@code chunk.startFrame()} and returns the
   * first decoded frame to use, or null when the next {@code decoder.next()} gives it.
   *
   * <p>Seeks to the last keyframe at or before the chunk's first frame and decodes from there (the
   * caller drops the frames before the chunk by output slot). A demuxer that maps the presentation
   * time onto its decode-time index with a different offset than this keyframe's may land on one
   * just after the chunk's start; then (and for demuxers that cannot seek) the chunk is decoded
   * from the start of the stream, which is slow but exact.
   */
  private static AVFrame seekToChunkStart(SourceDecoder decoder, ChunkPlan.Chunk chunk)
      throws MediaException {
    Rational fps = chunk.frameRate();
    long startUs = usOf(chunk.startFrame(), fps);
    long halfFrameUs = Math.round(500_000.0 * fps.den() / fps.num());
    AVRational tb = decoder.timeBase();
    // Frame timestamps are the stream's own (not shifted by its start time), as in the slots.
    long target =
        (long) Math.floor((startUs + halfFrameUs - 1) * (double) tb.den() / (tb.num() * 1e6));
    if (!decoder.seekBackward(target)) {
      return null; // not seekable: still at the start of the stream
    }
    AVFrame first = decoder.next();
    if (first != null && slotOf(decoder.timestampUs(first), fps) <= chunk.startFrame()) {
      return first;
    }
    if (!decoder.rewind()) {
      throw new MediaException("cannot seek back to the start of the source");
    }
    return null;
  }

  /** The output frame slot of a decoded frame's time, at the ladder's constant rate. */
  private static long slotOf(long timestampUs, Rational fps) {
    return Math.round(timestampUs * (double) fps.num() / (fps.den() * 1e6));
  }

  /**
   * Cuts a rung's chunk file into its init and one file per segment. Only the box headers, the init
   * and the moofs (a few kB each) come into the heap; each segment's mdat goes file to file in the
   * kernel ({@code transferTo}), so a 16 s 1080p chunk no longer passes through ~11 MB of heap
   * arrays (G1 humongous allocations) on its way to S3.
   */
  private static RungOutput writeSegments(
      Ladder.Rung rung, ChunkPlan.Chunk chunk, long emitted, Path tmp, Path outDir)
      throws IOException, MediaException {
    try (FileChannel file = FileChannel.open(tmp, StandardOpenOption.READ)) {
      Fmp4.Layout layout = Fmp4.layout(Fmp4.boxes(file));
      int segFrames = chunk.segmentFrames();
      int expected = (int) ((emitted + segFrames - 1) / segFrames);
      if (layout.fragments().size() != expected) {
        throw new MediaException(
            rung.name()
                + ": encoder produced "
                + layout.fragments().size()
                + " fragments for "
                + expected
                + " segments (keyframes not at segment boundaries)");
      }
      byte[] init = Fmp4.read(file, 0, layout.initEnd());
      long timescale = Fmp4.timescale(init);
      Rational fps = chunk.frameRate();
      if ((timescale * fps.den()) % fps.num() != 0) {
        throw new MediaException("timescale " + timescale + " cannot represent " + fps + " fps");
      }
      long sampleDuration = timescale * fps.den() / fps.num();
      Path dir = outDir.resolve(rung.name());
      writeInit(dir.resolve("init.mp4"), init);
      List<SegmentOutput> segments = new ArrayList<>();
      for (int i = 0; i < expected; i++) {
        Fmp4.Fragment frag = layout.fragments().get(i);
        byte[] moof = Fmp4.read(file, frag.offset(), frag.moofSize());
        int number = chunk.firstSegment() + i;
        long startFrame = chunk.startFrame() + (long) i * segFrames;
        Fmp4.patchFragment(moof, number + 1, startFrame * sampleDuration);
        int frames = (int) Math.min(segFrames, emitted - (long) i * segFrames);
        long bytes = frag.end() - frag.offset();
        atomicWrite(
            dir.resolve(segmentName(number)),
            out -> {
              writeFully(out, ByteBuffer.wrap(moof));
              long from = frag.offset() + frag.moofSize();
              for (long done = 0; done < frag.end() - from; ) {
                long n = file.transferTo(from + done, frag.end() - from - done, out);
                if (n <= 0) {
                  throw new java.io.EOFException(tmp + " ends inside segment " + number);
                }
                done += n;
              }
            });
        segments.add(
            new SegmentOutput(number, frames, frames * (double) fps.den() / fps.num(), bytes));
      }
      return new RungOutput(
          rung.name(),
          Fmp4.avcCodecString(init),
          rung.width(),
          rung.height(),
          sha256(init),
          segments);
    }
  }

  /** All chunks of a rung must agree on the init; a mismatch means incompatible encoders. */
  private static void writeInit(Path path, byte[] init) throws IOException, MediaException {
    if (Files.exists(path)) {
      if (!Arrays.equals(Files.readAllBytes(path), init)) {
        throw new MediaException(path + " differs from this chunk's init segment");
      }
      return;
    }
    atomicWrite(path, init);
  }

  static String segmentName(int number) {
    return String.format(Locale.ROOT, "seg-%05d.m4s", number);
  }

  static void atomicWrite(Path path, byte[] data) throws IOException {
    atomicWrite(path, out -> writeFully(out, ByteBuffer.wrap(data)));
  }

  private static void writeFully(FileChannel out, ByteBuffer data) throws IOException {
    while (data.hasRemaining()) {
      out.write(data);
    }
  }

  /** Writes a file under a temporary name and renames it: readers never see a partial one. */
  private static void atomicWrite(Path path, FileWriter writer) throws IOException {
    Path tmp = path.resolveSibling("." + path.getFileName() + ".tmp");
    try (FileChannel out =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      writer.write(out);
    }
    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private interface FileWriter {
    void write(FileChannel out) throws IOException;
  }

  private static long usOf(long frame, Rational fps) {
    return Math.round(frame * 1e6 * fps.den() / fps.num());
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }
}
