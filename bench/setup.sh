#!/usr/bin/env bash
# Installs what the benchmarks run beside AiKv: redis-server and redis-tools (every
# benchmark), etcd-server and etcd-client (the consensus anchor of bench/cluster.ts).
set -euo pipefail
need=()
command -v redis-server >/dev/null || need+=(redis-server)
command -v redis-benchmark >/dev/null || need+=(redis-tools)
command -v etcd >/dev/null || need+=(etcd-server)
command -v etcdctl >/dev/null || need+=(etcd-client)
if [ ${#need[@]} -eq 0 ]; then
  echo "bench/setup.sh: everything is installed"
  exit 0
fi
echo "bench/setup.sh: installing ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
