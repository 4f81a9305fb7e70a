#!/usr/bin/env bash
# The side-by-side benchmark of docs/benchmarks.md, in one go, on one machine:
#   (a) a bare Vert.x WebSocket server that only counts packets and acks each frame,
#   (b) the hub on the embedded store with one subscriber to readings/#,
#   (c) the embedded store's insert path driven directly.
# The same device-sim load drives (a) and (b). Build first: mvn -q -B clean install -DskipTests
# Usage: benchmarks/run.sh [seconds per run, default 15]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-15}
SIM=device-sim/target/device-sim.jar
HUB=hub/target/hub.jar
BENCH=benchmarks/target/benchmarks.jar
WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

port_of() { # waits for "listening on port N" in a log; prints N
  for _ in $(seq 1 300); do
    port=$(grep -o 'listening on port [0-9]*' "$1" | head -1 | awk '{print $4}')
    [ -n "$port" ] && { echo "$port"; return; }
    sleep 0.1
  done
  echo "no port in $1" >&2; exit 1
}
start_reference() {
  java -cp "$BENCH" org.telemetryhub.bench.ReferenceServer 0 > "$WORK/ref.log" 2>&1 & PIDS+=($!); REF_PID=$!
  REF_PORT=$(port_of "$WORK/ref.log")
}
# The whole simulated fleet comes from one address (127.0.0.1): the per-address limits that protect
# a hub from one client are raised to let 15,000 devices connect at 1,000 a second.
start_hub() {
  rm -rf "$WORK/hub-data"
  java -jar "$HUB" serve --port 0 --host 127.0.0.1 --data-dir "$WORK/hub-data" \
    --max-connections-per-address 20000 --handshake-rate-per-address 2000 "$@" > "$WORK/hub.log" 2>&1 & PIDS+=($!); HUB_PID=$!
  HUB_PORT=$(port_of "$WORK/hub.log")
}
stop() { kill "$1"; wait "$1" 2>/dev/null || true; }
acked_per_second() { grep -o '"ackedPerSecond" : [0-9]*' "$1" | awk '{print $3}'; }
json_field() { grep -o "\"$2\" : [0-9.]*" "$1" | head -1 | awk '{print $3}'; }
sub_latency() { grep -A5 '"subscriberLatencyMs"' "$1" | grep -o "\"$2\" : [0-9.]*" | awk '{print $3}'; }
# Each device keeps batch x 256 packets in flight: with durable acks (a batch commit, ~10-30 ms)
# throughput is bounded by in-flight / ack latency, and a smaller window measures the window.
load() { # url, batch, json, extra args...
  local url=$1 batch=$2 json=$3; shift 3
  local window=$((batch * 256))
  java -jar "$SIM" --url "$url" --devices 100 --load --batch "$batch" --window "$window" --outbox $((window > 10000 ? window : 10000)) \
    --duration "${SECONDS_PER_RUN}s" --measure-after 5s --progress-every 60s --json "$json" "$@" > /dev/null 2>&1
}
# p50 / p99 / p99.9 of a Prometheus histogram in a /metrics dump: the upper bound of the bucket each falls in, in ms.
hub_percentiles() {
  grep "^$2_bucket" "$1" | sed 's/.*le="\([^"]*\)"} \(.*\)/\1 \2/' | awk '
    { le[NR] = $1; count[NR] = $2 } END { total = count[NR]; split("0.5 0.99 0.999", q, " ")
      for (i = 1; i <= 3; i++) for (b = 1; b <= NR; b++) if (count[b] >= q[i] * total) { out = out sprintf("%s%.1f", i > 1 ? " / " : "", le[b] * 1000); break }
      print out " ms" }'
}
# Resident set and live heap (after a full GC) of a JVM, in KiB.
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
live_heap_kib() { jcmd "$1" GC.run > /dev/null; jcmd "$1" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | tr -dc '0-9'; }

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $(java -version 2>&1 | head -1)"
for batch in 1 16; do
  start_reference; load "ws://127.0.0.1:$REF_PORT" "$batch" "$WORK/ref-$batch.json" --no-auth; stop "$REF_PID"
  start_hub; load "ws://127.0.0.1:$HUB_PORT" "$batch" "$WORK/hub-$batch.json" --token-secret-file "$WORK/hub-data/token-secret" --subscribers 1; stop "$HUB_PID"
  REF=$(acked_per_second "$WORK/ref-$batch.json"); HUBR=$(acked_per_second "$WORK/hub-$batch.json"); [ "$batch" = 1 ] && HUB1=$HUBR
  echo "== $batch packet(s) per frame, 100 devices: reference $REF/s, hub $HUBR/s (ack p50 $(json_field "$WORK/hub-$batch.json" p50) ms," \
    "p99 $(json_field "$WORK/hub-$batch.json" p99) ms, worst 5 s spread $(json_field "$WORK/hub-$batch.json" worstDeviationPercent) %," \
    "subscriber got $(json_field "$WORK/hub-$batch.json" subscriberMessagesPerSecond)/s), hub/reference $(awk "BEGIN {printf \"%.2f\", $HUBR / $REF}")"
done
RAW=$(java -cp "$BENCH" org.telemetryhub.bench.RawStoreBenchmark "$SECONDS_PER_RUN" 2000 100 | grep -o '= [0-9]*' | tr -dc '0-9')
echo "== raw store (batch 2000): $RAW/s; hub at 16 per frame / min(reference, raw store): $(awk "BEGIN {m = $REF < $RAW ? $REF : $RAW; printf \"%.2f\", $HUBR / m}"); hub at 1 per frame / raw store: $(awk "BEGIN {printf \"%.2f\", $HUB1 / $RAW}")"

echo "== 15,000 idle device connections: memory per connection (live heap after a full GC, and RSS)"
for server in reference hub; do
  if [ "$server" = reference ]; then start_reference; PID=$REF_PID; URL="ws://127.0.0.1:$REF_PORT"; AUTH=(--no-auth)
  else start_hub; PID=$HUB_PID; URL="ws://127.0.0.1:$HUB_PORT"; AUTH=(--token-secret-file "$WORK/hub-data/token-secret"); fi
  sleep 2; HEAP0=$(live_heap_kib "$PID"); RSS0=$(rss_kib "$PID")
  java -Xss256k -jar "$SIM" --url "$URL" "${AUTH[@]}" --devices 15000 --rate 0.001 --ramp-up 15s --duration 40s \
    --progress-every 10s --drain 10s > "$WORK/idle-$server.log" 2>&1 & SIM_PID=$!
  for _ in $(seq 1 60); do grep -q 'connected=15000/15000' "$WORK/idle-$server.log" && break; sleep 1; done
  HEAP1=$(live_heap_kib "$PID"); RSS1=$(rss_kib "$PID")
  echo "   $server: live heap $(( (HEAP1 - HEAP0) * 1024 / 15000 )) bytes/connection, RSS $(( (RSS1 - RSS0) * 1024 / 15000 )) bytes/connection ($(grep -o 'connected=[0-9]*' "$WORK/idle-$server.log" | tail -1))"
  kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; stop "$PID"
done

# 15,000 devices at 1 reading/s, each reading at its own phase of the second. Latency counts from
# 25 s on: after the 15 s ramp-up's connection storm (1,000 new connections a second) has settled.
# The reference sends no pings, so the simulator's watchdog is set past the run for it.
echo "== 15,000 devices at 1 reading/s (latency from 25 s on, after the ramp-up)"
FIFTEEN_K=(--devices 15000 --rate 1 --ramp-up 15s --duration 60s --measure-after 25s --progress-every 60s)
start_reference
java -Xss256k -jar "$SIM" --url "ws://127.0.0.1:$REF_PORT" --no-auth "${FIFTEEN_K[@]}" --watchdog 10m \
  --json "$WORK/15k-ref.json" > /dev/null 2>&1
stop "$REF_PID"
echo "   reference: acked $(acked_per_second "$WORK/15k-ref.json")/s, ack p50 $(json_field "$WORK/15k-ref.json" p50) ms, p99 $(json_field "$WORK/15k-ref.json" p99) ms, p99.9 $(json_field "$WORK/15k-ref.json" p999) ms"
start_hub
java -Xss256k -jar "$SIM" --url "ws://127.0.0.1:$HUB_PORT" --token-secret-file "$WORK/hub-data/token-secret" "${FIFTEEN_K[@]}" \
  --subscribers 1 --json "$WORK/15k.json" > /dev/null 2>&1
curl -s "http://127.0.0.1:$HUB_PORT/metrics" > "$WORK/15k-metrics.txt"
stop "$HUB_PID"
echo "   hub: acked $(acked_per_second "$WORK/15k.json")/s, ack p50 $(json_field "$WORK/15k.json" p50) ms, p99 $(json_field "$WORK/15k.json" p99) ms, p99.9 $(json_field "$WORK/15k.json" p999) ms, missing $(json_field "$WORK/15k.json" missing)"
echo "   hub: subscriber received $(json_field "$WORK/15k.json" subscriberMessagesPerSecond)/s; device send to subscriber receipt p50 $(sub_latency "$WORK/15k.json" p50) ms, p99 $(sub_latency "$WORK/15k.json" p99) ms, p99.9 $(sub_latency "$WORK/15k.json" p999) ms"
echo "   inside the hub, whole run (upper bucket bounds): frame arrival to durable ack $(hub_percentiles "$WORK/15k-metrics.txt" hub_ack_latency_seconds); publication to subscriber socket $(hub_percentiles "$WORK/15k-metrics.txt" hub_subscriber_delivery_latency_seconds)"
# What of each latency is the generator's own: the reference does nothing per packet but ack it, so
# its figures are the simulator's (and the loopback's) share; what the hub adds is the difference.
echo "   the generator's own share of each device-side latency is at most the reference's figure above (p50 $(json_field "$WORK/15k-ref.json" p50), p99 $(json_field "$WORK/15k-ref.json" p99), p99.9 $(json_field "$WORK/15k-ref.json" p999) ms); the hub's own time is the line 'inside the hub'"

echo "== fan-out: 20 devices at full load, readings/# to N subscribers (policy drop-oldest)"
for n in 1 10 100; do
  start_hub
  java -jar "$SIM" --url "ws://127.0.0.1:$HUB_PORT" --token-secret-file "$WORK/hub-data/token-secret" --devices 20 --load --batch 10 \
    --window 100 --duration "${SECONDS_PER_RUN}s" --progress-every 60s --subscribers "$n" --json "$WORK/fanout-$n.json" > /dev/null 2>&1
  stop "$HUB_PID"
  echo "   $n subscriber(s): $(json_field "$WORK/fanout-$n.json" subscriberMessagesPerSecond) messages/s delivered in total, ingest $(acked_per_second "$WORK/fanout-$n.json")/s, device send to subscriber p99 $(sub_latency "$WORK/fanout-$n.json" p99) ms"
done
