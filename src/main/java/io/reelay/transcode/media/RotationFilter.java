package io.reelay.transcode.media;

import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_add_frame_flags;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_config;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_create_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_parse_ptr;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_inout_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_inout_free;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_strdup;

import java.util.Locale;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avfilter.AVFilterInOut;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avfilter;
import org.bytedeco.javacpp.BytePointer;

/**
 * Applies a source's rotation metadata to decoded pictures (libavfilter {@code transpose} or
 * flips), frame in, frame out, keeping the decoder's pixel format; the rungs scale afterwards.
 */
final class RotationFilter implements AutoCloseable {
  private final AVFilterGraph graph;
  private final AVFilterContext source;
  private final AVFilterContext sink;
  private final AVFrame rotated = av_frame_alloc();

  private RotationFilter(AVFilterGraph graph, AVFilterContext source, AVFilterContext sink) {
    this.graph = graph;
    this.source = source;
    this.sink = sink;
  }

  /** The filter for a clockwise rotation in degrees, or null when there is nothing to do. */
  static RotationFilter forRotation(int degrees, AVFrame first) throws MediaException {
    String description =
        switch (degrees) {
          case 90 -> "transpose=clock";
          case 180 -> "hflip,vflip";
          case 270 -> "transpose=cclock";
          default -> null;
        };
    return description == null ? null : open(description, first);
  }

  private static RotationFilter open(String description, AVFrame first) throws MediaException {
    AVFilterGraph graph = avfilter_graph_alloc();
    AVFilterInOut outputs = avfilter_inout_alloc();
    AVFilterInOut inputs = avfilter_inout_alloc();
    try {
      AVFilterContext source = new AVFilterContext(null);
      AVFilterContext sink = new AVFilterContext(null);
      // Timestamps do not matter here: the chunk encoder numbers its output frames itself.
      String args =
          String.format(
              Locale.ROOT,
              "video_size=%dx%d:pix_fmt=%d:time_base=1/1000000:pixel_aspect=1/1",
              first.width(),
              first.height(),
              first.format());
      check(
          avfilter_graph_create_filter(
              source, avfilter_get_by_name("buffer"), "in", args, null, graph),
          description);
      check(
          avfilter_graph_create_filter(
              sink, avfilter_get_by_name("buffersink"), "out", null, null, graph),
          description);
      outputs.name(av_strdup(new BytePointer("in"))).filter_ctx(source).pad_idx(0).next(null);
      inputs.name(av_strdup(new BytePointer("out"))).filter_ctx(sink).pad_idx(0).next(null);
      check(avfilter_graph_parse_ptr(graph, description, inputs, outputs, null), description);
      check(avfilter_graph_config(graph, null), description);
      return new RotationFilter(graph, source, sink);
    } catch (MediaException | RuntimeException e) {
      avfilter_graph_free(graph);
      throw e;
    } finally {
      avfilter_inout_free(inputs);
      avfilter_inout_free(outputs);
    }
  }

  /** The rotated picture, valid until the next call; null if the filter holds it back. */
  AVFrame apply(AVFrame picture) throws MediaException {
    check(
        av_buffersrc_add_frame_flags(source, picture, avfilter.AV_BUFFERSRC_FLAG_KEEP_REF),
        "rotation");
    av_frame_unref(rotated);
    int rc = av_buffersink_get_frame(sink, rotated);
    if (rc == AVERROR_EAGAIN()) {
      return null;
    }
    check(rc, "rotation");
    return rotated;
  }

  private static void check(int rc, String what) throws MediaException {
    if (rc < 0) {
      throw new MediaException(what + " filter failed: " + MediaProbe.errorText(rc));
    }
  }

  @Override
  public void close() {
    av_frame_free(rotated);
    avfilter_graph_free(graph);
  }
}
