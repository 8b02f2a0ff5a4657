package io.reelay.transcode.media;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.FrameRecorder;

/**
 * Encodes the whole audio track once (never per chunk: AAC priming and frame boundaries would click
 * at every chunk seam) into CMAF segments aligned to the video segment duration.
 *
 * <p>Here FFmpeg's {@code hls} muxer with {@code hls_segment_type=fmp4} is the right tool: it cuts
 * at cumulative multiples of {@code hls_time} (no drift even though 1024-sample AAC frames never
 * land exactly on a boundary), numbers segments from {@code start_number}, and a single run has
 * none of the cross-chunk consistency issues that made us split video ourselves.
 *
 * <p>When the ladder says {@code copy} (source already AAC-LC, at most stereo, raw in MP4/MKV),
 * packets are remuxed untouched; otherwise the track is encoded to AAC-LC.
 */
public final class AudioTranscoder {
  private AudioTranscoder() {}

  public record AudioResult(
      String codecString,
      int sampleRate,
      int channels,
      boolean copied,
      List<ChunkTranscoder.SegmentOutput> segments) {}

  /**
   * @param segmentSeconds exact video segment duration (segmentFrames / fps)
   */
  public static AudioResult transcode(
      Path source, Ladder.Audio audio, double segmentSeconds, Path outDir) throws MediaException {
    Path dir;
    try {
      dir = Files.createDirectories(outDir.resolve("audio"));
    } catch (IOException e) {
      throw new MediaException("cannot create " + outDir.resolve("audio") + ": " + e, e);
    }
    Path playlist = dir.resolve(".audio.m3u8");
    MediaException failure = null;
    FFmpegFrameRecorder recorder = null;
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(source.toFile())) {
      grabber.start();
      if (!grabber.hasAudio()) {
        throw new MediaException(source.getFileName() + " has no audio stream");
      }
      recorder = new FFmpegFrameRecorder(playlist.toFile(), audio.channels());
      recorder.setFormat("hls");
      recorder.setOption("hls_time", String.format(Locale.ROOT, "%.6f", segmentSeconds));
      recorder.setOption("hls_segment_type", "fmp4");
      recorder.setOption("hls_fmp4_init_filename", "init.mp4");
      recorder.setOption("hls_segment_filename", dir.resolve("seg-%05d.m4s").toString());
      recorder.setOption("start_number", "0");
      recorder.setOption("hls_list_size", "0");
      recorder.setOption("hls_playlist_type", "vod");
      recorder.setOption("fflags", "+bitexact");
      if (audio.copy()) {
        // Remux: the recorder copies the input stream's codec parameters and rescales packets.
        recorder.setAudioCodec(grabber.getAudioCodec());
        recorder.setSampleRate(grabber.getSampleRate());
        recorder.start(grabber.getFormatContext());
        AVPacket pkt;
        while ((pkt = grabber.grabPacket()) != null) {
          int type = grabber.getFormatContext().streams(pkt.stream_index()).codecpar().codec_type();
          if (type == AVMEDIA_TYPE_AUDIO) {
            recorder.recordPacket(pkt);
          }
        }
      } else {
        recorder.setAudioCodec(AV_CODEC_ID_AAC);
        recorder.setAudioChannels(audio.channels());
        recorder.setSampleRate(audio.sampleRate());
        recorder.setAudioBitrate(audio.bitrate());
        recorder.setAudioOption("profile", "aac_low");
        recorder.start();
        Frame frame;
        while ((frame = grabber.grabSamples()) != null) {
          recorder.record(frame);
        }
      }
    } catch (FrameGrabber.Exception | FrameRecorder.Exception e) {
      failure =
          new MediaException("audio transcode of " + source.getFileName() + " failed: " + e, e);
    } catch (MediaException e) {
      failure = e;
    } finally {
      if (recorder != null) {
        try {
          recorder.close();
        } catch (FrameRecorder.Exception e) {
          if (failure == null) {
            failure = new MediaException("finishing audio failed: " + e, e);
          }
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    try {
      Files.deleteIfExists(playlist); // playlists are written by the packager, not here
      return describe(dir, audio);
    } catch (IOException e) {
      throw new MediaException("reading audio segments failed: " + e, e);
    }
  }

  private static AudioResult describe(Path dir, Ladder.Audio audio)
      throws IOException, MediaException {
    byte[] init = Files.readAllBytes(dir.resolve("init.mp4"));
    long timescale = Fmp4.timescale(init);
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(p -> p.getFileName().toString().matches("seg-\\d{5}\\.m4s")).sorted().toList();
    }
    if (files.size() >= 2) {
      // The AAC priming frame pushes the last packet past the final boundary, leaving a tail
      // segment of a frame or two; append it to the previous segment (two moof+mdat pairs in one
      // segment is valid CMAF) so audio and video have the same segment count.
      Path last = files.get(files.size() - 1);
      byte[] tail = Files.readAllBytes(last);
      if (Fmp4.segmentDuration(tail) < timescale / 10) {
        Files.write(files.get(files.size() - 2), tail, StandardOpenOption.APPEND);
        Files.delete(last);
        files = files.subList(0, files.size() - 1);
      }
    }
    List<ChunkTranscoder.SegmentOutput> segments = new ArrayList<>();
    for (Path p : files) {
      byte[] seg = Files.readAllBytes(p);
      long duration = Fmp4.segmentDuration(seg);
      String name = p.getFileName().toString();
      int number = Integer.parseInt(name.substring(4, 9));
      segments.add(
          new ChunkTranscoder.SegmentOutput(number, 0, duration / (double) timescale, seg.length));
    }
    return new AudioResult(
        "mp4a.40.2", audio.sampleRate(), audio.channels(), audio.copy(), segments);
  }
}
