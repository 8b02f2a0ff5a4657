#!/usr/bin/env bash
# HTTP delivery of one VOD segment (from S3 through /vod) and one live segment (from the Redis
# window through /live) against nginx serving the very same bytes from disk, same run, same
# client: wrk -t2 -c64. Prints requests/s and p99 of each and the ratios (docs/benchmarks.md).
#
#   bench/delivery.sh [SECONDS=15]
#
# ROUNDS=N repeats the four wrk runs on the same servers (the first round meets a JVM that has
# compiled little of the delivery path; later rounds show a server that has been up a while).
# PERF_RECORD=file keeps a `perf record -g` of the Reelay process for the last round's two runs.
# WARMUP_SECONDS (default 10; 0 skips it) of unmeasured wrk on each URL of both servers come
# first, so round 1 does not charge the JVM's compilation of the whole HTTP path to whichever
# run happens to be first (the live one), as a server that has been up a while has compiled it.
#
# Needs: java 17, curl, python3, wrk and nginx (Debian: apt-get install wrk nginx).
# ffmpeg: the system one, else the one bundled with the project (JavaCPP cache).
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-15}
ROUNDS=${ROUNDS:-1}
WARMUP_SECONDS=${WARMUP_SECONDS:-10}
WORK=$(mktemp -d /tmp/reelay-delivery-bench.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$WORK/nginx/nginx.pid" ] && kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
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
JAR=${REELAY_JAR:-target/reelay.jar}  # REELAY_JAR: another build, e.g. for a before/after pair
[ -f "$JAR" ] || mvn -B -q package -DskipTests
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
HTTP=$(free_port); RTMP=$(free_port); NGX_HTTP=$(free_port); TOKEN=bench-token
BASE=http://127.0.0.1:$HTTP
echo "== jar: $JAR ($(unzip -p "$JAR" META-INF/MANIFEST.MF >/dev/null 2>&1 && git -C "$(dirname "$JAR")/.." rev-parse --short HEAD 2>/dev/null))"
echo "== machine: $(nproc) cores, $(uname -r), $(date -u +%FT%TZ); load $(cut -d' ' -f1-3 /proc/loadavg)"

# Delivery only is measured: the transcode worker runs in a second process that is stopped once
# the VOD is ready, so neither VOD chunks nor live ABR rungs are encoded while wrk runs.
REELAY_ROLES=ingest,upload,dispatch,cache,manifest,delivery \
  REELAY_DATA_DIR="$WORK/reelay" REELAY_HTTP_PORT=$HTTP REELAY_RTMP_PORT=$RTMP \
  REELAY_HTTP_HOST=127.0.0.1 REELAY_ADMIN_TOKEN=$TOKEN \
  REELAY_TRANSCODE_DISPATCH_CONFIG='{"x264Preset":"ultrafast","rungs":[{"name":"360p","height":360,"bitrateKbps":800}]}' \
  java ${REELAY_JAVA_OPTS:-} ${PERF_RECORD:+-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit} \
  -jar "$JAR" > "$WORK/reelay.log" 2>&1 &
REELAY_PID=$!; PIDS+=($REELAY_PID)
for _ in $(seq 1 240); do curl -fs "$BASE/health" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$BASE/health" >/dev/null || { tail -20 "$WORK/reelay.log"; exit 1; }
svc() { python3 -c "import json;print(json.load(open('$WORK/reelay/services.json'))['$1'])"; }
REELAY_ROLES=worker REELAY_DATA_DIR="$WORK/worker" REELAY_HTTP_PORT=$(free_port) \
  REELAY_KAFKA_BOOTSTRAP=$(svc kafkaBootstrap) REELAY_REDIS_URL=$(svc redisUrl) \
  REELAY_S3_ENDPOINT=$(svc s3Endpoint) REELAY_S3_ACCESS_KEY=$(cat "$WORK/reelay/s3-access-key") \
  REELAY_S3_SECRET_KEY=$(cat "$WORK/reelay/s3-secret-key") REELAY_ADMIN_TOKEN=$TOKEN \
  java -jar "$JAR" > "$WORK/worker.log" 2>&1 &
WORKER_PID=$!; PIDS+=($WORKER_PID)

# A VOD segment: a 12 s 360p clip through the plain upload, transcoded.
ffmpeg -v error -y -f lavfi -i testsrc2=s=640x360:r=30:d=12 -f lavfi -i sine=d=12 \
  -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac "$WORK/clip.mp4"
ID=$(curl -fs -H "Authorization: Bearer $TOKEN" -F "file=@$WORK/clip.mp4" "$BASE/api/videos" | field '["id"]')
for _ in $(seq 1 300); do
  [ "$(curl -fs "$BASE/api/videos/$ID" | field '["status"]')" = ready ] && break; sleep 1
done
VOD_PATH=/vod/$ID/360p/seg-00001.m4s
kill "$WORKER_PID"; wait "$WORKER_PID" 2>/dev/null || true

# A live segment: a looped 720p30 feed, one segment of the Redis window (30 s TTL: fetched now).
S=$(curl -fs -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"title":"bench"}' "$BASE/api/streams")
SID=$(echo "$S" | field '["id"]'); KEY=$(echo "$S" | field '["key"]')
# Encoded once beforehand and looped with -c copy, so the publisher costs next to nothing.
ffmpeg -v error -y -f lavfi -i testsrc2=s=1280x720:r=30:d=20 -f lavfi -i sine=d=20 \
  -c:v libx264 -preset ultrafast -tune zerolatency -g 60 -b:v 2500k -pix_fmt yuv420p -c:a aac \
  "$WORK/feed.flv"
ffmpeg -v error -re -stream_loop -1 -i "$WORK/feed.flv" -c copy \
  -f flv "rtmp://127.0.0.1:$RTMP/live/$KEY" > "$WORK/ffmpeg.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do
  curl -fs "$BASE/live/$SID/source/index.m3u8" 2>/dev/null | grep -q '^seg-' && break; sleep 1
done

# nginx (the shared anchor's http block) serving the same bytes from disk.
NGX="$WORK/nginx"; mkdir -p "$NGX/logs" "$NGX/hls" "$NGX/www/ladder"
curl -fs "$BASE$VOD_PATH" -o "$NGX/www/ladder/vod.m4s"
cat > "$NGX/nginx.conf" <<NGINX
worker_processes 2;
pid $NGX/nginx.pid;
error_log $NGX/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on; tcp_nopush on;
  types { application/vnd.apple.mpegurl m3u8; video/mp4 m4s mp4; }
  server { listen 127.0.0.1:$NGX_HTTP; location /vod { alias $NGX/www/ladder; } }
}
NGINX
nginx -p "$NGX" -c "$NGX/nginx.conf"

# CPU ticks (user + system) of the given processes and their threads, from /proc.
ticks() { local t=0 p; for p in "$@"; do
    t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo $t; }
serving() { # the server processes behind a URL: the Reelay JVM, or nginx's master and workers
  case "$1" in
    *":$HTTP/"*) echo "$REELAY_PID" ;;
    *) local m; m=$(cat "$NGX/nginx.pid"); echo "$m $(pgrep -P "$m" | tr '\n' ' ')" ;;
  esac; }
run() { # name url -> "rps p99ms"; also prints the server's CPU time per response
  local procs; procs=$(serving "$2")
  local t0; t0=$(ticks $procs)
  local out; out=$(wrk -t2 -c64 -d"${SECS}s" --latency "$2")
  local t1; t1=$(ticks $procs)
  local rps; rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  local p99; p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  local errs; errs=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
  p99=$(python3 -c "v='$p99'; u={'us':0.001,'ms':1,'s':1000}; import re; m=re.match(r'([\d.]+)(\w+)',v); print(round(float(m.group(1))*u[m.group(2)],2))")
  local cpu; cpu=$(python3 -c "print(round(($t1 - $t0) * 1e6 / $(getconf CLK_TCK) / ($rps * $SECS)))")
  printf '%-22s %10s req/s   p99 %8s ms   server CPU %5s us/response   %s\n' \
    "$1" "$rps" "$p99" "$cpu" "$errs" >&2
  echo "$rps $p99"
}
echo "== wrk -t2 -c64 -d${SECS}s, $ROUNDS round(s)"
# perf of the Reelay process during its two wrk runs of the last round (PERF_RECORD=file).
profile() {
  if [ -n "${PERF_RECORD:-}" ] && [ "$ROUND" = "$ROUNDS" ]; then
    perf record -F 499 -g -p "$REELAY_PID" -o "$PERF_RECORD.$1" -- sleep "$SECS" >/dev/null 2>&1 &
  fi
}
if [ "$WARMUP_SECONDS" -gt 0 ]; then
  SEG=$(curl -fs "$BASE/live/$SID/source/index.m3u8" | grep '^seg-' | tail -1 | cut -d'?' -f1)
  curl -fs "$BASE/live/$SID/source/$SEG" -o "$NGX/www/ladder/live.m4s"
  chmod -R a+rX "$NGX/www"
  echo "== warm-up: ${WARMUP_SECONDS}s of wrk on each URL, not measured"
  for url in "$BASE/live/$SID/source/$SEG" "http://127.0.0.1:$NGX_HTTP/vod/live.m4s" \
      "$BASE$VOD_PATH" "http://127.0.0.1:$NGX_HTTP/vod/vod.m4s"; do
    wrk -t2 -c64 -d"${WARMUP_SECONDS}s" "$url" >/dev/null
  done
fi
for ROUND in $(seq 1 "$ROUNDS"); do
  # A live segment just listed: it must be in the Redis window (30 s TTL), not the S3 archive.
  SEG=$(curl -fs "$BASE/live/$SID/source/index.m3u8" | grep '^seg-' | tail -1 | cut -d'?' -f1)
  LIVE_PATH=/live/$SID/source/$SEG
  curl -fs "$BASE$LIVE_PATH" -o "$NGX/www/ladder/live.m4s"
  chmod -R a+rX "$NGX/www"
  echo "== round $ROUND: VOD segment $(stat -c %s "$NGX/www/ladder/vod.m4s") B, live segment $(stat -c %s "$NGX/www/ladder/live.m4s") B, load $(cut -d' ' -f1 /proc/loadavg)"
  curl -fs -o /dev/null "$BASE$VOD_PATH"
  profile live
  read -r R_LIVE P_LIVE < <(run "reelay live segment" "$BASE$LIVE_PATH")
  read -r N_LIVE Q_LIVE < <(run "nginx same bytes" "http://127.0.0.1:$NGX_HTTP/vod/live.m4s")
  profile vod
  read -r R_VOD P_VOD < <(run "reelay VOD segment" "$BASE$VOD_PATH")
  read -r N_VOD Q_VOD < <(run "nginx same bytes" "http://127.0.0.1:$NGX_HTTP/vod/vod.m4s")
  python3 - "$R_VOD" "$N_VOD" "$P_VOD" "$Q_VOD" "$R_LIVE" "$N_LIVE" "$P_LIVE" "$Q_LIVE" <<'PY'
import sys
a = [float(x) for x in sys.argv[1:]]
for name, (r, n, p, q) in (("VOD", a[0:4]), ("live", a[4:8])):
    print(f"== {name}: {r/n:.2f}x nginx requests/s (target >= 0.8), p99 {p/q:.2f}x nginx's (target <= 2)")
PY
done
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
