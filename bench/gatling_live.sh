#!/usr/bin/env bash
# Gatling LiveViewers against one live stream on this machine (docs/benchmarks.md, issue 7):
# how many concurrent viewers one Reelay carries with zero failed requests and p99 < P99_MS.
#
#   bench/gatling_live.sh ["500 1000 2000 3000"] [DURATION=60]
#
# Starts the packaged jar (fresh data dir, random free ports, embedded services) WITHOUT the
# transcode worker role, so no live ABR encode competes with delivery (REELAY_ROLES overrides),
# publishes a pre-encoded 720p30 H.264/AAC file (2.5 Mb/s, GOP 2 s) in a loop with ffmpeg
# -c copy (cheap passthrough), then runs one Gatling LiveViewers step per user count.
# Reference in the same run: nginx-rtmp (the shared anchor's config, on free ports) fed the same
# file by a second publisher, serving its own HLS (MPEG-TS, 2 s fragments) to the same simulation
# right after each Reelay step (REFERENCE=none skips it).
# Gatling runs on the same cores: each line says how much CPU the server and Gatling used.
# Every step starts with WARMUP_USERS silent viewers for WARMUP_SECONDS (0 skips them) in the same
# Gatling JVM, left out of its statistics, so neither the server's nor Gatling's just-in-time
# compiler is measured as response time (the CPU columns include the warm-up).
# Env: RAMP_UP (s, default 20), POLL_SECONDS (0: reload as RFC 8216 §6.3.4 says, target duration / half of it), P99_MS (200), REELAY_ROLES,
#      WARMUP_USERS (500), WARMUP_SECONDS (30),
#      REELAY_HTTP_DELIVERY_INSTANCES (the server's HTTP event loops), SHARED_BENCH,
#      REELAY_JAR (another build, e.g. for a before/after pair; default target/reelay.jar),
#      REELAY_JAVA_OPTS (extra JVM options for the server, e.g. a perf map for profiling).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
USER_COUNTS=${1:-500 1000 2000 3000}
DURATION=${2:-60}
RAMP_UP=${RAMP_UP:-20}
POLL_SECONDS=${POLL_SECONDS:-0}
P99_MS=${P99_MS:-200}
REFERENCE=${REFERENCE:-nginx}
WORK=$(mktemp -d /tmp/reelay-gatling-bench.XXXXXX)
chmod 755 "$WORK" # nginx workers run as nobody and must reach the HLS files
NGX="$WORK/nginx"
PIDS=()
cleanup() { # newest first: the publishers stop before the servers
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill "${PIDS[$i]}" 2>/dev/null || true; done
  [ -f "$NGX/nginx.pid" ] && kill "$(cat "$NGX/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

JAR=${REELAY_JAR:-target/reelay.jar}
[ -f "$JAR" ] || mvn -B -q package -DskipTests
command -v ffmpeg >/dev/null || { echo "needs ffmpeg on the PATH" >&2; exit 1; }
echo "== machine: $(nproc) cores, $(uname -r), $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
HTTP=$(free_port); RTMP=$(free_port); TOKEN=bench-token
BASE="http://127.0.0.1:$HTTP"
REELAY_DATA_DIR="$WORK/reelay" REELAY_HTTP_PORT=$HTTP REELAY_RTMP_PORT=$RTMP \
  REELAY_HTTP_HOST=127.0.0.1 REELAY_ADMIN_TOKEN=$TOKEN \
  REELAY_ROLES=${REELAY_ROLES:-ingest,upload,dispatch,cache,manifest,delivery} \
  java ${REELAY_JAVA_OPTS:-} -jar "$JAR" > "$WORK/reelay.log" 2>&1 &
REELAY_PID=$!; PIDS+=($REELAY_PID)

# the feed, encoded once while the server starts: 60 s of 720p30, GOP 2 s, AAC
ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=1280x720:rate=30 \
  -f lavfi -i sine=frequency=440:sample_rate=48000 -t 60 -c:v libx264 -preset veryfast \
  -g 60 -keyint_min 60 -sc_threshold 0 -b:v 2500k -pix_fmt yuv420p -c:a aac -b:a 128k \
  "$WORK/feed.flv"

for _ in $(seq 1 240); do
  curl -fs "$BASE/health" >/dev/null 2>&1 && break; sleep 0.5
done
curl -fs "$BASE/health" >/dev/null || { tail -20 "$WORK/reelay.log"; exit 1; }
S=$(curl -fs -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"title":"gatling"}' "$BASE/api/streams")
STREAM=$(echo "$S" | field id); KEY=$(echo "$S" | field key)
ffmpeg -hide_banner -loglevel error -re -stream_loop -1 -i "$WORK/feed.flv" -c copy -f flv \
  "rtmp://127.0.0.1:$RTMP/live/$KEY" > "$WORK/publisher.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do
  curl -fs "$BASE/live/$STREAM/master.m3u8" >/dev/null 2>&1 && break; sleep 0.5
done
curl -fs "$BASE/live/$STREAM/master.m3u8" >/dev/null || { tail -20 "$WORK/reelay.log"; exit 1; }

if [ "$REFERENCE" = nginx ]; then
  SHARED=${SHARED_BENCH:-}
  for d in ../shared/bench ../../shared/bench /work/shared/bench; do
    [ -z "$SHARED" ] && [ -f "$d/nginx-anchor.conf" ] && SHARED=$(cd "$d" && pwd)
  done
  [ -n "$SHARED" ] || { echo "set SHARED_BENCH to the shared bench directory" >&2; exit 1; }
  NGX_HTTP=$(free_port); NGX_RTMP=$(free_port)
  mkdir -p "$NGX/logs" "$NGX/hls" "$NGX/www"; chmod 777 "$NGX/hls"
  # nginx-rtmp writes no master playlist: one static master naming its media playlist
  printf '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=2700000,RESOLUTION=1280x720\nhls/bench.m3u8\n' \
    > "$NGX/www/master.m3u8"
  sed -e "s#NGX_PREFIX#$NGX#g" -e "s#127.0.0.1:18080#127.0.0.1:$NGX_HTTP#" \
    -e "s#127.0.0.1:19350#127.0.0.1:$NGX_RTMP#" \
    -e "s#location /vod #location = /master.m3u8 { root $NGX/www; } location /vod #" \
    "$SHARED/nginx-anchor.conf" > "$NGX/nginx.conf"
  nginx -p "$NGX" -c "$NGX/nginx.conf"
  NGX_PID=$(cat "$NGX/nginx.pid")
  ffmpeg -hide_banner -loglevel error -re -stream_loop -1 -i "$WORK/feed.flv" -c copy -f flv \
    "rtmp://127.0.0.1:$NGX_RTMP/live/bench" > "$WORK/publisher-nginx.log" 2>&1 &
  PIDS+=($!)
fi
sleep 8 # a few segments in both windows
echo "== stream $STREAM live; master playlist:"
curl -fs "$BASE/live/$STREAM/master.m3u8" | sed 's/^/   /'
if [ "$REFERENCE" = nginx ]; then
  curl -fs "http://127.0.0.1:$NGX_HTTP/hls/bench.m3u8" >/dev/null \
    || { echo "nginx-rtmp has no playlist" >&2; cat "$NGX/logs/error.log" >&2; exit 1; }
fi

# compile the simulations once, outside the measured steps
mvn -B -q -f load-tests/pom.xml test-compile

RESULTS="$ROOT/load-tests/target/gatling"
# one Gatling step: SERVER_LABEL SERVER_PID USERS BASE_URL SIMULATION_ARGS... → a table line
step() {
  local label=$1 pid=$2 n=$3 base=$4
  shift 4
  # in the background so a signal reaches the trap at once (bash defers it for a foreground job)
  python3 bench/gatling_step.py "$pid" "$WORK/gatling-$label-$n.out" "$n" -- \
    mvn -B -q -f load-tests/pom.xml gatling:test -Dgatling.simulationClass=reelay.LiveViewers \
    -DbaseUrl="$base" -Dusers="$n" -Dduration="$DURATION" -DrampUp="$RAMP_UP" \
    -DpollSeconds="$POLL_SECONDS" -Dp99Ms="$P99_MS" -DwarmupUsers="$WARMUP_USERS" \
    -DwarmupSeconds="$WARMUP_SECONDS" "$@" > "$WORK/step-$label-$n" &
  STEP=$!; PIDS+=($STEP)
  wait $STEP || true
  LINE="$label	$(tail -1 "$WORK/step-$label-$n")"
  echo "$LINE"
  sleep 5 # let the last viewers' connections close
}
passes() { # a table line: exit 0, no failed request, p99 under the bound
  local failed p99 code
  IFS=$'\t' read -r _ _ _ failed _ p99 _ _ _ _ _ code <<< "$1"
  [ "$code" = 0 ] && [ "$failed" = 0 ] && [ "${p99:-x}" != "-" ] && [ "$p99" -lt "$P99_MS" ]
}
printf '\n%s\n' "server	users	requests	failed	p50 ms	p99 ms	max ms	req/s	load1	server CPU %	Gatling CPU %	exit"
LARGEST=none; LARGEST_REF=none
WARMUP_USERS=${WARMUP_USERS:-500}; WARMUP_SECONDS=${WARMUP_SECONDS:-30}
for n in $USER_COUNTS; do
  step reelay "$REELAY_PID" "$n" "$BASE" -DstreamId="$STREAM"
  passes "$LINE" && LARGEST=$n
  kill -0 "$REELAY_PID" 2>/dev/null || { echo "reelay died"; break; }
  if [ "$REFERENCE" = nginx ]; then
    step nginx "$NGX_PID" "$n" "http://127.0.0.1:$NGX_HTTP" -DmasterPath=/master.m3u8
    passes "$LINE" && LARGEST_REF=$n
  fi
done
echo
echo "== largest count with 0 failed requests and p99 < $P99_MS ms: Reelay $LARGEST, nginx-rtmp $LARGEST_REF"
echo "== server log warnings/errors: $(grep -cE ' (WARN|ERROR) ' "$WORK/reelay.log" || true) (log: $WORK/reelay.log)"
echo "== Gatling output per step: $WORK/gatling-SERVER-N.out, reports in $RESULTS"
