#!/usr/bin/env bash
# Live-to-VOD: time from a stream's end (its record's endedAt, set when the grace period passes)
# to its VOD's ready (the video record's updatedAt), both written by the server's clock, for a
# 720p30 feed published in real time over RTMP. Reference in the same run: one ffmpeg remuxing
# the same recording (-c copy of the VOD HLS to one MP4: the least any no-re-encode conversion
# must do, reading every byte once).
# usage: bench/live_to_vod.sh [SECONDS=40] [RUNS=3]   (build first: mvn -B package -DskipTests)
# needs: ffmpeg, curl, python3
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-40}
runs=${2:-3}
jar=target/reelay.jar
[ -f "$jar" ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 1; }
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait || true; rm -rf "$tmp"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
json() { python3 -c "import json,sys; v=json.load(sys.stdin).get('$1'); print('' if v is None else v)"; }
iso_ms() { python3 -c "import sys,datetime; print(int(datetime.datetime.fromisoformat(sys.argv[1].replace('Z','+00:00')).timestamp()*1000))" "$1"; }

port=$(free_port); rtmp=$(free_port); token=bench-token
REELAY_DATA_DIR="$tmp/data" REELAY_HTTP_PORT=$port REELAY_RTMP_PORT=$rtmp \
  REELAY_HTTP_HOST=127.0.0.1 REELAY_ADMIN_TOKEN=$token REELAY_LIVE_GRACE=2 \
  java -jar "$jar" >"$tmp/reelay.log" 2>&1 &
pids+=($!)
base=http://127.0.0.1:$port
until [ "$(curl -s -o /dev/null -w '%{http_code}' $base/health || true)" = 200 ]; do sleep 0.2; done

echo "| run | stream | VOD duration | end → ready (Reelay) | ffmpeg -c copy remux (reference) | ratio |"
echo "|---|---|---|---|---|---|"
for run in $(seq 1 "$runs"); do
  s=$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"title\":\"bench $run\"}" $base/api/streams)
  id=$(echo "$s" | json id); key=$(echo "$s" | json key)
  ffmpeg -hide_banner -loglevel error -re -f lavfi -i "testsrc2=size=1280x720:rate=30" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000" -t "$seconds" \
    -c:v libx264 -preset veryfast -tune zerolatency -b:v 2500k -g 60 -keyint_min 60 \
    -sc_threshold 0 -pix_fmt yuv420p -c:a aac -ac 2 -f flv "rtmp://127.0.0.1:$rtmp/live/$key"
  vod=""
  while :; do
    st=$(curl -sf $base/api/streams/$id)
    vod=$(echo "$st" | json vodId)
    if [ -n "$vod" ]; then
      v=$(curl -sf $base/api/videos/$vod)
      status=$(echo "$v" | json status)
      [ "$status" = ready ] && break
      [ "$status" = failed ] && { echo "failed: $v" >&2; exit 1; }
    fi
    sleep 0.1
  done
  ended=$(iso_ms "$(echo "$st" | json endedAt)")
  ready=$(iso_ms "$(echo "$v" | json updatedAt)")
  duration=$(echo "$v" | json duration)
  t0=$(date +%s%N)
  ffmpeg -hide_banner -loglevel error -i "$base/vod/$vod/master.m3u8" -map 0:v:0 -map 0:a:0 \
    -c copy -y "$tmp/remux.mp4"
  t1=$(date +%s%N)
  reelay_ms=$((ready - ended)); ref_ms=$(((t1 - t0) / 1000000))
  ratio=$(python3 -c "print(f'{$reelay_ms/$ref_ms:.2f}')")
  echo "| $run | ${seconds} s 720p30 | ${duration} s | ${reelay_ms} ms | ${ref_ms} ms | ${ratio} |"
done
# Where the time went, per VOD (copy + manifests, thumbnails), from the server's log.
grep -h "segments copied" "$tmp/reelay.log" | sed 's/.*VOD /VOD /' >&2 || true
