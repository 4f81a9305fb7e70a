#!/usr/bin/env bash
# The InfluxDB benchmark of docs/benchmarks.md, on one machine, loopback only: one influxd, then
#   (a) a plain line-protocol writer shipped in the benchmarks (the reference), 4 threads;
#   (b) the hub on the InfluxDB store (4 writes in flight) with 100 devices, 16 packets per frame,
#       as fast as acks allow; then every acked reading is counted in InfluxDB.
# Bounded: seconds per run (default 20). Needs influxd (Debian: influxdb).
# Build first: mvn -q -B clean install -DskipTests
# Usage: benchmarks/influx.sh [seconds per run]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-20}
SIM=device-sim/target/device-sim.jar
HUB=hub/target/hub.jar
BENCH=benchmarks/target/benchmarks.jar
WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

. benchmarks/lib.sh

start_influxd "$WORK/influx"
echo "== machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $(java -version 2>&1 | head -1), $(influxd version 2>/dev/null | head -1)"

curl -fsS -XPOST "$INFLUX_URL/query" --data-urlencode "q=CREATE DATABASE linebench" > /dev/null
echo "== (a) $(java -cp "$BENCH" org.telemetryhub.hub.store.InfluxLineWriter "$INFLUX_URL" linebench "$SECONDS_PER_RUN" 2000 4 100)"

HUB_PORT=$(free_port)
java -jar "$HUB" serve --host 127.0.0.1 --port "$HUB_PORT" --data-dir "$WORK/hub-data" --store influx --influx-url "$INFLUX_URL" \
  --influx-database hubbench --influx-writes-in-flight 4 > "$WORK/hub.log" 2>&1 & PIDS+=($!)
wait_for "the hub" 60 curl -fsS "http://127.0.0.1:$HUB_PORT/health/ready"
java -jar "$SIM" --url "ws://127.0.0.1:$HUB_PORT" --token-secret-file "$WORK/hub-data/token-secret" --devices 100 --load \
  --batch 16 --window 4096 --outbox 10000 --duration "${SECONDS_PER_RUN}s" --measure-after 5s --progress-every 60s \
  --json "$WORK/hub.json" > /dev/null 2>&1
STORED=$(curl -fsS -G "$INFLUX_URL/query" --data-urlencode "db=hubbench" \
  --data-urlencode "q=SELECT count(temperature) FROM telemetry_hub.readings" | grep -o '"values":\[\[[^,]*,[0-9]*' | grep -o '[0-9]*$')
echo "== (b) the hub, 4 writes in flight, 100 devices x 16 per frame: acked $(json_field "$WORK/hub.json" ackedPerSecond)/s," \
  "ack p50 $(json_field "$WORK/hub.json" p50) ms / p99 $(json_field "$WORK/hub.json" p99) ms, worst 5 s spread" \
  "$(json_field "$WORK/hub.json" worstDeviationPercent) %; acked $(json_field "$WORK/hub.json" acked), in InfluxDB $STORED"
