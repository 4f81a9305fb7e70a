# Helpers the benchmark scripts share (sourced, not run): ports, waiting, JSON fields, an influxd.

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_for() { # description, seconds, command...
  local what=$1 seconds=$2; shift 2
  for _ in $(seq 1 $((seconds * 10))); do "$@" > /dev/null 2>&1 && return; sleep 0.1; done
  echo "timed out waiting for $what" >&2; exit 1
}

json_field() { grep -o "\"$2\" : [0-9.]*" "$1" | head -1 | awk '{print $3}'; }

# Starts influxd with its data under $1 on a free loopback port; sets INFLUX_URL and adds its pid to PIDS.
start_influxd() {
  command -v influxd > /dev/null || { echo "influxd not found: apt-get install -y influxdb" >&2; exit 1; }
  local dir=$1 port
  port=$(free_port)
  mkdir -p "$dir"
  cat > "$dir/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$(free_port)"
[meta]
  dir = "$dir/meta"
[data]
  dir = "$dir/data"
  wal-dir = "$dir/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:$port"
  log-enabled = false
[monitor]
  store-enabled = false
CONF
  influxd -config "$dir/influxdb.conf" > "$dir/influxd.log" 2>&1 & PIDS+=($!)
  INFLUX_URL="http://127.0.0.1:$port"
  wait_for "influxd" 30 curl -fsS "$INFLUX_URL/ping"
}
