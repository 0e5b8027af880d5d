#!/usr/bin/env bash
# Start-up of `signet server`: wall time from process start until GET /healthz answers 200, and the
# process's RSS at that moment, for several JVM variants measured round-robin in the same run (so
# load on the machine hits every variant alike). Later starts only: the data directory is created
# by one start beforehand. Needs curl.
# Usage: signet-bench/server-startup.sh [rounds] [port]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-5}
port=${2:-18443}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$root/.mvn/find-jdk25.sh"
java="$JAVA_HOME/bin/java"
jar="$root/signet-cli/target/signet.jar"
cache="$work/cache"
"$root/signet" --version >/dev/null                                 # builds the jar if needed
SIGNET_CACHE_DIR="$cache" "$root/signet" server --help >/dev/null    # trains the server's cache
base="-XX:+UseSerialGC -Xlog:aot=off -Xlog:cds=off --enable-native-access=ALL-UNNAMED"
aot="-XX:AOTCache=$cache/signet-server.aot"
c1="-XX:TieredStopAtLevel=1"
names=("C1+C2, no AOT cache" "C1+C2 + server AOT cache (./signet server)" "C1 only, no AOT cache" "C1 only + server AOT cache")
variants=("$base" "$base $aot" "$c1 $base" "$c1 $base $aot")

# One start: prints "SECONDS RSS_KIB".
start() {
  local t0 pid t1 rss
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  "$java" $1 -jar "$jar" server --data-dir "$work/data" --listen "127.0.0.1:$port" \
    >"$work/out" 2>"$work/err" &
  pid=$!
  until curl -sf --cacert "$work/data/tls.crt" "https://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "server exited; stderr:" >&2; tail -n 5 "$work/err" >&2; exit 1; }
    sleep 0.02
  done
  t1=$(date +%s%N)
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"
  wait "$pid" || true
  echo "$(( (t1 - t0) / 1000000 )) $rss"
}
start "$base" >/dev/null   # first start: master key, certificate, database
for ((r = 1; r <= rounds; r++)); do
  for i in "${!variants[@]}"; do
    echo "$i $(start "${variants[$i]}")" >>"$work/results"
  done
done
python3 - "$work/results" "${names[@]}" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
names = sys.argv[2:]
ref = statistics.median(int(ms) for i, ms, _ in rows if i == "0")
print(f"{'variant':45} {'median ms':>9} {'ratio':>6} {'all runs (ms)':30} RSS MB (median)")
for v, name in enumerate(names):
    ms = [int(m) for i, m, _ in rows if i == str(v)]
    rss = [int(k) / 1024 for i, _, k in rows if i == str(v)]
    med = statistics.median(ms)
    print(f"{name:45} {med:9.0f} {med / ref:6.2f} {','.join(map(str, ms)):30} {statistics.median(rss):.0f}")
PY
