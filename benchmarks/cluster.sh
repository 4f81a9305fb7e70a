#!/usr/bin/env bash
# The cluster benchmark of docs/benchmarks.md, on one machine, loopback only:
# influxd and three clustered hubs (node-1..3), then
#   (a) device to subscriber latency, the subscriber on the devices' node and on another node;
#   (b) what crosses between nodes: messages node-1 sends to node-2 and node-3 with nobody
#       subscribed elsewhere, three subscribers on node-2, and subscribers on both;
#   (c) 300 devices through HAProxy (deploy/haproxy.cfg) spread over the three nodes;
#   (d) memory: 10,000 idle devices on node-1, live heap per device on node-1 (the connection)
#       and on node-2 (its record of a device connected elsewhere).
# (b) runs first, which also warms the hubs up for (a). Every run is bounded (seconds per run,
# default 15). Needs influxd (Debian: influxdb) and, for (c), haproxy.
# Build first: mvn -q -B clean install -DskipTests
# Usage: benchmarks/cluster.sh [seconds per run, default 15]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-15}
SIM=device-sim/target/device-sim.jar
HUB=hub/target/hub.jar
CLUSTER_PORT_BASE=${CLUSTER_PORT_BASE:-15700} # node-N's Hazelcast port is base + N
WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

. benchmarks/lib.sh
metric() { # port, series: its value in the hub's /metrics
  curl -fsS "http://127.0.0.1:$1/metrics" | awk -v s="$2" 'index($0, s " ") == 1 {print $2}'
}
sub_latency() { grep -A5 '"subscriberLatencyMs"' "$1" | grep -o "\"$2\" : [0-9.]*" | awk '{print $3}'; }

start_influxd "$WORK/influx"

MEMBERS=$(for n in 1 2 3; do printf '127.0.0.1:%d,' $((CLUSTER_PORT_BASE + n)); done)
# The nodes talk over mutual TLS, as in production: certificates of one CA for node-1..3.
deploy/cluster-certs.sh "$WORK/certs" node-1 node-2 node-3 > /dev/null
declare -A PORT HUB_PID
for n in 1 2 3; do
  PORT[$n]=$(free_port)
  java -jar "$HUB" serve --host 127.0.0.1 --port "${PORT[$n]}" --data-dir "$WORK/hub-$n" --no-auth --node-name "node-$n" \
    --store influx --influx-url "$INFLUX_URL" --influx-database bench \
    --cluster --cluster-host 127.0.0.1 --cluster-port $((CLUSTER_PORT_BASE + n)) --cluster-members "${MEMBERS%,}" \
    --cluster-tls-cert "$WORK/certs/node-$n.crt" --cluster-tls-key "$WORK/certs/node-$n.key" --cluster-tls-ca "$WORK/certs/ca.crt" \
    --max-connections-per-address 20000 --handshake-rate-per-address 2000 > "$WORK/hub-$n.log" 2>&1 & PIDS+=($!); HUB_PID[$n]=$!
done
for n in 1 2 3; do
  wait_for "node-$n ready" 120 curl -fsS "http://127.0.0.1:${PORT[$n]}/health/ready"
  wait_for "node-$n seeing three nodes" 60 sh -c "curl -fsS http://127.0.0.1:${PORT[$n]}/metrics | grep -q '^hub_cluster_nodes 3'"
done
URL1="ws://127.0.0.1:${PORT[1]}"; URL2="ws://127.0.0.1:${PORT[2]}"; URL3="ws://127.0.0.1:${PORT[3]}"
echo "== machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $(java -version 2>&1 | head -1), $(influxd version 2>/dev/null | head -1)"
echo "== three hubs in one cluster on InfluxDB, ${SECONDS_PER_RUN} s per run"

# (b) 100 devices on node-1 as fast as acks allow (16 packets per frame), with subscribers:
# nowhere; three on node-2 (device-sim's); three on node-2 and one on node-3 (hub subscribe).
routing_run() { # label, device-sim subscriber args...
  local label=$1; shift
  local to2=$(metric "${PORT[1]}" 'hub_cluster_messages_sent_total{node="node-2"}')
  local to3=$(metric "${PORT[1]}" 'hub_cluster_messages_sent_total{node="node-3"}')
  local dropped=$(metric "${PORT[1]}" 'hub_cluster_messages_dropped_total{node="node-2"}')
  dropped=$(awk "BEGIN {print $dropped + $(metric "${PORT[1]}" 'hub_cluster_messages_dropped_total{node="node-3"}')}")
  java -jar "$SIM" --url "$URL1" --no-auth --devices 100 --load --batch 16 --window 4096 --outbox 10000 \
    --duration "${SECONDS_PER_RUN}s" --progress-every 60s --json "$WORK/routing.json" "$@" > /dev/null 2>&1
  sleep 1 # what is on its way to the other nodes is counted by now
  local acked=$(json_field "$WORK/routing.json" acked)
  printf '== (b) %-30s acked %6d/s; node-1 sent node-2 %8.0f, node-3 %8.0f messages, dropped %.0f (readings acked: %d)\n' \
    "$label" \
    "$(json_field "$WORK/routing.json" ackedPerSecond)" \
    "$(awk "BEGIN {print $(metric "${PORT[1]}" 'hub_cluster_messages_sent_total{node="node-2"}') - $to2}")" \
    "$(awk "BEGIN {print $(metric "${PORT[1]}" 'hub_cluster_messages_sent_total{node="node-3"}') - $to3}")" \
    "$(awk "BEGIN {print $(metric "${PORT[1]}" 'hub_cluster_messages_dropped_total{node="node-2"}') \
      + $(metric "${PORT[1]}" 'hub_cluster_messages_dropped_total{node="node-3"}') - $dropped}")" "$acked"
}
routing_run "nobody subscribed:"
routing_run "3 subscribers on node-2:" --subscribers 3 --subscribe-url "$URL2"
java -jar "$HUB" subscribe --url "$URL3" 'readings/#' > /dev/null 2>&1 & SUB_PID=$!; PIDS+=($SUB_PID)
sleep 3 # its subscription reaches node-1
routing_run "3 on node-2 and 1 on node-3:" --subscribers 3 --subscribe-url "$URL2"
kill "$SUB_PID"

# (a) 1,000 devices at 1 reading/s on node-1 (twice the run length, plus 5 s of ramp-up left out of
# the percentiles: 1 reading in 64 is timed); one subscriber to readings/# on node-1, then on node-2.
for where in node-1 node-2; do
  SUBSCRIBE_URL=$([ "$where" = node-1 ] && echo "$URL1" || echo "$URL2")
  java -jar "$SIM" --url "$URL1" --no-auth --devices 1000 --rate 1 --ramp-up 2s --measure-after 5s \
    --duration "$((SECONDS_PER_RUN * 2 + 5))s" \
    --subscribers 1 --subscribe-url "$SUBSCRIBE_URL" --progress-every 60s --json "$WORK/latency-$where.json" > /dev/null 2>&1
  echo "== (a) devices on node-1, subscriber on $where: device send to subscriber receipt p50 $(sub_latency "$WORK/latency-$where.json" p50)" \
    "/ p99 $(sub_latency "$WORK/latency-$where.json" p99) / p99.9 $(sub_latency "$WORK/latency-$where.json" p999) ms" \
    "($(sub_latency "$WORK/latency-$where.json" samples) samples); ack p50 $(json_field "$WORK/latency-$where.json" p50) ms"
done

# (c) 300 devices through HAProxy, 16 packets per frame as fast as acks allow.
if command -v haproxy > /dev/null; then
  HAPROXY_PORT=$(free_port)
  sed -e "s/bind :8080/bind 127.0.0.1:$HAPROXY_PORT/" -e "s/log stdout format raw local0 warning//" \
    -e "s/hub-1:8080/127.0.0.1:${PORT[1]}/" -e "s/hub-2:8080/127.0.0.1:${PORT[2]}/" -e "s/hub-3:8080/127.0.0.1:${PORT[3]}/" \
    deploy/haproxy.cfg > "$WORK/haproxy.cfg"
  haproxy -f "$WORK/haproxy.cfg" -db > "$WORK/haproxy.log" 2>&1 & PIDS+=($!)
  wait_for "haproxy" 30 curl -fsS -o /dev/null "http://127.0.0.1:$HAPROXY_PORT/health/ready"
  java -jar "$SIM" --url "ws://127.0.0.1:$HAPROXY_PORT" --no-auth --devices 300 --load --batch 16 --window 1024 --outbox 10000 \
    --duration "${SECONDS_PER_RUN}s" --progress-every 60s --json "$WORK/haproxy.json" > "$WORK/haproxy-sim.log" 2>&1 &
  SIM_PID=$!
  sleep $((SECONDS_PER_RUN / 2))
  SPREAD=$(for n in 1 2 3; do printf 'node-%d %s, ' "$n" "$(metric "${PORT[$n]}" hub_device_connections_active)"; done)
  wait "$SIM_PID"
  echo "== (c) 300 devices through HAProxy: acked $(json_field "$WORK/haproxy.json" ackedPerSecond)/s, lost" \
    "$(json_field "$WORK/haproxy.json" lost), reconnects $(json_field "$WORK/haproxy.json" reconnects); devices per node mid-run: ${SPREAD%, }"
else
  echo "== (c) skipped: haproxy not installed (apt-get install -y haproxy)"
fi

# (d) 10,000 idle devices (1 reading every 1,000 s) on node-1: live heap after a full GC, and RSS,
# before and with them, on node-1 (where they are connected) and node-2 (which knows them as remote).
live_heap_kib() { jcmd "$1" GC.run > /dev/null; jcmd "$1" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | tr -dc '0-9'; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
IDLE=10000
sleep 5 # what the earlier runs left settles
HEAP1=$(live_heap_kib "${HUB_PID[1]}"); HEAP2=$(live_heap_kib "${HUB_PID[2]}"); RSS1=$(rss_kib "${HUB_PID[1]}")
java -Xss256k -jar "$SIM" --url "$URL1" --no-auth --id-pattern 'idle-%05d' --devices "$IDLE" --rate 0.001 --ramp-up 10s \
  --duration 60s --progress-every 5s --drain 5s > "$WORK/idle.log" 2>&1 & SIM_PID=$!
for _ in $(seq 1 60); do grep -q "connected=$IDLE/$IDLE" "$WORK/idle.log" && break; sleep 1; done
sleep 5 # their presences reach node-2
ONLINE2=$(curl -fsS "http://127.0.0.1:${PORT[2]}/api/devices" | grep -o '"node":"node-1"' | wc -l)
HEAP1B=$(live_heap_kib "${HUB_PID[1]}"); HEAP2B=$(live_heap_kib "${HUB_PID[2]}"); RSS1B=$(rss_kib "${HUB_PID[1]}")
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true
echo "== (d) $IDLE idle devices on node-1 (node-2 lists $ONLINE2 on node-1): live heap per device on node-1" \
  "$(awk "BEGIN {printf \"%.1f\", ($HEAP1B - $HEAP1) / $IDLE}") KiB (RSS $(awk "BEGIN {printf \"%.1f\", ($RSS1B - $RSS1) / $IDLE}") KiB)," \
  "on node-2 $(awk "BEGIN {printf \"%.2f\", ($HEAP2B - $HEAP2) / $IDLE}") KiB"

