#!/usr/bin/env bash
# The network fault lab of docs/reliability.md: the hub in one network namespace, the simulated
# fleet and a resuming subscriber in another, joined by a veth pair; each fault is injected with
# the kernel's own tools (iptables' statistic match for loss, DROP for a black hole, the tbf qdisc
# for bandwidth, the link set down for a partition, the hub killed or restarted) while 200 devices
# stream for a minute. One line per fault: readings generated, stored (each once, counted per
# device through the history API), missing, the subscriber's readings + reported gaps against
# what the devices sent, and how long until every device was online again.
# Needs root (namespaces, iptables, tc). Build first: mvn -q -B clean install -DskipTests
# Usage: benchmarks/faultlab.sh [seconds per run, default 60] [devices, default 200] [fault ...]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-60}
DEVICES=${2:-200}
shift $(($# > 2 ? 2 : $#)) || true
FAULTS=("$@")
[ ${#FAULTS[@]} -gt 0 ] || FAULTS=(none loss-1 loss-10 bandwidth-256kbit black-hole-20s partition-10s partition-60s hub-restart half-open)
HUB_JAR=$PWD/hub/target/hub.jar
SIM_JAR=$PWD/device-sim/target/device-sim.jar
[ "$(id -u)" = 0 ] || { echo "faultlab: run as root (network namespaces, iptables, tc)" >&2; exit 1; }
for tool in ip iptables tc python3; do command -v $tool > /dev/null || { echo "faultlab: $tool is missing" >&2; exit 1; }; done
[ -f "$HUB_JAR" ] && [ -f "$SIM_JAR" ] || { echo "faultlab: build first (mvn -q -B clean install -DskipTests)" >&2; exit 1; }

HUB_NS=thlab-hub SIM_NS=thlab-sim HUB_IP=10.77.0.1 SIM_IP=10.77.0.2 PORT=8080
WORK=$(mktemp -d)
HUB_PID="" SIM_PID="" SUB_PID=""
in_hub() { ip netns exec $HUB_NS "$@"; }
in_sim() { ip netns exec $SIM_NS "$@"; }
cleanup() {
  for pid in $SUB_PID $SIM_PID $HUB_PID; do kill "$pid" 2> /dev/null || true; done
  pkill -f "$WORK/" 2> /dev/null || true
  ip netns del $HUB_NS 2> /dev/null || true
  ip netns del $SIM_NS 2> /dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

make_network() {
  ip netns del $HUB_NS 2> /dev/null || true; ip netns del $SIM_NS 2> /dev/null || true
  ip netns add $HUB_NS; ip netns add $SIM_NS
  ip link add thlab-h type veth peer name thlab-s
  ip link set thlab-h netns $HUB_NS; ip link set thlab-s netns $SIM_NS
  in_hub ip addr add $HUB_IP/24 dev thlab-h; in_sim ip addr add $SIM_IP/24 dev thlab-s
  in_hub ip link set lo up; in_sim ip link set lo up
  in_hub ip link set thlab-h up; in_sim ip link set thlab-s up
}

# Heartbeats of 5 s / 15 s and a device watchdog of 20 s, so that a minute shows several rounds of
# detection; backoff up to 5 s (+ half of it as jitter): the bound a device must be back within.
BACKOFF_MAX_S=5
start_hub() { # data dir
  # Not through in_hub: a backgrounded function is a subshell, and $! would not be the hub.
  ip netns exec $HUB_NS java -jar "$HUB_JAR" serve --host $HUB_IP --port $PORT --data-dir "$1" --heartbeat-interval 5s \
    --heartbeat-timeout 15s --max-connections-per-address 2000 --handshake-rate-per-address 2000 >> "$WORK/hub.log" 2>&1 &
  HUB_PID=$!
  for _ in $(seq 1 300); do in_hub curl -fs "http://$HUB_IP:$PORT/health/live" > /dev/null 2>&1 && return; sleep 0.1; done
  echo "faultlab: the hub did not start; see its log:" >&2; tail -20 "$WORK/hub.log" >&2; exit 1
}

apply_fault() { # fault, phase (on|off)
  local fault=$1 phase=$2
  case "$fault" in
    none) ;;
    loss-*)
      local p; p=$(awk "BEGIN {print ${fault#loss-} / 100}")
      local op=-A; [ "$phase" = off ] && op=-D
      for chain in INPUT OUTPUT; do in_sim iptables $op $chain -m statistic --mode random --probability "$p" -j DROP; done ;;
    bandwidth-*)
      if [ "$phase" = on ]; then
        in_sim tc qdisc add dev thlab-s root tbf rate "${fault#bandwidth-}" burst 16kbit latency 2s
        in_hub tc qdisc add dev thlab-h root tbf rate "${fault#bandwidth-}" burst 16kbit latency 2s
      else
        in_sim tc qdisc del dev thlab-s root; in_hub tc qdisc del dev thlab-h root
      fi ;;
    black-hole-*) # every packet vanishes, both ways; the connections stay open on both sides
      local op=-A; [ "$phase" = off ] && op=-D
      for chain in INPUT OUTPUT; do in_sim iptables $op $chain -j DROP; done ;;
    partition-*)
      [ "$phase" = on ] && in_sim ip link set thlab-s down || in_sim ip link set thlab-s up ;;
    hub-restart)
      if [ "$phase" = on ]; then kill "$HUB_PID"; wait "$HUB_PID" 2> /dev/null || true; sleep 2; start_hub "$DATA"; fi ;;
    half-open) # the hub dies without a word while the link is down: the devices hold connections no one has
      if [ "$phase" = on ]; then
        in_sim ip link set thlab-s down; kill -9 "$HUB_PID"; wait "$HUB_PID" 2> /dev/null || true; start_hub "$DATA"
      else
        in_sim ip link set thlab-s up
      fi ;;
    *) echo "faultlab: unknown fault $fault" >&2; exit 2 ;;
  esac
}
fault_length() { # how long the fault lasts, in seconds
  case "$1" in
    partition-*|black-hole-*) local n=${1##*-}; echo "${n%s}" ;;
    hub-restart) echo 0 ;;
    half-open) echo 10 ;;
    *) echo $((SECONDS_PER_RUN / 3)) ;;
  esac
}

# Seconds from the fault's end until the progress lines show every device connected again.
back_online_after() { # progress file, end of fault (epoch s)
  python3 - "$1" "$2" "$DEVICES" <<'PY'
import re, sys
lines, end, devices = open(sys.argv[1]).read().splitlines(), float(sys.argv[2]), int(sys.argv[3])
start = None
for line in lines:
    m = re.match(r'(\d+\.\d+) t=\d+s connected=(\d+)/', line)
    if not m:
        continue
    at, connected = float(m.group(1)), int(m.group(2))
    if at >= end and connected == devices:
        print(f"{max(0.0, at - end):.1f}")
        sys.exit()
print("never")
PY
}

# The subscriber's readings (each (device, ts) once), readings it got twice, and the counts of its gaps.
subscriber_figures() { # output file
  python3 - "$1" <<'PY'
import json, sys
seen, twice, gaps = set(), 0, 0
for line in open(sys.argv[1]):
    try:
        m = json.loads(line)
    except ValueError:
        continue
    ch = m.get("channel", "")
    if ch.startswith("readings/"):
        key = (m["payload"]["device"], m["payload"]["ts"])
        twice += key in seen
        seen.add(key)
    elif ch == "$hub/gap":
        gaps += m["payload"]["count"]
print(len(seen), twice, gaps)
PY
}

stored_readings() { # the sum over devices of their stored readings, each (device, ts) once by the store's key
  local total=0 n id count
  for n in $(seq 1 "$DEVICES"); do
    id=$(printf 'dev-%04d' "$n")
    count=$(in_sim curl -fs -H "Authorization: Bearer $API_TOKEN" \
      "http://$HUB_IP:$PORT/api/devices/$id/readings?from=0&to=4294967295&limit=10000" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["readings"]))')
    total=$((total + count))
  done
  echo $total
}

# Copies of the jars: a build during the run does not change what runs.
cp "$HUB_JAR" "$WORK/hub.jar"; cp "$SIM_JAR" "$WORK/device-sim.jar"
HUB_JAR=$WORK/hub.jar SIM_JAR=$WORK/device-sim.jar
make_network
echo "== faultlab: $DEVICES devices, ${SECONDS_PER_RUN} s per fault, hub in netns $HUB_NS ($HUB_IP), fleet and subscriber in $SIM_NS; $(nproc) cores"
printf '%-18s %9s %9s %7s %6s %9s %7s %6s %10s %s\n' fault generated stored missing twice sub_got sub_gap sub_2x back_in exit
for fault in "${FAULTS[@]}"; do
  DATA=$WORK/data-$fault
  : > "$WORK/hub.log"
  start_hub "$DATA"
  API_TOKEN=$(java -jar "$HUB_JAR" token --api faultlab --role read --data-dir "$DATA")
  ip netns exec $SIM_NS java -jar "$HUB_JAR" subscribe 'readings/+' --url "ws://$HUB_IP:$PORT" --token "$API_TOKEN" \
    > "$WORK/sub-$fault.out" 2> "$WORK/sub-$fault.err" &
  SUB_PID=$!
  sleep 2
  in_sim java -jar "$SIM_JAR" --url "ws://$HUB_IP:$PORT" --token-secret-file "$DATA/token-secret" --devices "$DEVICES" \
    --duration "${SECONDS_PER_RUN}s" --drain 120s --ramp-up 5s --watchdog 20s --backoff-max ${BACKOFF_MAX_S}s \
    --progress-every 1s --json "$WORK/fleet-$fault.json" 2>&1 \
    | while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N | cut -c1-14)" "$line"; done > "$WORK/fleet-$fault.out" &
  SIM_PID=$!
  sleep $((SECONDS_PER_RUN / 3))
  apply_fault "$fault" on
  sleep "$(fault_length "$fault")"
  apply_fault "$fault" off
  FAULT_END=$(date +%s.%N | cut -c1-14)
  set +e; wait "$SIM_PID"; SIM_EXIT=$(python3 -c "import json; print(0 if json.load(open('$WORK/fleet-$fault.json'))['missing'] == 0 else 1)" 2> /dev/null || echo '?'); set -e
  SIM_PID=""
  sleep 5 # the subscriber's last messages
  kill "$SUB_PID" 2> /dev/null || true; wait "$SUB_PID" 2> /dev/null || true; SUB_PID=""
  GENERATED=$(grep -o '"generated" : [0-9]*' "$WORK/fleet-$fault.json" | awk '{print $3}')
  MISSING=$(grep -o '"missing" : [0-9]*' "$WORK/fleet-$fault.json" | awk '{print $3}')
  STORED=$(stored_readings)
  read -r SUB_GOT SUB_TWICE SUB_GAPS < <(subscriber_figures "$WORK/sub-$fault.out")
  BACK=$(back_online_after "$WORK/fleet-$fault.out" "$FAULT_END")
  printf '%-18s %9s %9s %7s %6s %9s %7s %6s %10s %s\n' "$fault" "$GENERATED" "$STORED" "$MISSING" \
    "$((STORED > GENERATED ? STORED - GENERATED : 0))" "$SUB_GOT" "$SUB_GAPS" "$SUB_TWICE" "${BACK}s" "$SIM_EXIT"
  kill "$HUB_PID" 2> /dev/null || true; wait "$HUB_PID" 2> /dev/null || true; HUB_PID=""
done
echo "== generated: readings the devices made; stored: distinct (device, ts) in the store; missing: generated, never acked;"
echo "   twice: stored beyond generated; sub_got: distinct readings the subscriber printed; sub_gap: readings it was told"
echo "   it missed (\$hub/gap); sub_2x: readings it printed twice; back_in: fault end to every device connected again;"
echo "   exit: device-sim's verdict (0: every generated reading acked). Bound for back_in: ${BACKOFF_MAX_S} s backoff + half of it as jitter + detection."
