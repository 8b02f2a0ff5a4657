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
# Gatling runs on the same cores: each line says how much CPU the server and Gatling used.
# Env: RAMP_UP (s, default 20), POLL_SECONDS (1.0), P99_MS (200), REELAY_ROLES,
#      REELAY_HTTP_DELIVERY_INSTANCES (the server's HTTP event loops).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
USER_COUNTS=${1:-500 1000 2000 3000}
DURATION=${2:-60}
RAMP_UP=${RAMP_UP:-20}
POLL_SECONDS=${POLL_SECONDS:-1.0}
P99_MS=${P99_MS:-200}
WORK=$(mktemp -d /tmp/reelay-gatling-bench.XXXXXX)
PIDS=()
cleanup() { # newest first: the publisher stops before the server
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill "${PIDS[$i]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ -f target/reelay.jar ] || mvn -B -q package -DskipTests
command -v ffmpeg >/dev/null || { echo "needs ffmpeg on the PATH" >&2; exit 1; }
echo "== machine: $(nproc) cores, $(uname -r), $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
HTTP=$(free_port); RTMP=$(free_port); TOKEN=bench-token
BASE="http://127.0.0.1:$HTTP"
REELAY_DATA_DIR="$WORK/reelay" REELAY_HTTP_PORT=$HTTP REELAY_RTMP_PORT=$RTMP \
  REELAY_HTTP_HOST=127.0.0.1 REELAY_ADMIN_TOKEN=$TOKEN \
  REELAY_ROLES=${REELAY_ROLES:-ingest,upload,dispatch,cache,manifest,delivery} \
  java -jar target/reelay.jar > "$WORK/reelay.log" 2>&1 &
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
sleep 6 # a few segments in the window
echo "== stream $STREAM live; master playlist:"
curl -fs "$BASE/live/$STREAM/master.m3u8" | sed 's/^/   /'

# compile the simulations once, outside the measured steps
mvn -B -q -f load-tests/pom.xml test-compile

RESULTS="$ROOT/load-tests/target/gatling"
printf '\n%s\n' "users	requests	failed	p50 ms	p99 ms	max ms	req/s	load1	server CPU %	Gatling CPU %	exit"
LARGEST=none
for n in $USER_COUNTS; do
  # in the background so a signal reaches the trap at once (bash defers it for a foreground job)
  python3 bench/gatling_step.py "$REELAY_PID" "$WORK/gatling-$n.out" "$n" -- \
    mvn -B -q -f load-tests/pom.xml gatling:test -Dgatling.simulationClass=reelay.LiveViewers \
    -DbaseUrl="$BASE" -DstreamId="$STREAM" -Dusers="$n" -Dduration="$DURATION" \
    -DrampUp="$RAMP_UP" -DpollSeconds="$POLL_SECONDS" -Dp99Ms="$P99_MS" > "$WORK/step-$n" &
  STEP=$!; PIDS+=($STEP)
  wait $STEP || true
  LINE=$(tail -1 "$WORK/step-$n")
  echo "$LINE"
  IFS=$'\t' read -r _ _ failed _ p99 _ _ _ _ _ code <<< "$LINE"
  if [ "$code" = 0 ] && [ "$failed" = 0 ] && [ "${p99:-x}" != "-" ] && [ "$p99" -lt "$P99_MS" ]; then
    LARGEST=$n
  fi
  kill -0 "$REELAY_PID" 2>/dev/null || { echo "server died"; break; }
  sleep 5 # let the last viewers' connections close
done
echo
echo "== largest count with 0 failed requests and p99 < $P99_MS ms: $LARGEST"
echo "== server log warnings/errors: $(grep -cE ' (WARN|ERROR) ' "$WORK/reelay.log" || true) (log: $WORK/reelay.log)"
echo "== Gatling output per step: $WORK/gatling-N.out, reports in $RESULTS"
