#!/usr/bin/env bash
# Live ABR (docs/benchmarks.md, "Live ABR: rung latency and transcode cost"):
#
#   bench/live_abr.sh [SECONDS=60]        (build first: mvn -B package -DskipTests)
#   LAYOUTS="split all" picks the layouts (default both, in that order):
#     split: a main process with every role but `worker`, plus ONE worker process
#            (REELAY_ROLES=worker) on the main process's embedded Kafka, Redis and S3;
#     all:   one process with every role (the live rung encodes share the box with ingest).
#
# Per layout:
# 1. live_latency.py (shared harness, its own 720p30 x264 publisher, GOP 2 s) on the source and
#    both rungs (480p, 360p): per rendition when each segment is listed after its last frame was
#    pushed. Target: lowest rung median - source median <= one segment duration (the playlist's
#    EXT-X-TARGETDURATION) + 1 s.
# 2. Transcode cost: a pre-encoded 720p30 FLV published with -re -c copy (the publisher costs
#    ~nothing); utime+stime of the Reelay processes (and their children: redis-server) from
#    /proc, from publish start until the last rung segment is listed, minus what the same
#    processes burn over the same wall time without live ABR (idle rate, plus the passthrough
#    rate measured on the main process before any worker exists). Divided by source seconds.
# Reference in the same run: one ffmpeg (-re, same FLV) decoding once and encoding the same two
# rungs with Reelay's live rung settings; and the same ffmpeg run once per 2 s piece of the feed,
# which is how Reelay works (one decoder + encoders set up per segment job).
# needs: java 17, ffmpeg, curl, python3, /usr/bin/time
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECS=${1:-60}
LAYOUTS=${LAYOUTS:-split all}
SHARED=${SHARED_BENCH:-}
for d in ../shared/bench ../../shared/bench /work/shared/bench; do
  [ -z "$SHARED" ] && [ -f "$d/live_latency.py" ] && SHARED=$(cd "$d" && pwd)
done
[ -n "$SHARED" ] || { echo "set SHARED_BENCH to the shared bench directory" >&2; exit 1; }
[ -f target/reelay.jar ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 1; }
command -v ffmpeg >/dev/null || { echo "needs ffmpeg on PATH (see bench/live.sh)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/reelay-live-abr.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
TOKEN=bench-token
RUNGS="480p 360p" # below a 720p source; 720p itself is never made (never above/at the source)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
load() { echo "   load average: $(cut -d' ' -f1-3 /proc/loadavg)"; }
# CPU seconds (utime+stime) of the given pids and their descendants.
cpu() { python3 -c "import sys,os; sys.path.insert(0,'$ROOT/bench'); from live_load import ticks, TCK; \
print(ticks([int(p) for p in sys.argv[1:]]) / TCK)" "$@"; }
now() { date +%s.%N; }
calc() { python3 -c "print($1)"; }

wait_health() { # port logfile
  for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:$1/health" >/dev/null 2>&1 && return 0; sleep 0.5
  done
  tail -20 "$2"; exit 1
}
new_stream() {
  curl -fs -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"title":"abr bench"}' "http://127.0.0.1:$HTTP/api/streams"
}
start_main() { # roles name
  HTTP=$(free_port); RTMP=$(free_port)
  REELAY_ROLES=$1 REELAY_DATA_DIR="$WORK/$2" REELAY_HTTP_PORT=$HTTP REELAY_RTMP_PORT=$RTMP \
    REELAY_HTTP_HOST=127.0.0.1 REELAY_ADMIN_TOKEN=$TOKEN REELAY_LIVE_GRACE=2 \
    java -jar target/reelay.jar > "$WORK/$2.log" 2>&1 &
  MAIN=$!; PIDS+=($MAIN)
  wait_health "$HTTP" "$WORK/$2.log"
}
start_worker() { # data dir of the main process
  local svc="$WORK/$1/services.json"
  REELAY_ROLES=worker REELAY_DATA_DIR="$WORK/worker" REELAY_HTTP_PORT=$(free_port) \
    REELAY_KAFKA_BOOTSTRAP=$(python3 -c "import json;print(json.load(open('$svc'))['kafkaBootstrap'])") \
    REELAY_REDIS_URL=$(python3 -c "import json;print(json.load(open('$svc'))['redisUrl'])") \
    REELAY_S3_ENDPOINT=$(python3 -c "import json;print(json.load(open('$svc'))['s3Endpoint'])") \
    REELAY_S3_ACCESS_KEY=$(cat "$WORK/$1/s3-access-key") \
    REELAY_S3_SECRET_KEY=$(cat "$WORK/$1/s3-secret-key") \
    REELAY_ADMIN_TOKEN=$TOKEN java -jar target/reelay.jar > "$WORK/worker.log" 2>&1 &
  WORKER=$!; PIDS+=($WORKER)
  for _ in $(seq 1 240); do # no delivery role, so no /health: its start-up line
    grep -qs "ready in" "$WORK/worker.log" && return 0; sleep 0.5
  done
  tail -20 "$WORK/worker.log"; exit 1
}
stop() { kill "$@" 2>/dev/null || true; for p in "$@"; do wait "$p" 2>/dev/null || true; done; }
# Rate (CPU s per wall s) of the pids over SECS wall seconds while FILE (if given) is published.
rate() { # url-or-empty pids...
  local url=$1 c0 t0 pub=""; shift
  [ -n "$url" ] && { ffmpeg -hide_banner -loglevel error -re -stream_loop -1 -i "$WORK/feed720.flv" -c copy \
    -f flv "$url" & pub=$!; sleep 4; } # connect, first keyframe
  c0=$(cpu "$@"); t0=$(now); sleep "$SECS"
  local r; r=$(calc "($(cpu "$@") - $c0) / ($(now) - $t0)")
  [ -n "$pub" ] && { kill "$pub" 2>/dev/null || true; wait "$pub" 2>/dev/null || true; }
  echo "$r"
}
# A harness master listing Reelay's source and rung playlists (absolute URLs). Reelay's own
# master adds a rung once it has a segment, and live_latency.py reads the master only once, at
# the first answer, when only the source is there.
harness_master() { # stream id -> path
  local f="$WORK/master-$1.m3u8" base="http://127.0.0.1:$HTTP/live/$1"
  { echo "#EXTM3U"
    echo "#EXT-X-STREAM-INF:BANDWIDTH=2700000"; echo "$base/source/index.m3u8"
    echo "#EXT-X-STREAM-INF:BANDWIDTH=1400000"; echo "$base/480p/index.m3u8"
    echo "#EXT-X-STREAM-INF:BANDWIDTH=900000"; echo "$base/360p/index.m3u8"; } > "$f"
  echo "$f"
}
median_of() { # harness output, playlist path suffix
  sed -n "s#.*/$2/index.m3u8: .*segment_latency median=\([-0-9.]*\)s.*#\1#p" "$1"
}

latency() { # layout
  local s id key out
  s=$(new_stream); id=$(echo "$s" | field id); key=$(echo "$s" | field key)
  out="$WORK/latency-$1.txt"
  load
  python3 "$SHARED/live_latency.py" "rtmp://127.0.0.1:$RTMP/live/$key" \
    "file://$(harness_master "$id")" "$SECS" 60 1280x720 | tee "$out"
  load
  local base="http://127.0.0.1:$HTTP/live/$id" target src low
  target=$(curl -fs "$base/source/index.m3u8" | sed -n 's/#EXT-X-TARGETDURATION:\([0-9]*\)/\1/p')
  echo "   Reelay's own master now lists: $(curl -fs "$base/master.m3u8" | grep -v '^#' | tr '\n' ' ')"
  rung_report "$id"
  src=$(median_of "$out" source); low=$(median_of "$out" 360p)
  echo "RESULT $1 latency: source median ${src} s, 360p median ${low} s, 360p - source = \
$(calc "round($low - $src, 2)") s vs target ${target} + 1 = $((target + 1)) s \
(ratio $(calc "round(($low - $src) / ($target + 1), 2)"))"
}

# CPU s of the pids while the feed is published, until the last rung segment is listed.
abr_cpu() { # pids...
  local s id key c0 t0 base
  s=$(new_stream); id=$(echo "$s" | field id); key=$(echo "$s" | field key)
  base="http://127.0.0.1:$HTTP/live/$id"
  c0=$(cpu "$@"); t0=$(now)
  ffmpeg -hide_banner -loglevel error -re -i "$WORK/feed720.flv" -c copy \
    -f flv "rtmp://127.0.0.1:$RTMP/live/$key"
  local last
  last=$(curl -fs "$base/source/index.m3u8" | grep -o 'seg-[0-9]*\.m4s' | tail -1 || true)
  for _ in $(seq 1 60); do # the last segment's rung encode finishes after the publisher
    curl -fs "$base/360p/index.m3u8" 2>/dev/null | grep -q "$last" && break; sleep 0.25
  done
  ABR_CPU=$(calc "$(cpu "$@") - $c0"); ABR_WALL=$(calc "$(now) - $t0")
  rung_report "$id"
}
rung_report() { # stream id: what the rungs carry (a skipped or dropped rung costs nothing)
  local r
  for r in $RUNGS; do
    echo "   $r: $(curl -fs "http://127.0.0.1:$HTTP/live/$1/$r/index.m3u8" | grep -c EXT-X-GAP || true) segments marked EXT-X-GAP"
  done
  echo "   dropped rungs: $(curl -fs "http://127.0.0.1:$HTTP/api/streams/$1" | python3 -c \
    'import json,sys; print(json.load(sys.stdin).get("droppedRungs"))')"
}

echo "== machine: $(nproc) cores, $(uname -r), $(date -u +%FT%TZ), $(git rev-parse --short HEAD)"
# The cost feed: the harness's own encoding (720p30 x264 veryfast, 2.5 Mb/s, GOP 2 s, AAC).
ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=1280x720:rate=30 \
  -f lavfi -i sine=frequency=440:sample_rate=48000 -t "$SECS" -c:v libx264 -preset veryfast \
  -tune zerolatency -g 60 -keyint_min 60 -sc_threshold 0 -b:v 2500k -pix_fmt yuv420p \
  -c:a aac -b:a 128k "$WORK/feed720.flv"

NO_WORKER=ingest,upload,dispatch,cache,manifest,delivery
PASS_EXTRA="" # passthrough CPU rate above idle, from the main process without the worker role
for layout in $LAYOUTS; do
  echo
  if [ "$layout" = split ]; then
    echo "== layout split: main ($NO_WORKER) + one worker process (REELAY_ROLES=worker)"
    start_main "$NO_WORKER" main
    load
    idle=$(rate "" "$MAIN")
    s=$(new_stream); key=$(echo "$s" | field key)
    pass=$(rate "rtmp://127.0.0.1:$RTMP/live/$key" "$MAIN")
    PASS_EXTRA=$(calc "$pass - $idle")
    echo "   main idle ${idle} CPU-s/s; one passthrough stream ${pass} CPU-s/s (+${PASS_EXTRA})"
    start_worker main
    sleep 10 # consumer group settles
    widle=$(rate "" "$WORKER")
    echo "   worker idle ${widle} CPU-s/s"
    latency split
    load
    abr_cpu "$MAIN" "$WORKER"
    load
    wcpu_total=$ABR_CPU
    # attribute: worker's own share vs the main process's extra (jobs, Redis, S3 for rungs)
    net=$(calc "$ABR_CPU - ($idle + $PASS_EXTRA + $widle) * $ABR_WALL")
    echo "RESULT split cost: ${ABR_CPU} CPU-s over ${ABR_WALL} s wall (both processes), \
baseline $(calc "round(($idle + $PASS_EXTRA + $widle) * $ABR_WALL, 2)") s, \
live ABR $(calc "round($net, 2)") CPU-s = $(calc "round($net / $SECS, 3)") CPU-s per source-s"
    REELAY_SPLIT=$(calc "$net / $SECS")
    stop "$WORKER" "$MAIN"
  else
    echo "== layout all: one process with every role"
    start_main all all
    load
    idle=$(rate "" "$MAIN")
    echo "   idle ${idle} CPU-s/s (passthrough extra from the split layout: ${PASS_EXTRA:-not measured})"
    latency all
    load
    abr_cpu "$MAIN"
    load
    net=$(calc "$ABR_CPU - ($idle + ${PASS_EXTRA:-0}) * $ABR_WALL")
    echo "RESULT all cost: ${ABR_CPU} CPU-s over ${ABR_WALL} s wall, baseline \
$(calc "round(($idle + ${PASS_EXTRA:-0}) * $ABR_WALL, 2)") s, live ABR $(calc "round($net, 2)") \
CPU-s = $(calc "round($net / $SECS, 3)") CPU-s per source-s"
    REELAY_ALL=$(calc "$net / $SECS")
    stop "$MAIN"
  fi
done

echo
echo "== reference: one ffmpeg, same feed (-re), same rungs and x264 settings as LiveRungTranscoder"
# LiveRungTranscoder: libx264 veryfast (liveX264Preset), profile high, no B-frames, no lookahead,
# no scene cut, one IDR per 2 s segment; 480p 1200k (maxrate 1800k, bufsize 2400k), 360p 730k
# (1095k, 1460k); bicubic scaling; audio not re-encoded (the source's AAC rendition is reused).
X264=(-c:v libx264 -preset veryfast -profile:v high -bf 0 -x264-params rc-lookahead=0:scenecut=0
  -g 60 -keyint_min 60 -sws_flags bicubic)
rungs_out() { # output dir: sets OUT, the ffmpeg arguments after the input
  OUT=(-filter_complex "[0:v]split=2[a][b];[a]scale=854:480[v480];[b]scale=640:360[v360]"
    -map "[v480]" "${X264[@]}" -b:v 1200k -maxrate 1800k -bufsize 2400k -f mp4
    -movflags frag_keyframe+empty_moov+default_base_moof -y "$1/480p.mp4"
    -map "[v360]" "${X264[@]}" -b:v 730k -maxrate 1095k -bufsize 1460k -f mp4
    -movflags frag_keyframe+empty_moov+default_base_moof -y "$1/360p.mp4")
}
mkdir -p "$WORK/ref" "$WORK/refp" "$WORK/pieces"
load
rungs_out "$WORK/ref"
/usr/bin/time -f "%U %S %e" -o "$WORK/ref.time" ffmpeg -hide_banner -loglevel error -re \
  -i "$WORK/feed720.flv" "${OUT[@]}"
load
read -r u s e < "$WORK/ref.time"
REF=$(calc "($u + $s) / $SECS")
echo "RESULT ffmpeg continuous: $(calc "$u + $s") CPU-s over ${e} s = $(calc "round($REF, 3)") CPU-s per source-s"
# The same, one ffmpeg per 2 s piece (no -re: CPU only), as Reelay's per-segment jobs.
ffmpeg -hide_banner -loglevel error -i "$WORK/feed720.flv" -map 0:v -c copy -f segment \
  -segment_time 2 -reset_timestamps 1 "$WORK/pieces/p%03d.mp4"
PIECES=$(ls "$WORK/pieces" | wc -l)
rungs_out "$WORK/refp"
{ echo 'for p in "$@"; do'
  printf 'ffmpeg -hide_banner -loglevel error -i "$p"'; printf ' %q' "${OUT[@]}"; echo
  echo done; } > "$WORK/pieces.sh"
/usr/bin/time -f "%U %S %e" -o "$WORK/pieces.time" bash "$WORK/pieces.sh" "$WORK"/pieces/p*.mp4
load
read -r u s e < "$WORK/pieces.time"
REFP=$(calc "($u + $s) / $SECS")
echo "RESULT ffmpeg per 2 s piece (${PIECES} processes): $(calc "$u + $s") CPU-s = \
$(calc "round($REFP, 3)") CPU-s per source-s ($(calc "round($REFP / $REF, 2)") x continuous)"
echo
[ -n "${REELAY_SPLIT:-}" ] && echo "RESULT ratio split / ffmpeg continuous: $(calc "round($REELAY_SPLIT / $REF, 2)"), / per-piece ffmpeg: $(calc "round($REELAY_SPLIT / $REFP, 2)")"
[ -n "${REELAY_ALL:-}" ] && echo "RESULT ratio all / ffmpeg continuous: $(calc "round($REELAY_ALL / $REF, 2)"), / per-piece ffmpeg: $(calc "round($REELAY_ALL / $REFP, 2)")"
echo "== logs in $WORK"
