#!/bin/sh
# The certificates of a cluster of hubs: a CA, and a certificate with its key for each node, signed
# by that CA, in DIR. Only what is missing is made: run it again with a new node's name to add one.
# Each node gets --cluster-tls-cert DIR/NODE.crt --cluster-tls-key DIR/NODE.key --cluster-tls-ca DIR/ca.crt;
# any holder of a certificate of this CA is a member, so keep ca.key away from the nodes once they
# have theirs (docs/security.md, "Cluster").
#
# Usage: deploy/cluster-certs.sh DIR NODE [NODE...]      (needs openssl)
set -eu
if [ $# -lt 2 ]; then
  echo "usage: $0 DIR NODE [NODE...]" >&2
  exit 2
fi
dir=$1
shift
command -v openssl >/dev/null || { echo "$0: openssl is needed (apt-get install openssl)" >&2; exit 1; }
umask 077
mkdir -p "$dir"
if [ ! -f "$dir/ca.crt" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj "/CN=telemetry-hub cluster CA" -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
  echo "made the cluster CA: $dir/ca.crt"
fi
for node in "$@"; do
  [ -f "$dir/$node.crt" ] && continue
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$node" \
    -keyout "$dir/$node.key" -out "$dir/$node.csr" 2>/dev/null
  openssl x509 -req -in "$dir/$node.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 825 \
    -out "$dir/$node.crt" 2>/dev/null
  rm -f "$dir/$node.csr"
  echo "made $dir/$node.crt and $dir/$node.key"
done
# Certificates are public; keys stay readable by their owner only (the user the hubs run as).
chmod 644 "$dir"/*.crt
