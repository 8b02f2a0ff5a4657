package io.reelay.rtmp;

import io.reelay.flv.AudioSpecificConfig;
import io.reelay.flv.AudioTag;
import io.reelay.flv.AvcDecoderConfigurationRecord;
import io.reelay.flv.VideoTag;
import java.util.Map;

/**
 * What {@link RtmpSession} asks its adapter to do or tells it happened. Events come in wire order;
 * {@link Outbound} bytes must be written in the order received.
 */
public sealed interface RtmpEvent {

  /** Terminal events: the adapter writes any preceding Outbound bytes, then closes. */
  default boolean isTerminal() {
    return false;
  }

  /** Bytes to write to the peer. */
  record Outbound(byte[] bytes) implements RtmpEvent {}

  /** The peer sent {@code connect}; the session already replied with success. */
  record Connected(String app, String tcUrl, Map<String, Object> properties) implements RtmpEvent {}

  /**
   * The peer wants to publish. Answer with {@link RtmpSession#acceptPublish()} or {@link
   * RtmpSession#rejectPublish(String)}, possibly later (e.g. after an async key lookup).
   *
   * @param streamKey the publish name up to the first '?'
   * @param query what followed '?', or "" (some encoders put tokens there)
   * @param publishType "live", "record" or "append" as sent by the peer
   */
  record PublishRequested(String app, String streamKey, String query, String publishType)
      implements RtmpEvent {}

  /** {@code @setDataFrame onMetaData} / {@code onMetaData} with its decoded map. */
  record Metadata(Map<String, Object> values) implements RtmpEvent {}

  /** A new AVC sequence header; the matching {@link VideoData} follows immediately. */
  record VideoConfig(AvcDecoderConfigurationRecord config) implements RtmpEvent {}

  /** A new AAC sequence header; the matching {@link AudioData} follows immediately. */
  record AudioConfig(AudioSpecificConfig config) implements RtmpEvent {}

  /**
   * A video message of the accepted publish (including sequence headers).
   *
   * @param timestampMs DTS in ms, unwrapped past 2^32 and repaired to be non-decreasing
   */
  record VideoData(int streamId, long timestampMs, VideoTag tag) implements RtmpEvent {}

  /** An audio message of the accepted publish (including sequence headers). */
  record AudioData(int streamId, long timestampMs, AudioTag tag) implements RtmpEvent {}

  /** A media message was not delivered (e.g. video before its sequence header). */
  record MediaDropped(MediaKind kind, long timestampMs, String reason) implements RtmpEvent {}

  /** A timestamp went backwards and was clamped; later ones are shifted by the same amount. */
  record TimestampRepaired(MediaKind kind, long receivedMs, long repairedMs) implements RtmpEvent {}

  /** The publish ended (FCUnpublish / deleteStream / closeStream). */
  record Unpublished(String streamKey) implements RtmpEvent {}

  /** Something worth a debug log line (unknown command, ignored message...). */
  record Notice(String message) implements RtmpEvent {}

  /**
   * The stream uses a codec this server does not handle (e.g. enhanced-RTMP HEVC). An onStatus
   * error was already queued as Outbound. Terminal.
   */
  record UnsupportedCodec(MediaKind kind, String description) implements RtmpEvent {
    @Override
    public boolean isTerminal() {
      return true;
    }
  }

  /** The peer broke the protocol or a limit. Terminal: close this connection, log one line. */
  record ProtocolError(String reason) implements RtmpEvent {
    @Override
    public boolean isTerminal() {
      return true;
    }
  }
}
