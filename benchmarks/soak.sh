#!/usr/bin/env bash
# Memory over a long run: the hub on the embedded store at 80 % of a given maximum rate for
# a while; RSS every 30 s, live heap after a full GC every 2 minutes. Both must stay flat.
# Build first: mvn -q -B clean install -DskipTests
# Usage: benchmarks/soak.sh MAX_READINGS_PER_SECOND [minutes, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
MAX=${1:?usage: benchmarks/soak.sh MAX_READINGS_PER_SECOND [minutes]}
MINUTES=${2:-10}
DEVICES=100
PER_DEVICE=$(awk "BEGIN {printf \"%.1f\", 0.8 * $MAX / $DEVICES}")
WORK=$(mktemp -d)
trap 'kill $HUB_PID $SIM_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT

java -jar hub/target/hub.jar serve --port 0 --host 127.0.0.1 --data-dir "$WORK/data" > "$WORK/hub.log" 2>&1 & HUB_PID=$!
for _ in $(seq 1 300); do grep -q 'listening on port' "$WORK/hub.log" && break; sleep 0.1; done
PORT=$(grep -o 'listening on port [0-9]*' "$WORK/hub.log" | awk '{print $4}')
java -jar device-sim/target/device-sim.jar --url "ws://127.0.0.1:$PORT" --token-secret-file "$WORK/data/token-secret" \
  --devices $DEVICES --load --load-rate "$PER_DEVICE" --batch 16 --window 4096 --duration "${MINUTES}m" --drain 60s \
  --progress-every 60s --json "$WORK/soak.json" > "$WORK/sim.log" 2>&1 & SIM_PID=$!

live_heap_mib() { jcmd "$HUB_PID" GC.run > /dev/null; jcmd "$HUB_PID" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | tr -dc '0-9' | awk '{printf "%.1f", $1 / 1024}'; }
echo "soak: ${MINUTES} min at 80 % of $MAX readings/s = $PER_DEVICE readings/s on each of $DEVICES devices"
echo "minute  rss_mib  live_heap_mib  acked_so_far"
for i in $(seq 0 $((MINUTES * 2))); do
  sleep 30
  RSS=$(awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$HUB_PID/status")
  HEAP=""
  if [ $((i % 4)) -eq 3 ]; then HEAP=$(live_heap_mib); fi
  ACKED=$(grep -o 'acked=[0-9]*' "$WORK/sim.log" | tail -1 | cut -d= -f2 || true)
  printf "%6.1f  %7s  %13s  %s\n" "$(awk "BEGIN {print ($i + 1) / 2}")" "$RSS" "$HEAP" "${ACKED:-}"
  kill -0 "$SIM_PID" 2>/dev/null || break
done
wait "$SIM_PID" || true
grep -E '^summary' "$WORK/sim.log"
