#!/usr/bin/env bash
# VOD transcoding, side by side with the reference in the same run, on the same source:
#   Reelay: upload complete (POST /api/videos returns) -> status ready: wall time, CPU seconds of
#           the server process (it hosts Kafka, Redis client, S3 and the workers), time to the
#           first playable (EVENT) playlist;
#   reference: ../shared/bench/ladder_ffmpeg.sh under /usr/bin/time -v (one ffmpeg, same ladder).
# Then SSIM of every rung against the source, for both, at the same bit rates (Reelay is
# configured with the reference's 5000/2800/1400/800k ladder for this run).
# usage: bench/vod.sh [EXTRA_WORKERS=0]     (build first: mvn -B package -DskipTests)
#   WARMUP=1 first transcodes the 10 s 720p clip (not measured), so the measured run sees a server
#   whose JIT has compiled the pipeline, as a running server would; WARMUP=0 measures a cold JVM.
#   REELAY_JAVA_OPTS: extra JVM flags for the server (e.g. a JFR recording for a profile).
#   RUNS=2 transcodes the 60 s source twice on the same server and reports both against the
#   reference (the second: a server that has transcoded this video once).
#   PERF_STAT=1 counts page faults, context switches and migrations (perf stat) of the server in
#   the measured window and of the reference.
#   DISPATCH_EXTRA: more transcode-dispatch keys, e.g. '"segmentsPerChunk":8' (docs/architecture.md).
#   CPU_TRACE=1 samples the server's CPU once a second during the measured transcode and prints
#   the per-second figures (cores busy), to show idle gaps between jobs.
# needs: ffmpeg, curl, python3, /usr/bin/time (Debian: ffmpeg curl python3 time)
set -euo pipefail
cd "$(dirname "$0")/.."
extra=${1:-0}
jar=target/reelay.jar
# The team's reference harnesses: ../shared/bench next to the main checkout (or SHARED_BENCH).
shared=${SHARED_BENCH:-../shared/bench}
[ -d "$shared" ] || shared=../../shared/bench
[ -f "$jar" ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 1; }
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait || true; rm -rf "$tmp"; }
trap 'keep_logs; cleanup' EXIT
keep_logs() { mkdir -p /tmp/reelay-bench-logs; cp "$tmp"/*.log /tmp/reelay-bench-logs/ 2>/dev/null || true; }
trap 'keep_logs' ERR
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
cpu_s() { # user+system seconds of a process and its children so far
  awk -v hz="$(getconf CLK_TCK)" '{print ($14+$15+$16+$17)/hz}' "/proc/$1/stat"; }
threads_snapshot() { # "tid ticks name" for every thread of the server, in one process: an awk per
  # thread (hundreds) took about 4 s at the start of the measured window, beside the server
  python3 - "$server" <<'PY'
import os, sys
task = f"/proc/{sys.argv[1]}/task"
for tid in os.listdir(task):
    try:
        with open(f"{task}/{tid}/stat") as f:
            stat = f.read()
    except OSError:
        continue  # a thread that ended since the listing (x264 and decoder threads end per chunk)
    name = stat[stat.index("(") + 1 : stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2 :].split()
    print(tid, int(fields[11]) + int(fields[12]), name)
PY
}
thread_cpu() { # between two snapshots ($1 before, $2 after): the JIT compiler threads' CPU seconds,
  # then CPU seconds per thread name (digits dropped), top 12. Threads that ended in between are
  # not counted (x264 and decoder threads end with each chunk), so both are lower bounds.
  python3 - "$1" "$2" "$(getconf CLK_TCK)" <<'PY'
import re, sys
def load(p):
    d = {}
    for line in open(p):
        tid, ticks, name = line.rstrip("\n").split(" ", 2)
        d[tid] = (int(ticks), name)
    return d
a, b, hz = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
groups = {}
for tid, (t, n) in b.items():
    g = re.sub(r"[0-9]+", "#", n)
    groups[g] = groups.get(g, 0) + t - a.get(tid, (0, n))[0]
jit = sum(v for g, v in groups.items() if "CompilerThre" in g)
print(f"of which the JVM's JIT compiler threads (at least): {jit / hz:.1f} CPU s")
top = sorted(groups.items(), key=lambda kv: -kv[1])[:12]
print("live threads' CPU s in the window, by name: "
      + ", ".join(f"{g} {v / hz:.1f}" for g, v in top if v > 0))
PY
}
sys_s() { # system seconds of a process (not its children)
  awk -v hz="$(getconf CLK_TCK)" '{print $15/hz}' "/proc/$1/stat"; }
cpu_all() { # the server and any extra worker processes
  local t=0 p; for p in "${pids[@]}"; do t=$(python3 -c "print($t + $(cpu_s $p))"); done; echo "$t"; }

echo "== source"
"$shared/make_media.sh" "$tmp/media" >/dev/null
src="$tmp/media/src1080p30.mp4"
ls -l "$src"

ladder='{"x264Preset":"veryfast","rungs":[{"name":"1080p","height":1080,"bitrateKbps":5000},{"name":"720p","height":720,"bitrateKbps":2800},{"name":"480p","height":480,"bitrateKbps":1400},{"name":"360p","height":360,"bitrateKbps":800}]'"${DISPATCH_EXTRA:+,$DISPATCH_EXTRA}"'}'
port=$(free_port)
token=bench-token
REELAY_DATA_DIR="$tmp/data" REELAY_HTTP_PORT=$port REELAY_RTMP_PORT=$(free_port) \
  REELAY_HTTP_HOST=127.0.0.1 REELAY_ADMIN_TOKEN=$token \
  REELAY_TRANSCODE_DISPATCH_CONFIG="$ladder" \
  java ${REELAY_JAVA_OPTS:-} -jar "$jar" >"$tmp/reelay.log" 2>&1 &
server=$!; pids+=($server)
base=http://127.0.0.1:$port
until [ "$(curl -s -o /dev/null -w '%{http_code}' $base/health || true)" = 200 ]; do sleep 0.2; done
if [ "$extra" -gt 0 ]; then
  svc="$tmp/data/services.json"
  for i in $(seq 1 "$extra"); do
    REELAY_ROLES=worker REELAY_DATA_DIR="$tmp/worker$i" REELAY_HTTP_PORT=$(free_port) \
      REELAY_KAFKA_BOOTSTRAP=$(python3 -c "import json;print(json.load(open('$svc'))['kafkaBootstrap'])") \
      REELAY_REDIS_URL=$(python3 -c "import json;print(json.load(open('$svc'))['redisUrl'])") \
      REELAY_S3_ENDPOINT=$(python3 -c "import json;print(json.load(open('$svc'))['s3Endpoint'])") \
      REELAY_S3_ACCESS_KEY=$(cat "$tmp/data/s3-access-key") REELAY_S3_SECRET_KEY=$(cat "$tmp/data/s3-secret-key") \
      REELAY_ADMIN_TOKEN=$token java -jar "$jar" >"$tmp/worker$i.log" 2>&1 &
    pids+=($!)
  done
  sleep 15 # let the consumer group settle
fi

# Presigned direct-to-S3 upload of $1; sets id and, the moment /complete answers, t0 and c0.
upload() {
  local presign url
  presign=$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"filename\":\"$(basename "$1")\",\"size\":$(stat -c %s "$1")}" $base/api/uploads/presign)
  id=$(echo "$presign" | python3 -c 'import json,sys; print(json.load(sys.stdin)["videoId"])')
  url=$(echo "$presign" | python3 -c 'import json,sys; print(json.load(sys.stdin)["url"])')
  curl -sf -X PUT --upload-file "$1" "$url" >/dev/null
  curl -sf -X POST -H "Authorization: Bearer $token" $base/api/uploads/$id/complete >/dev/null
  t0=$(now); c0=$(cpu_all); threads_snapshot >"$tmp/threads0"
}
# Polls the video until ready; sets first (hls appeared: the EVENT playlist) and t1. One python
# process polling every 0.1 s: a curl + two python3 starts per poll took up to a second on the
# busy box, so "first playable" was measured up to a second late (and the poller took CPU).
# Once first playable is seen it polls once a second and takes the ready time from the record's
# updatedAt (the server's clock, same box): polling at 10/s all along cost the server about as
# much CPU as its embedded Kafka, for the benchmark's own sake.
await_ready() {
  local times
  times=$(python3 - "$base/api/videos/$id" "$token" <<'PY'
import datetime, json, sys, time, urllib.request
url, token = sys.argv[1], sys.argv[2]
first = None
while True:
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req) as r:
        v = json.load(r)
    now = time.time()
    if first is None and v.get("hls"):
        first = now
    if v["status"] == "ready":
        ready = datetime.datetime.fromisoformat(v["updatedAt"].replace("Z", "+00:00")).timestamp()
        print(first if first is not None else ready, ready)
        break
    if v["status"] == "failed":
        sys.exit("failed: " + json.dumps(v))
    time.sleep(0.1 if first is None else 1.0)
PY
  ) || exit 1
  first=${times% *}; t1=${times#* }
}

if [ "${WARMUP:-1}" = 1 ]; then
  echo "== warm-up (not measured): $(basename "$tmp/media/src720p10s.mp4")"
  upload "$tmp/media/src720p10s.mp4"; await_ready
fi
# One measured transcode of the 60 s source: sets r_wall, r_cpu, r_sys, r_first.
measure() {
  echo "== reelay, 60 s source, transcode $1 of $runs (worker instances: ${REELAY_TRANSCODE_WORKER_INSTANCES:-1}, extra worker processes: $extra)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  upload "$src"
  local s0 tracer= perf=; s0=$(sys_s $server)
  if [ "${PERF_STAT:-0}" = 1 ]; then
    perf stat -x, -e "$perf_events" -p "$server" -o "$tmp/perf.server" & perf=$!
  fi
  if [ "${CPU_TRACE:-0}" = 1 ]; then
    (hz=$(getconf CLK_TCK); prev=$(awk '{print $14+$15}' /proc/$server/stat)
     while sleep 1; do cur=$(awk '{print $14+$15}' /proc/$server/stat 2>/dev/null) || break
       awk -v t="$(now)" -v t0="$t0" -v d=$((cur-prev)) -v hz="$hz" 'BEGIN{printf "%d:%.2f\n", t-t0, d/hz}'
       prev=$cur; done) >"$tmp/cputrace" &
    tracer=$!
  fi
  await_ready
  if [ -n "$perf" ]; then
    kill -INT "$perf"; wait "$perf" || true
    echo "perf stat of the server: $(grep -v '^#' "$tmp/perf.server" | awk -F, 'NF>2{printf "%s %s, ", $3, $1}')"
  fi
  if [ -n "$tracer" ]; then
    kill "$tracer" 2>/dev/null || true; wait "$tracer" 2>/dev/null || true
    echo "server CPU per second (s since upload complete:cores busy): $(paste -sd' ' "$tmp/cputrace")"
  fi
  echo "measured window (epoch s): $t0 .. $t1"
  c1=$(cpu_all); threads_snapshot >"$tmp/threads1"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  thread_cpu "$tmp/threads0" "$tmp/threads1"
  r_wall=$(python3 -c "print(round($t1-$t0,1))"); r_cpu=$(python3 -c "print(round($c1-$c0,1))")
  r_sys=$(python3 -c "print(round($(sys_s $server)-$s0,1))")
  r_first=$(python3 -c "print(round($first-$t0,1))")
  echo "upload complete -> ready: ${r_wall} s wall, ${r_cpu} CPU s (server: ${r_sys} s of it system); first playable (EVENT) ${r_first} s"
}
# RUNS=2 transcodes the 60 s source twice on the same server: the second figure is a server that
# has already transcoded this video once (its JIT has compiled the embedded services' hot paths).
runs=${RUNS:-1}
perf_events=page-faults,context-switches,cpu-migrations
results=()
for run in $(seq 1 "$runs"); do
  measure "$run"; results+=("$r_wall $r_cpu $r_first")
done

echo "== reference (ladder_ffmpeg.sh)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${PERF_STAT:-0}" = 1 ]; then
  /usr/bin/time -v perf stat -x, -e "$perf_events" -o "$tmp/perf.ref" \
    "$shared/ladder_ffmpeg.sh" "$src" "$tmp/ref" 2>"$tmp/time.txt"
  echo "perf stat of the reference: $(grep -v '^#' "$tmp/perf.ref" | awk -F, 'NF>2{printf "%s %s, ", $3, $1}')"
else
  /usr/bin/time -v "$shared/ladder_ffmpeg.sh" "$src" "$tmp/ref" 2>"$tmp/time.txt"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
f_wall=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$tmp/time.txt")
f_cpu=$(awk -F': ' '/User time/{u=$2} /System time/{s=$2} END{print u+s}' "$tmp/time.txt")
f_sys=$(awk -F': ' '/System time/{print $2}' "$tmp/time.txt")
f_rss=$(awk -F': ' '/Maximum resident/{print int($2/1024)}' "$tmp/time.txt")
echo "reference: ${f_wall} s wall, ${f_cpu} CPU s (${f_sys} s system), ${f_rss} MB RSS"
for run in $(seq 1 "$runs"); do
  read -r w c fp <<<"${results[$((run-1))]}"
  echo "ratio reelay/reference, transcode $run: wall $(python3 -c "print(round($w/$f_wall,2))"), CPU $(python3 -c "print(round($c/$f_cpu,2))") (reelay $w s / $c CPU s, first playable $fp s)"
done

echo "== SSIM vs source (first 20 s)"
ssim() { # $1 rendition input, $2 height
  ffmpeg -hide_banner -nostats -t 20 -i "$1" -t 20 -i "$src" -lavfi \
    "[1:v]scale=-2:$2:flags=bicubic[ref];[0:v][ref]ssim" -f null - 2>&1 \
    | sed -n 's/.*All:\([0-9.]*\).*/\1/p'; }
i=0
for rung in 1080p 720p 480p 360p; do
  h=${rung%p}
  ours=$(ssim "$base/vod/$id/$rung/index.m3u8" "$h")
  theirs=$(ssim "$tmp/ref/v$i/index.m3u8" "$h")
  br_ours=$(curl -s $base/vod/$id/master.m3u8 | grep -A1 "STREAM-INF" | grep -B1 "$rung/" | sed -n 's/.*AVERAGE-BANDWIDTH=\([0-9]*\).*/\1/p')
  echo "$rung: SSIM reelay $ours, reference $theirs (reelay AVERAGE-BANDWIDTH incl. audio ${br_ours})"
  i=$((i+1))
done
