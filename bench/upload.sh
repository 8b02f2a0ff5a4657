#!/usr/bin/env bash
# Resumable upload, side by side: the same generated file uploaded with the official tus-js-client
# (../shared/bench/tus_upload.mjs, unmodified) into Reelay (target/reelay.jar, embedded S3) and into
# the official Node tus server with its file store (../shared/bench/tus-anchor-server.mjs), each
# straight through and with an abort at 50 % and resume, after a first upload into each (printed
# too). Prints MB/s for both and the ratio, and Reelay's JVM heap after a full GC before and after
# its uploads.
# Usage: bench/upload.sh [SIZE_MB=1024] [CHUNK_BYTES=Infinity]   (build first: mvn -B package -DskipTests)
# Each upload line also gives the CPU seconds (user+system, from /proc) the server and the client
# process spent on it, so a slow run can be told apart from a busy box.
# Optional: REELAY_JAVA_OPTS (extra JVM flags, e.g. JFR), REELAY_LOG (copy the server log there:
# it says how long each join of the parts took), REELAY_ROLES (default: no transcode roles),
# BENCH_VMSTAT (copy a `vmstat 1` log of the whole run there), BENCH_ROUNDS (repeat the straight
# and abort rows, default 1), BENCH_WARMUP (a size: start Reelay with REELAY_UPLOAD_WARMUP set to
# it and wait for its start-up warm-up to finish before the first upload; its time and CPU are
# printed).
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-1024}
chunk=${2:-Infinity}
# the team's shared bench directory (../shared/bench next to the main checkout, or SHARED_BENCH)
shared=${SHARED_BENCH:-}
for d in ../shared/bench ../../shared/bench; do [ -z "$shared" ] && [ -d "$d" ] && shared=$d; done
[ -n "$shared" ] || { echo "set SHARED_BENCH to the shared bench directory" >&2; exit 1; }
jar=target/reelay.jar
[ -f "$jar" ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 1; }
[ -d bench/js/node_modules/tus-js-client ] || (cd bench/js && npm ci --no-audit --no-fund >/dev/null)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
tmp=$(mktemp -d)
pids=()
cleanup() {
  [ -n "${REELAY_LOG:-}" ] && cp "$tmp/reelay.log" "$REELAY_LOG"
  [ -n "${BENCH_VMSTAT:-}" ] && cp "$tmp/vmstat.log" "$BENCH_VMSTAT"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"
}
trap cleanup EXIT

# The shared scripts resolve their npm imports from bench/js/node_modules.
cp "$shared/tus_upload.mjs" "$shared/tus-anchor-server.mjs" "$tmp/"
ln -s "$PWD/bench/js/node_modules" "$tmp/node_modules"
file="$tmp/upload.bin"
head -c "$((size_mb * 1024 * 1024))" /dev/urandom > "$file"

token=bench-token
rport=$(free_port); aport=$(free_port)
# Without the transcode roles (dispatch, worker): the random bytes uploaded here would otherwise
# start a transcode (1 GiB source download + ffmpeg) competing with the next measurement.
REELAY_ROLES=${REELAY_ROLES:-ingest,upload,cache,manifest,delivery} \
REELAY_DATA_DIR="$tmp/reelay" REELAY_HTTP_PORT=$rport REELAY_RTMP_PORT=0 REELAY_HTTP_HOST=127.0.0.1 \
  REELAY_ADMIN_TOKEN=$token REELAY_UPLOAD_WARMUP=${BENCH_WARMUP:-${REELAY_UPLOAD_WARMUP:-0}} java -Xmx1g ${REELAY_JAVA_OPTS:-} -jar "$jar" >"$tmp/reelay.log" 2>&1 &
rpid=$!; pids+=("$rpid")
TUS_PORT=$aport TUS_DIR="$tmp/anchor" node "$tmp/tus-anchor-server.mjs" >"$tmp/anchor.log" 2>&1 &
apid=$!; pids+=("$apid")
if [ -n "${BENCH_VMSTAT:-}" ]; then vmstat -t 1 >"$tmp/vmstat.log" & pids+=("$!"); fi
t0=$(date +%s.%N)
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$rport/health")" = 200 ]; do
  kill -0 "$rpid" 2>/dev/null || { cat "$tmp/reelay.log" >&2; exit 1; }
  sleep 0.2
done
echo "Reelay healthy after $(python3 -c "print(f'{$(date +%s.%N) - $t0:.1f}')") s," \
  "server CPU so far $(awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$rpid/stat") s"
if [ "${BENCH_WARMUP:-0}" != 0 ]; then
  until grep -q 'upload warm-up' "$tmp/reelay.log"; do
    kill -0 "$rpid" 2>/dev/null || { cat "$tmp/reelay.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "warm-up done $(python3 -c "print(f'{$(date +%s.%N) - $t0:.1f}')") s after start:" \
    "$(grep -o 'upload warm-up.*' "$tmp/reelay.log")"
fi

heap_after_gc() { # MB of heap in use right after a full GC
  jcmd "$rpid" GC.run >/dev/null
  curl -s "http://127.0.0.1:$rport/metrics" |
    awk '/^jvm_memory_used_bytes\{area="heap"/ {s += $NF} END {printf "%.1f", s / 1048576}'
}

cpu_s() { # CPU seconds (user + system) a process has used so far
  awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"
}

upload() { # server_pid endpoint [abortFraction] → "MB/s server_cpu_s client_cpu_s"
  local spid=$1; shift
  local s0; s0=$(cpu_s "$spid")
  # After an abort and resume against Reelay the client process lingers once it has printed its
  # figure (its own timer has stopped by then), so the figure is read and the client stopped.
  local out="$tmp/client.out"
  : >"$out"
  BENCH_TOKEN=$token node --import "$PWD/bench/js/auth-header.mjs" \
    --import "$PWD/bench/js/cpu-report.mjs" "$tmp/tus_upload.mjs" \
    "$1" "$file" "$chunk" ${2:-} >"$out" 2>&1 &
  local cpid=$!
  until grep -q 'MBps=' "$out"; do
    kill -0 "$cpid" 2>/dev/null || { cat "$out" >&2; exit 1; }
    sleep 0.2
  done
  local s1; s1=$(cpu_s "$spid")
  kill "$cpid" 2>/dev/null || true
  wait "$cpid" 2>/dev/null || true
  cat "$out" >>"$tmp/clients.log"
  echo "$(sed -n 's/.*MBps=\([0-9.]*\).*/\1/p' "$out") $(python3 -c "print(f'{$s1 - $s0:.1f}')")" \
    "$(sed -n 's/.*clientCpuSeconds=\([0-9.]*\).*/\1/p' "$out")"
}

compare() { # label [abortFraction]: one upload into each server, printed side by side
  local label=$1; shift
  local r a
  r=($(upload "$rpid" "http://127.0.0.1:$rport/files/" "$@"))
  a=($(upload "$apid" "http://127.0.0.1:$aport/files/" "$@"))
  echo "$label: reelay ${r[0]} MB/s, @tus/server file store ${a[0]} MB/s," \
    "ratio $(python3 -c "print(f'{${r[0]} / ${a[0]}:.2f}')")x;" \
    "CPU s server/client: reelay ${r[1]}/${r[2]}, reference ${a[1]}/${a[2]};" \
    "load $(cut -d' ' -f1 /proc/loadavg)"
}

heap_before=$(heap_after_gc)
echo "file: ${size_mb} MiB, chunk size ${chunk}; Reelay heap after GC before: ${heap_before} MB"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
# The first upload into a fresh server also pays for its warm-up (the JVM compiling Reelay's hot
# paths; far less for Node). It is measured and printed on its own line, the same for both
# servers, so the rows below compare servers as they run once started.
compare "first upload after start"
for _ in $(seq "${BENCH_ROUNDS:-1}"); do
  compare straight
  compare abort50 0.5
done
echo "Reelay heap after GC after the uploads: $(heap_after_gc) MB (before: ${heap_before} MB)"
# One more upload, sampling the live heap after a GC every second while the bytes flow.
( while :; do heap_after_gc; echo; sleep 1; done ) >"$tmp/heap.samples" 2>/dev/null &
sampler=$!
upload "$rpid" "http://127.0.0.1:$rport/files/" >/dev/null
kill "$sampler" 2>/dev/null || true
peak=$(sort -n "$tmp/heap.samples" | tail -1)
echo "Reelay heap after GC during a ${size_mb} MiB upload, sampled each second: peak ${peak} MB (before: ${heap_before} MB)"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "client lines:"; grep 'MBps=' "$tmp/clients.log"
