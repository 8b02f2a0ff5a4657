#!/usr/bin/env bash
# Live path, side by side with nginx-rtmp on the same feed in the same run (docs/benchmarks.md).
#
#   bench/live.sh [SECONDS=40]
#
# 1a. live_latency.py (shared harness) against Reelay's LL-HLS and nginx-rtmp's HLS, taking turns
#    (LISTING_ROUNDS, default 3): when each segment (and, for Reelay, each part) is listed after
#    its last frame was pushed.
# 1b. hls.js in headless Chromium plays each and reports hls.latency (Reelay: hls.js in
#    low-latency mode with hls.js defaults, then the web app's own live page, /live/{id}, whose
#    player adds catch-up and holds the source at start; nginx: hls.js defaults).
# 2. CPU of the server processes per 720p30 passthrough stream (-c copy publisher), both servers.
# 3. How many concurrent 720p30 passthrough publishers Reelay carries on this machine.
# LIVE_ROLES: Reelay's REELAY_ROLES (default all; "passthrough" = every role but the live
#    rung encoder, i.e. what nginx-rtmp does: on 2 cores the rung encodes share the CPU with the
#    publisher and the players).
# Needs: java 17, python3, node + npm, /usr/bin/chromium, nginx + libnginx-mod-rtmp (apt-get).
# ffmpeg: the system one, else the one bundled with the project (JavaCPP cache).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECS=${1:-40}
SHARED=${SHARED_BENCH:-}
for d in ../shared/bench ../../shared/bench /work/shared/bench; do
  [ -z "$SHARED" ] && [ -f "$d/live_latency.py" ] && SHARED=$(cd "$d" && pwd)
done
[ -n "$SHARED" ] || { echo "set SHARED_BENCH to the shared bench directory" >&2; exit 1; }
WORK=$(mktemp -d /tmp/reelay-live-bench.XXXXXX)
chmod 755 "$WORK" # nginx workers run as nobody and must reach the HLS files
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$WORK/nginx/nginx.pid" ] && kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  [ -z "${SHM:-}" ] || rm -rf "$SHM"
}
trap cleanup EXIT

mkdir -p "$WORK/bin"
if ! command -v ffmpeg >/dev/null; then
  FF=$(find "$HOME/.javacpp/cache" -path '*ffmpeg*' -name ffmpeg -type f 2>/dev/null | head -1)
  [ -n "$FF" ] || { echo "no ffmpeg: run the tests once (they unpack the bundled one)" >&2; exit 1; }
  printf '#!/bin/sh\nLD_LIBRARY_PATH=%s exec %s "$@"\n' "$(dirname "$FF")" "$FF" > "$WORK/bin/ffmpeg"
  chmod +x "$WORK/bin/ffmpeg"
  export PATH="$WORK/bin:$PATH"
fi
[ -f target/reelay.jar ] || mvn -B -q package -DskipTests
(cd src/test/live-player && { [ -d node_modules/hls.js ] || npm ci --no-audit --no-fund >/dev/null; })
PLAY="node $ROOT/src/test/live-player/play.mjs"

echo "== machine: $(nproc) cores, $(uname -r), $(date -u +%FT%TZ); Reelay roles: ${LIVE_ROLES:-${REELAY_ROLES:-all}}"

# --- Reelay
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HTTP=$(free_port); RTMP=$(free_port); NGX_HTTP=$(free_port); NGX_RTMP=$(free_port); TOKEN=bench-token
ROLES=${LIVE_ROLES:-${REELAY_ROLES:-all}}
[ "$ROLES" = passthrough ] && ROLES=ingest,upload,dispatch,cache,manifest,delivery
REELAY_DATA_DIR="$WORK/reelay" REELAY_HTTP_PORT=$HTTP REELAY_RTMP_PORT=$RTMP \
  REELAY_HTTP_HOST=127.0.0.1 REELAY_ADMIN_TOKEN=$TOKEN REELAY_LIVE_GRACE=2 REELAY_ROLES=$ROLES \
  java -jar target/reelay.jar > "$WORK/reelay.log" 2>&1 &
REELAY_PID=$!; PIDS+=($REELAY_PID)
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$HTTP/health" >/dev/null 2>&1 && break; sleep 0.5
done
curl -fs "http://127.0.0.1:$HTTP/health" >/dev/null || { tail -20 "$WORK/reelay.log"; exit 1; }
new_stream() {
  curl -fs -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"title":"bench"}' "http://127.0.0.1:$HTTP/api/streams"
}
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

# --- nginx-rtmp, the reference
NGX="$WORK/nginx"; mkdir -p "$NGX/logs" "$NGX/www"
# nginx-rtmp writes every fragment and playlist to disk as it goes: on tmpfs when there is one, so
# its listing is not held up by other disk traffic on the box (Reelay's window is in Redis, in memory)
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  SHM=$(mktemp -d /dev/shm/reelay-live-bench.XXXXXX); ln -s "$SHM" "$NGX/hls"
else
  mkdir -p "$NGX/hls"
fi
chmod 777 "$NGX/hls/"
# the anchor's fixed ports may be taken on a shared machine: same config on free ports
sed -e "s#NGX_PREFIX#$NGX#g" -e "s#127.0.0.1:18080#127.0.0.1:$NGX_HTTP#" \
  -e "s#127.0.0.1:19350#127.0.0.1:$NGX_RTMP#" \
  -e "s#add_header Cache-Control no-cache;#add_header Cache-Control no-cache; add_header Access-Control-Allow-Origin *;#" \
  "$SHARED/nginx-anchor.conf" > "$NGX/nginx.conf" # (+ CORS, so hls.js may fetch it cross-origin)
nginx -p "$NGX" -c "$NGX/nginx.conf"

SECTIONS=${LIVE_BENCH_SECTIONS:-1 2 3}
if [[ " $SECTIONS " == *" 1 "* ]]; then
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min; other work on the box skews every figure)"
ROUNDS=${LISTING_ROUNDS:-3}
echo "== 1a. publish-to-playlist latency (live_latency.py, 720p30, GOP 2 s, ${SECS} s), $ROUNDS rounds"
# The two servers take turns on the same feed, with nothing else of the benchmark running: a
# listing delay is the server's own. Beside each run, one more poller reads the server's playlist
# every 20 ms (for Reelay it also reports each part's delay on its PDT timeline), the same load on
# both.
for r in $(seq 1 "$ROUNDS"); do
  S=$(new_stream); ID=$(echo "$S" | field id); KEY=$(echo "$S" | field key)
  python3 bench/live_load.py parts "http://127.0.0.1:$HTTP/live/$ID/source/index.m3u8" \
    $((SECS - 4)) > "$WORK/parts-reelay-$r.txt" 2>&1 &
  PARTS=$!
  echo "-- round $r, reelay (load $(cut -d' ' -f1 /proc/loadavg))"
  python3 "$SHARED/live_latency.py" "rtmp://127.0.0.1:$RTMP/live/$KEY" \
    "http://127.0.0.1:$HTTP/live/$ID/master.m3u8" "$SECS" 60 1280x720
  wait $PARTS || true
  echo "part listed minus its end on the PDT timeline (anchored at first-frame arrival): $(cat "$WORK/parts-reelay-$r.txt")"
  python3 bench/live_load.py parts "http://127.0.0.1:$NGX_HTTP/hls/bench$r.m3u8" \
    $((SECS - 4)) > /dev/null 2>&1 &
  PARTS=$!
  echo "-- round $r, nginx-rtmp (load $(cut -d' ' -f1 /proc/loadavg))"
  python3 "$SHARED/live_latency.py" "rtmp://127.0.0.1:$NGX_RTMP/live/bench$r" \
    "http://127.0.0.1:$NGX_HTTP/hls/bench$r.m3u8" "$SECS" 60 1280x720
  wait $PARTS || true
done

echo "== 1b. hls.js live latency (hls.latency, headless Chromium, median of the last 7 s of 14)"
# Each player gets a feed of its own (live_latency.py publishing; its figures are not the point
# here, as Chromium decoding 720p shares the two cores with the server).
play_on() { # NAME RTMP_URL MASTER_URL [PAGE_URL: the player plays this instead of MASTER_URL]
  ( sleep 8; $PLAY "${4:-$3}" 14 > "$WORK/hlsjs-$1.json" 2>&1 || true ) &
  local player=$!
  python3 "$SHARED/live_latency.py" "$2" "$3" 26 60 1280x720 > /dev/null 2>&1 || true
  wait $player || true
}
S=$(new_stream); ID=$(echo "$S" | field id); KEY=$(echo "$S" | field key)
play_on reelay "rtmp://127.0.0.1:$RTMP/live/$KEY" "http://127.0.0.1:$HTTP/live/$ID/master.m3u8"
# the web app's live page as viewers get it (its player: src/main/web/src/player.js)
for r in $(seq 1 "${WEBAPP_PLAYERS:-2}"); do
  S=$(new_stream); ID=$(echo "$S" | field id); KEY=$(echo "$S" | field key)
  play_on "reelay-webapp-$r" "rtmp://127.0.0.1:$RTMP/live/$KEY" \
    "http://127.0.0.1:$HTTP/live/$ID/master.m3u8" "http://127.0.0.1:$HTTP/live/$ID"
done
play_on nginx "rtmp://127.0.0.1:$NGX_RTMP/live/player" "http://127.0.0.1:$NGX_HTTP/hls/player.m3u8"
echo "hls.js reelay (lowLatencyMode, defaults):  $(tail -1 "$WORK/hlsjs-reelay.json")"
for f in "$WORK"/hlsjs-reelay-webapp-*.json; do
  echo "reelay web app live page (catch-up):       $(tail -1 "$f")"
done
echo "hls.js nginx (same harness):               $(tail -1 "$WORK/hlsjs-nginx.json")"

fi
ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=1280x720:rate=30 \
  -f lavfi -i sine=frequency=440:sample_rate=48000 -t 20 -c:v libx264 -preset veryfast \
  -g 60 -keyint_min 60 -sc_threshold 0 -b:v 2500k -pix_fmt yuv420p -c:a aac -b:a 128k \
  "$WORK/feed720.flv"
if [[ " $SECTIONS " == *" 2 "* ]]; then
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== 2. CPU per 720p30 passthrough stream (publisher: ffmpeg -c copy of a 2.5 Mb/s file)"
NGX_PIDS=$(pgrep -d, -f "nginx: master process nginx -p $NGX" || true)
# what each server burns with nothing published (Reelay: JVM + embedded Kafka, Redis, S3)
python3 bench/live_load.py cpu "$REELAY_PID" "rtmp://127.0.0.1:1/unused" "$WORK/feed720.flv" 15 0
echo "   ^ reelay idle"
python3 bench/live_load.py cpu "$NGX_PIDS" "rtmp://127.0.0.1:1/unused" "$WORK/feed720.flv" 15 0
echo "   ^ nginx-rtmp idle"
for n in 1 4 16; do
  KEYS=()
  for _ in $(seq 1 $n); do KEYS+=("$(new_stream | field key)"); done
  printf '%s\n' "${KEYS[@]}" > "$WORK/keys"
  python3 bench/live_load.py cpu "$REELAY_PID" "rtmp://127.0.0.1:$RTMP/live/{key}" \
    "$WORK/feed720.flv" 20 "$n" "$WORK/keys"
  echo "   ^ reelay"
  python3 bench/live_load.py cpu "$NGX_PIDS" "rtmp://127.0.0.1:$NGX_RTMP/live/cpu{i}" "$WORK/feed720.flv" 20 "$n"
  echo "   ^ nginx-rtmp"
done

fi
if [[ " $SECTIONS " == *" 3 "* ]]; then
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== 3. concurrent 720p30 passthrough publishers Reelay carries (edge within 1.5 s of now)"
for n in ${LOAD_STEPS:-16 32 64 96}; do
  python3 bench/live_load.py edge "http://127.0.0.1:$HTTP" "$TOKEN" "rtmp://127.0.0.1:$RTMP/live" \
    "$WORK/feed720.flv" 20 "$n" "$REELAY_PID"
  sleep 3
done
fi
echo "== logs in $WORK"
