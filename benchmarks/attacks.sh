#!/usr/bin/env bash
# The attack table of docs/security.md, rerun: attacks on a running hub (started with -Xmx1g, on
# loopback addresses), measured from outside. Build first: mvn -q -B clean install -DskipTests
# Usage: benchmarks/attacks.sh [seconds per attack, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_ATTACK=${1:-10}
SIM=device-sim/target/device-sim.jar
HUB=hub/target/hub.jar
BENCH=benchmarks/target/benchmarks.jar
WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

port_of() {
  for _ in $(seq 1 300); do
    port=$(grep -o 'listening on port [0-9]*' "$1" | head -1 | awk '{print $4}')
    [ -n "$port" ] && { echo "$port"; return; }
    sleep 0.1
  done
  echo "no port in $1" >&2; exit 1
}
p99() { grep -A4 '"ackLatencyMs"' "$1" | grep -o '"p99" : [0-9.]*' | awk '{print $3}'; }

# Fairness: 20 devices at one reading a second, alone and beside 4 devices sending one-packet
# frames as fast as a window of 4,096 unacknowledged packets allows; with the hub's per-device
# share (the default) and without it (a share larger than any window: how the hub was before).
fairness() { # $1: label, $2: extra hub flags, $3: flooders (0 or more)
  rm -rf "$WORK/data"
  java -Xmx1g -jar "$HUB" serve --port 0 --host 127.0.0.1 --data-dir "$WORK/data" $2 > "$WORK/hub.log" 2>&1 & PIDS+=($!); local hub=$!
  local port; port=$(port_of "$WORK/hub.log")
  local secret="$WORK/data/token-secret"
  if [ "$3" -gt 0 ]; then
    java -jar "$SIM" --url "ws://127.0.0.1:$port" --token-secret-file "$secret" --devices "$3" --id-pattern 'flood-%02d' \
      --load --batch 1 --window 4096 --duration "$((SECONDS_PER_ATTACK * 3 + 10))s" --drain 30s > "$WORK/flood.log" 2>&1 &
    PIDS+=($!); local flood=$!
    sleep 3
  fi
  java -jar "$SIM" --url "ws://127.0.0.1:$port" --token-secret-file "$secret" --devices 20 --id-pattern 'quiet-%02d' \
    --rate 1 --duration "$((SECONDS_PER_ATTACK * 3))s" --measure-after 5s --drain 30s --json "$WORK/quiet.json" > "$WORK/quiet.log" 2>&1
  echo "fairness, $1: ack p99 of 20 devices at 1/s: $(p99 "$WORK/quiet.json") ms"
  [ "$3" -gt 0 ] && { kill "$flood" 2>/dev/null || true; wait "$flood" 2>/dev/null || true; }
  kill "$hub"; wait "$hub" 2>/dev/null || true
}
fairness "alone" "" 0
fairness "beside 4 flooders, per-device share 1024 (default)" "" 4
fairness "beside 4 flooders, no share (as before)" "--max-pending-per-device 1000000" 4

java -cp "$BENCH" org.telemetryhub.bench.AttackRun "$HUB" "$SECONDS_PER_ATTACK" 2>/dev/null
