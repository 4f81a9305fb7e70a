#!/usr/bin/env bash
# Two builds of the hub, side by side on this machine: each git ref is built in a worktree of its
# own, then the two run alternately (A B A B ...) under the same loads, from the same generator, so
# that both meet the machine in the same state; each round also runs the ack-only reference server
# (R: a bare Vert.x WebSocket server that counts packets and acks each frame) under the same load:
#   1/frame   100 devices, one packet per frame, as fast as a window of 4,096 unacked packets allows
#   16/frame  the same with 16 packets per frame
#   15k x 1/s 15,000 devices at one reading a second, connected over 15 s; latency from 45 s to 90 s
#             (the first pings of the hub go out from 25 s to 40 s, see docs/benchmarks.md)
# The generator is LeanLoad (benchmarks module): one thread of plain NIO, a fraction of the hub's
# CPU. Each run prints readings acked per second, ack p50 / p99 / p99.9, and the CPU of the hub, of
# the generator, of every other process and of the kernel's interrupt handling (loopback packets
# are mostly processed there), in cores over the run. A run during which the other processes used
# more than 10 % of a core is marked '*' and left out of the medians at the end.
# The hub runs on the embedded store with --no-auth and the per-address limits raised, plus
# $HUB_ARGS_A / $HUB_ARGS_B for build A / B (the same ref twice with different settings compares settings).
# $HUB_JAVA_A / $HUB_JAVA_B: the java binary of each hub (default: java on the PATH), and
# $HUB_JVM_ARGS_A / $HUB_JVM_ARGS_B its JVM options (a JDK and a collector compare this way).
# $REFERENCE=0 leaves the reference server out.
#
# Build this checkout first (its benchmarks jar holds the generator): mvn -q -B clean install -DskipTests
# Usage: benchmarks/compare.sh REF_A REF_B [rounds, default 2] [loads, default "1 16 15k"]
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $0 REF_A REF_B [rounds] [loads]" >&2; exit 2; }
REF_A=$1 REF_B=$2 ROUNDS=${3:-2} LOADS=${4:-"1 16 15k"}
BENCH=$PWD/benchmarks/target/benchmarks.jar
[ -f "$BENCH" ] || { echo "$BENCH is missing: build this checkout first (mvn -q -B clean install -DskipTests)" >&2; exit 2; }
REFERENCE=${REFERENCE:-1}
source benchmarks/lib.sh
WORK=$(mktemp -d)
PIDS=()
WORKTREES=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for tree in "${WORKTREES[@]}"; do git worktree remove --force "$tree" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

TICKS=$(getconf CLK_TCK)
pid_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }    # user + system, every thread
# Every process's user + system time (field 2, the name, has no spaces here but may: count from the end).
all_ticks() { cat /proc/[0-9]*/stat 2>/dev/null | awk '{n = NF; sum += $(n - 38) + $(n - 37)} END {print sum}'; }
# The kernel's own interrupt work (loopback packets are mostly processed there), not any process's.
irq_ticks() { awk '/^cpu / {print $7 + $8}' /proc/stat; }

build() { # ref, name: the hub of that ref, built in a worktree; prints the jar's path
  local tree="$WORK/$2"
  git worktree add --detach "$tree" "$1" > /dev/null 2>&1 || { echo "cannot check out $1" >&2; exit 2; }
  WORKTREES+=("$tree")
  (cd "$tree" && { mvn -q -B -o -pl hub -am package -DskipTests -Dcheckstyle.skip > "$WORK/build-$2.log" 2>&1 \
    || mvn -q -B -pl hub -am package -DskipTests -Dcheckstyle.skip >> "$WORK/build-$2.log" 2>&1; }) \
    || { echo "building $1 failed: $WORK/build-$2.log" >&2; cat "$WORK/build-$2.log" >&2; exit 2; }
  echo "$tree/hub/target/hub.jar"
}

start_hub() { # build name, jar
  rm -rf "$WORK/hub-data"
  # The run before left its store's writes to the disk: let them land before this run starts, or
  # the second run of a pair meets them (seen as whole runs with every commit slower).
  sync
  sleep 2
  local port java args; port=$(free_port)
  if [ "$1" = R ]; then
    java -cp "$BENCH" org.telemetryhub.bench.ReferenceServer "$port" > "$WORK/hub.log" 2>&1 & PIDS+=($!); HUB_PID=$!
    HUB_URL="ws://127.0.0.1:$port"
    wait_for "the reference server" 60 grep -q "listening" "$WORK/hub.log"
    return
  fi
  local jvm
  if [ "$1" = A ]; then java=${HUB_JAVA_A:-java}; jvm=${HUB_JVM_ARGS_A:-}; args=${HUB_ARGS_A:-}
  else java=${HUB_JAVA_B:-java}; jvm=${HUB_JVM_ARGS_B:-}; args=${HUB_ARGS_B:-}; fi
  # shellcheck disable=SC2086
  "$java" $jvm -Xlog:gc:file="$WORK/gc-$1.log":uptime -jar "$2" serve --port "$port" --host 127.0.0.1 --data-dir "$WORK/hub-data" \
    --no-auth --max-connections-per-address 20000 --handshake-rate-per-address 2000 $args > "$WORK/hub.log" 2>&1 & PIDS+=($!); HUB_PID=$!
  HUB_URL="ws://127.0.0.1:$port"
  wait_for "the hub" 60 curl -fsS "http://127.0.0.1:$port/health/ready"
}

load_args() { # load
  case $1 in
    1) echo "--devices 100 --rate 0 --batch 1 --window 4096 --duration 20 --measure-after 5" ;;
    16) echo "--devices 100 --rate 0 --batch 16 --window 4096 --duration 20 --measure-after 5" ;;
    15k) echo "--devices 15000 --rate 1 --ramp-up 15 --duration 90 --measure-after 45" ;;
    *) echo "unknown load $1" >&2; exit 2 ;;
  esac
}

# One run: the hub of one build under one load; appends a line to $WORK/results.
run() { # build name, jar, load, round
  start_hub "$1" "$2"
  local json="$WORK/run.json" all0 irq0 hub0 start end
  all0=$(all_ticks); irq0=$(irq_ticks); hub0=$(pid_ticks "$HUB_PID"); start=$(date +%s.%N)
  # shellcheck disable=SC2046
  java -cp "$BENCH" org.telemetryhub.bench.LeanLoad --url "$HUB_URL" $(load_args "$3") --drain 30 --timeline true \
    --json "$json" > "$WORK/sim.log" 2>&1 & local sim=$!
  local sim_ticks=0
  while kill -0 "$sim" 2>/dev/null; do sim_ticks=$(pid_ticks "$sim"); sleep 0.5; done
  wait "$sim" || true
  end=$(date +%s.%N)
  local all1 irq1 hub1; all1=$(all_ticks); irq1=$(irq_ticks); hub1=$(pid_ticks "$HUB_PID")
  local commits=""
  if [ "$1" != R ]; then
    commits=$(curl -s "${HUB_URL/ws:/http:}/metrics" | awk '/^hub_store_batch_latency_seconds_count/ {n = $2}
      /^hub_store_batch_latency_seconds_sum/ {s = $2} /^hub_store_batch_latency_seconds_max/ {m = $2}
      END {if (n > 0) printf "; store commits %d, mean %.1f ms, max of the last minute %.0f ms", n, s / n * 1000, m * 1000}')
  fi
  kill "$HUB_PID"; wait "$HUB_PID" 2>/dev/null || true
  # The generator has ended by now: its ticks are its last sample, not in all1; the others are everything else.
  awk -v b="$1" -v l="$3" -v r="$4" -v t="$TICKS" -v s="$start" -v e="$end" -v all=$((all1 - all0 + sim_ticks)) \
      -v irq=$((irq1 - irq0)) \
      -v hub=$((hub1 - hub0)) -v gen="$sim_ticks" -v acked="$(json_field "$json" ackedPerSecond)" \
      -v p50="$(json_field "$json" p50)" -v p99="$(json_field "$json" p99)" -v p999="$(json_field "$json" p999)" 'BEGIN {
    secs = e - s; hubc = hub / t / secs; genc = gen / t / secs; other = (all - hub - gen) / t / secs; kernel = irq / t / secs
    if (other < 0) other = 0
    printf "%s %s %d %s %s %s %s %.2f %.2f %.2f %.2f %s\n", b, l, r, acked, p50, p99, p999, hubc, genc, other, kernel, (other > 0.10 ? "*" : "")
  }' >> "$WORK/results"
  grep '^worst' "$WORK/sim.log" > "$WORK/timeline-$1-$3-$4" || true
  grep -q '"missing" : 0,' "$json" || echo "   ($1 $3 round $4: acks missing or connections lost: $(tr -d '\n' < "$WORK/sim.log" | cut -c1-300))"
  tail -1 "$WORK/results" | awk -v c="$commits" '{printf "   round %d  %-2s %-4s acked %8s/s  ack p50 %7s  p99 %7s  p99.9 %7s ms  cores: hub %s, generator %s, other processes %s, kernel interrupts %s%s %s\n",
    $3, $1, $2, $4, $5, $6, $7, $8, $9, $10, $11, c, $12}'
}

echo "== building A = $REF_A ($(git rev-parse --short "$REF_A")) and B = $REF_B ($(git rev-parse --short "$REF_B"))"
JAR_A=$(build "$REF_A" a)
JAR_B=$(build "$REF_B" b)
echo "== machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $(java -version 2>&1 | head -1); generator: LeanLoad"
[ -z "${HUB_ARGS_A:-}${HUB_ARGS_B:-}" ] || echo "== hub settings: A '${HUB_ARGS_A:-}', B '${HUB_ARGS_B:-}'"
[ -z "${HUB_JAVA_A:-}${HUB_JAVA_B:-}${HUB_JVM_ARGS_A:-}${HUB_JVM_ARGS_B:-}" ] || echo "== JVMs: A '${HUB_JAVA_A:-java} ${HUB_JVM_ARGS_A:-}' ($("${HUB_JAVA_A:-java}" -version 2>&1 | head -1)), B '${HUB_JAVA_B:-java} ${HUB_JVM_ARGS_B:-}' ($("${HUB_JAVA_B:-java}" -version 2>&1 | head -1))"
: > "$WORK/results"
for round in $(seq 1 "$ROUNDS"); do
  for load in $LOADS; do
    run A "$JAR_A" "$load" "$round"
    run B "$JAR_B" "$load" "$round"
    [ "$REFERENCE" = 0 ] || run R "" "$load" "$round"
  done
done

echo "== medians of the unmarked runs (A = $REF_A, B = $REF_B, R = the ack-only reference server)"
median() { sort -g | awk '{v[NR] = $1} END {if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
for load in $LOADS; do
  for b in A B R; do
    rows=$(awk -v b="$b" -v l="$load" '$1 == b && $2 == l && $12 != "*"' "$WORK/results")
    n=$(printf '%s\n' "$rows" | grep -c . || true)
    [ "$n" -gt 0 ] || continue
    col() { printf '%s\n' "$rows" | awk -v c="$1" 'NF {print $c}' | median; }
    printf "   %-4s %s: acked %s/s, ack p50 %s, p99 %s, p99.9 %s ms, hub %s, generator %s cores (%d runs)\n" "$load" "$b" \
      "$(col 4)" "$(col 5)" "$(col 6)" "$(col 7)" "$(col 8)" "$(col 9)" "$n"
  done
done
echo "== the worst ack latency of each second of the 15k runs (ms), to tell a stall from a spread tail"
for file in "$WORK"/timeline-*-15k-*; do [ -f "$file" ] && echo "   ${file##*/timeline-}: $(cut -d: -f2- "$file")"; done
