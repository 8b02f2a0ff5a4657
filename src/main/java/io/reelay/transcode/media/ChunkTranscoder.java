package io.reelay.transcode.media;

import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_FLAG_BACKWARD;
import static org.bytedeco.ffmpeg.global.avformat.av_seek_frame;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacv.FFmpegFrameFilter;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameFilter;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.FrameRecorder;

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

  /** Decodes the chunk once and feeds every rung recorder; returns the output frame count. */
  private static long encode(Path source, Ladder ladder, ChunkPlan.Chunk chunk, List<Path> tmp)
      throws MediaException {
    Rational fps = chunk.frameRate();
    long end = chunk.startFrame() + chunk.frameCount();
    List<FFmpegFrameRecorder> recorders = new ArrayList<>();
    FFmpegFrameFilter rotate = null;
    MediaException failure = null;
    long next = chunk.startFrame();
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(source.toFile())) {
      // Decode straight to yuv420p once; each recorder then only scales (its own cached sws).
      grabber.setPixelFormat(AV_PIX_FMT_YUV420P);
      grabber.start();
      if (!grabber.hasVideo()) {
        throw new MediaException(source.getFileName() + " has no video stream");
      }
      for (int i = 0; i < ladder.rungs().size(); i++) {
        recorders.add(startRecorder(ladder, ladder.rungs().get(i), chunk, tmp.get(i)));
      }
      String rotation = rotationFilter(ladder.rotation());
      if (rotation != null) {
        rotate = new FFmpegFrameFilter(rotation, grabber.getImageWidth(), grabber.getImageHeight());
        rotate.setPixelFormat(AV_PIX_FMT_YUV420P);
        rotate.setFrameRate(grabber.getFrameRate());
        rotate.start();
      }
      Frame first = chunk.startFrame() > 0 ? seekToChunkStart(grabber, chunk) : null;
      Frame frame;
      while (next < end && (frame = first != null ? first : grabber.grabImage()) != null) {
        first = null;
        // Constant output rate: a frame owns output slots up to its rounded time; frames that
        // round to an already-filled slot are dropped (120 -> 60), gaps repeat the next frame.
        long slot = slotOf(frame, fps);
        if (slot < next) {
          continue;
        }
        Frame picture = frame;
        if (rotate != null) {
          rotate.push(frame);
          picture = rotate.pull();
          if (picture == null) {
            continue;
          }
        }
        long last = Math.min(slot, end - 1);
        for (; next <= last; next++) {
          for (FFmpegFrameRecorder r : recorders) {
            r.record(picture, AV_PIX_FMT_YUV420P);
          }
        }
      }
    } catch (FrameGrabber.Exception | FrameRecorder.Exception | FrameFilter.Exception e) {
      failure = new MediaException("transcoding chunk " + chunk.index() + " failed: " + e, e);
    } catch (MediaException e) {
      failure = e;
    } finally {
      for (FFmpegFrameRecorder r : recorders) {
        try {
          r.close(); // flushes the encoder and writes the last fragment
        } catch (FrameRecorder.Exception e) {
          if (failure == null) {
            failure = new MediaException("finishing chunk " + chunk.index() + " failed: " + e, e);
          }
        }
      }
      if (rotate != null) {
        try {
          rotate.close();
        } catch (FrameFilter.Exception e) {
          if (failure == null) {
            failure = new MediaException("closing rotation filter failed: " + e, e);
          }
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return next - chunk.startFrame();
  }

  /**
   * Positions the grabber for a chunk that starts at {@code chunk.startFrame()} and returns the
   * first decoded frame to use, or null when the next {@code grabImage()} gives it.
   *
   * <p>Fast path: seek to the last keyframe at or before the chunk's first frame and decode from
   * there. The grabber's own {@code setVideoTimestamp} aims 0.5 s early, so before every chunk that
   * starts on a source keyframe (the usual case: segment boundaries on the source's GOP grid) it
   * decoded a whole source GOP only to drop it. A demuxer that maps the presentation time onto its
   * decode-time index with a different offset than this keyframe's may land on one just after the
   * chunk's start; then (and for demuxers that cannot seek) we fall back to the grabber's exact
   * seek, which flushes the decoder.
   */
  private static Frame seekToChunkStart(FFmpegFrameGrabber grabber, ChunkPlan.Chunk chunk)
      throws FrameGrabber.Exception {
    Rational fps = chunk.frameRate();
    long startUs = usOf(chunk.startFrame(), fps);
    long halfFrameUs = Math.round(500_000.0 * fps.den() / fps.num());
    int stream = grabber.getVideoStream();
    AVRational tb = grabber.getFormatContext().streams(stream).time_base();
    // Frame timestamps are the stream's own (not shifted by its start time), as in the slots.
    long target =
        (long) Math.floor((startUs + halfFrameUs - 1) * (double) tb.den() / (tb.num() * 1e6));
    if (av_seek_frame(grabber.getFormatContext(), stream, target, AVSEEK_FLAG_BACKWARD) >= 0) {
      Frame first = grabber.grabImage();
      if (first != null && slotOf(first, fps) <= chunk.startFrame()) {
        return first;
      }
    }
    // Half a frame early: the grabber decodes from the preceding keyframe and drops earlier
    // frames; the caller drops the rest by output slot.
    grabber.setVideoTimestamp(Math.max(0, startUs - halfFrameUs));
    return null;
  }

  /** The output frame slot a decoded frame falls in, at the ladder's constant rate. */
  private static long slotOf(Frame frame, Rational fps) {
    return Math.round(frame.timestamp * (double) fps.num() / (fps.den() * 1e6));
  }

  private static FFmpegFrameRecorder startRecorder(
      Ladder ladder, Ladder.Rung rung, ChunkPlan.Chunk chunk, Path file)
      throws FrameRecorder.Exception {
    FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), rung.width(), rung.height(), 0);
    try {
      r.setFormat("mp4");
      r.setVideoCodecName("libx264");
      r.setPixelFormat(AV_PIX_FMT_YUV420P);
      r.setFrameRate(chunk.frameRate().value());
      r.setGopSize(chunk.segmentFrames());
      r.setVideoBitrate(rung.bitrate());
      r.setImageScalingFlags(swscale.SWS_BICUBIC);
      r.setVideoOption("preset", ladder.x264Preset());
      // Two frame threads per encoder: four rungs encode side by side, so eight frames in flight
      // keep the cores busy; x264's default (1.5 per core) adds frame-thread overhead and buffers.
      r.setVideoOption("threads", "2");
      r.setVideoOption("profile", rung.profile());
      r.setVideoOption("maxrate", Integer.toString(rung.maxBitrate()));
      r.setVideoOption("bufsize", Integer.toString(rung.bufferSize()));
      int k = chunk.segmentFrames();
      r.setVideoOption(
          "x264-params", "keyint=" + k + ":min-keyint=" + k + ":scenecut=0:open-gop=0");
      r.setOption(
          "movflags",
          "frag_keyframe+empty_moov+default_base_moof+negative_cts_offsets+skip_trailer");
      // No Lavf version string in the init: workers on other builds still agree byte for byte.
      r.setOption("fflags", "+bitexact");
      r.start();
      return r;
    } catch (FrameRecorder.Exception | RuntimeException e) {
      r.close();
      throw e;
    }
  }

  private static RungOutput writeSegments(
      Ladder.Rung rung, ChunkPlan.Chunk chunk, long emitted, Path tmp, Path outDir)
      throws IOException, MediaException {
    Fmp4.Split split = Fmp4.split(Files.readAllBytes(tmp));
    int segFrames = chunk.segmentFrames();
    int expected = (int) ((emitted + segFrames - 1) / segFrames);
    if (split.fragments().size() != expected) {
      throw new MediaException(
          rung.name()
              + ": encoder produced "
              + split.fragments().size()
              + " fragments for "
              + expected
              + " segments (keyframes not at segment boundaries)");
    }
    long timescale = Fmp4.timescale(split.init());
    Rational fps = chunk.frameRate();
    if ((timescale * fps.den()) % fps.num() != 0) {
      throw new MediaException("timescale " + timescale + " cannot represent " + fps + " fps");
    }
    long sampleDuration = timescale * fps.den() / fps.num();
    Path dir = outDir.resolve(rung.name());
    writeInit(dir.resolve("init.mp4"), split.init());
    List<SegmentOutput> segments = new ArrayList<>();
    for (int i = 0; i < expected; i++) {
      byte[] frag = split.fragments().get(i);
      int number = chunk.firstSegment() + i;
      long startFrame = chunk.startFrame() + (long) i * segFrames;
      Fmp4.patchFragment(frag, number + 1, startFrame * sampleDuration);
      int frames = (int) Math.min(segFrames, emitted - (long) i * segFrames);
      atomicWrite(dir.resolve(segmentName(number)), frag);
      segments.add(
          new SegmentOutput(number, frames, frames * (double) fps.den() / fps.num(), frag.length));
    }
    return new RungOutput(
        rung.name(),
        Fmp4.avcCodecString(split.init()),
        rung.width(),
        rung.height(),
        sha256(split.init()),
        segments);
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
    Path tmp = path.resolveSibling("." + path.getFileName() + ".tmp");
    Files.write(tmp, data);
    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String rotationFilter(int rotation) {
    return switch (rotation) {
      case 90 -> "transpose=clock";
      case 180 -> "hflip,vflip";
      case 270 -> "transpose=cclock";
      default -> null;
    };
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
