#!/usr/bin/env bash
# Start-up to healthy: runs target/reelay.jar RUNS times (fresh data dir, then restart on the same
# dir) and prints the time from process start to the first 200 from /health.
# Usage: bench/startup.sh [RUNS]   (build first: mvn -B package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
jar=target/reelay.jar
[ -f "$jar" ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

measure() { # $1 data dir
  local http rtmp start pid code
  http=$(free_port); rtmp=$(free_port)
  start=$(date +%s%N)
  REELAY_DATA_DIR="$1" REELAY_HTTP_PORT=$http REELAY_RTMP_PORT=$rtmp REELAY_HTTP_HOST=127.0.0.1 \
    java -jar "$jar" >"$1.log" 2>&1 &
  pid=$!
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http/health" || true)
    [ "$code" = 200 ] && break
    kill -0 $pid 2>/dev/null || { echo "server died, see $1.log" >&2; exit 1; }
    sleep 0.05
  done
  echo $(( ($(date +%s%N) - start) / 1000000 ))
  kill -TERM $pid; wait $pid || true
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for i in $(seq 1 "$runs"); do
  first=$(measure "$tmp/run$i")
  again=$(measure "$tmp/run$i")
  echo "run $i: fresh data dir ${first} ms, restart on same data dir ${again} ms"
done
