#!/usr/bin/env bash
# The VOD chunk transcoder alone (no server, Kafka or S3): a 48 s 1080p30 source (as
# ../shared/bench/make_media.sh makes its 60 s one) cut into three 16 s chunks of the reference's
# 4-rung ladder, once per jar given, alternating; per chunk the process CPU, per JVM page faults
# and context switches (perf stat) and total CPU (/usr/bin/time). For A/B runs of two builds of
# the encoder (copy the old target/reelay.jar and target/lib aside first).
# REFERENCE=1 also runs, each round, the video part of ../shared/bench/ladder_ffmpeg.sh (one ffmpeg,
# decode once, split + scale, four x264 veryfast rungs into mp4 files) on the same source, so the
# encoder's CPU has a ratio to the reference's in the same minutes.
# usage: bench/vod_chunks.sh [JAR...]   (default: target/reelay.jar; ROUNDS=2 repeats the list;
#   a JAR may be a class path, e.g. "classes:lib/*"; SEGMENTS_PER_CHUNK=12 makes one chunk)
# needs: ffmpeg, perf, /usr/bin/time
set -euo pipefail
cd "$(dirname "$0")/.."
jars=("${@:-target/reelay.jar}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ffmpeg -hide_banner -loglevel error -f lavfi -i "testsrc2=size=1920x1080:rate=30" \
  -f lavfi -i "sine=frequency=440:sample_rate=48000" -t 48 -c:v libx264 -preset fast -b:v 6M \
  -g 60 -pix_fmt yuv420p -c:a aac -b:a 128k "$tmp/src.mp4"
for round in $(seq 1 "${ROUNDS:-2}"); do
  for jar in "${jars[@]}"; do
    echo "== $jar (round $round), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    /usr/bin/time -o "$tmp/time" -f "JVM total: %U user + %S system s, %e s wall, %M kB max RSS" \
      perf stat -e page-faults,context-switches -x, -o "$tmp/perf" \
      java -Xmx1g -cp "$jar" bench/java/ChunkBench.java "$tmp/src.mp4" "$tmp" 2>/dev/null \
      | grep '^chunk'
    grep -v '^#' "$tmp/perf" | awk -F, 'NF>2{printf "%s %s, ", $3, $1} END{print ""}'
    cat "$tmp/time"
    rm -rf "$tmp"/chunks*
  done
  if [ "${REFERENCE:-0}" = 1 ]; then
    echo "== reference ffmpeg, video rungs only (round $round), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    /usr/bin/time -o "$tmp/time" -f "ffmpeg total: %U user + %S system s, %e s wall, %M kB max RSS" \
      perf stat -e page-faults,context-switches -x, -o "$tmp/perf" \
      ffmpeg -hide_banner -loglevel error -y -i "$tmp/src.mp4" -filter_complex \
      "[0:v]split=4[a][b][c][d];[a]scale=-2:1080[o1];[b]scale=-2:720[o2];[c]scale=-2:480[o3];[d]scale=-2:360[o4]" \
      -map "[o1]" -c:v libx264 -preset veryfast -g 60 -keyint_min 60 -sc_threshold 0 -b:v 5000k "$tmp/r1.mp4" \
      -map "[o2]" -c:v libx264 -preset veryfast -g 60 -keyint_min 60 -sc_threshold 0 -b:v 2800k "$tmp/r2.mp4" \
      -map "[o3]" -c:v libx264 -preset veryfast -g 60 -keyint_min 60 -sc_threshold 0 -b:v 1400k "$tmp/r3.mp4" \
      -map "[o4]" -c:v libx264 -preset veryfast -g 60 -keyint_min 60 -sc_threshold 0 -b:v 800k "$tmp/r4.mp4"
    grep -v '^#' "$tmp/perf" | awk -F, 'NF>2{printf "%s %s, ", $3, $1} END{print ""}'
    cat "$tmp/time"
    rm -f "$tmp"/r?.mp4
  fi
done
