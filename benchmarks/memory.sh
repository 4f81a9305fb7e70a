#!/usr/bin/env bash
# Where the memory of an idle device connection goes, on one machine: a hub on the embedded store
# with native memory tracking, 15,000 device connections from device-sim that send nothing (the hub
# pings them), then per connection:
#   - live heap after a full GC, and resident memory (RSS) after it;
#   - RSS as the operating system sees it, every 20 s for two minutes, without forcing a GC;
#   - the class histogram: what grew, per connection, largest first;
#   - native memory tracking: what grew outside the heap, per connection;
#   - the kernel's slab memory (socket structures, outside any process's RSS), for both ends.
# Build first: mvn -q -B clean install -DskipTests
# Usage: benchmarks/memory.sh [devices, default 15000]
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh
DEVICES=${1:-15000}
SIM=device-sim/target/device-sim.jar
HUB=hub/target/hub.jar
WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
slab_kib() { awk '/^Slab:/ {print $2}' /proc/meminfo; }
heap_kib() { jcmd "$1" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | tr -dc '0-9'; }
per_connection() { echo $(( ($2 - $1) * 1024 / DEVICES )); } # KiB before, KiB after -> bytes per connection

PORT=$(free_port)
java -XX:NativeMemoryTracking=summary -jar "$HUB" serve --port "$PORT" --host 127.0.0.1 --data-dir "$WORK/hub-data" \
  --max-connections-per-address 20000 --handshake-rate-per-address 2000 > "$WORK/hub.log" 2>&1 & PIDS+=($!); HUB_PID=$!
wait_for "the hub" 60 curl -fsS "http://127.0.0.1:$PORT/health/ready"
sleep 2
jcmd "$HUB_PID" GC.run > /dev/null; sleep 1
HEAP0=$(heap_kib "$HUB_PID"); RSS0=$(rss_kib "$HUB_PID")
jcmd "$HUB_PID" GC.class_histogram > "$WORK/histogram-before.txt"
jcmd "$HUB_PID" VM.native_memory baseline > /dev/null
SLAB0=$(slab_kib)

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $(java -version 2>&1 | head -1)"
echo "== $DEVICES idle device connections (device-sim --rate 0.001: no reading during the run; pings only)"
java -Xss256k -jar "$SIM" --url "ws://127.0.0.1:$PORT" --token-secret-file "$WORK/hub-data/token-secret" \
  --devices "$DEVICES" --rate 0.001 --ramp-up 15s --duration 150s --drain 5s --progress-every 10s > "$WORK/sim.log" 2>&1 & PIDS+=($!)
wait_for "$DEVICES connections" 60 grep -q "connected=$DEVICES/$DEVICES" "$WORK/sim.log"
SLAB1=$(slab_kib)
OVER_TIME=""
for seconds in 0 20 40 60 80 100 120; do
  [ "$seconds" = 0 ] || sleep 20
  OVER_TIME="$OVER_TIME $(per_connection "$RSS0" "$(rss_kib "$HUB_PID")")"
done
echo "   RSS per connection, every 20 s from the last connect, no forced GC:$OVER_TIME bytes"
jcmd "$HUB_PID" GC.run > /dev/null; sleep 1
echo "   after a full GC: live heap $(per_connection "$HEAP0" "$(heap_kib "$HUB_PID")") bytes, RSS $(per_connection "$RSS0" "$(rss_kib "$HUB_PID")") bytes per connection"
jcmd "$HUB_PID" GC.class_histogram > "$WORK/histogram-after.txt"
echo "== what grew on the heap, per connection (class histogram after a full GC), largest first"
python3 - "$WORK/histogram-before.txt" "$WORK/histogram-after.txt" "$DEVICES" <<'PY'
import re, sys
def load(path):
    rows = {}
    for line in open(path):
        m = re.match(r'\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)', line)
        if m:
            rows[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return rows
before, after, n = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
grown = sorted(((b - before.get(k, (0, 0))[1], c - before.get(k, (0, 0))[0], k) for k, (c, b) in after.items()), reverse=True)
print("   total %d bytes per connection" % (sum(g[0] for g in grown) / n))
for size, count, name in grown[:25]:
    print("   %7.1f B  %5.2f per connection  %s" % (size / n, count / n, name))
PY
echo "== what grew outside the heap too, per connection (native memory tracking, committed)"
jcmd "$HUB_PID" VM.native_memory summary.diff | grep -E '^-? *[A-Za-z ]+ \(reserved=' | sed 's/^- *//' | awk -v n="$DEVICES" '
  { name = $0; sub(/ \(reserved.*/, "", name)
    if (match($0, /committed=[0-9]+KB [+-][0-9]+KB/)) { d = substr($0, RSTART, RLENGTH); sub(/.*KB /, "", d); sub(/KB/, "", d)
      if (d + 0 != 0) printf "   %-24s %+8.0f B per connection\n", name, d * 1024 / n } }'
echo "== the kernel: slab memory grew $(per_connection "$SLAB0" "$SLAB1") bytes per connection (both ends: the hub's socket and device-sim's)"
