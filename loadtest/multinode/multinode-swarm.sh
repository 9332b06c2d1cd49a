#!/usr/bin/env bash
# A three-engine swarm on this one machine, for `npm run loadtest:multinode`: each dockerd in a network
# namespace of its own with a non-loopback address on a veth link to one bridge, one manager and two
# workers. `nsenter --net=` (not `ip netns exec`, which remounts /sys and hides the cgroup mounts) starts
# each engine; images are copied from the host's engine with `docker save | docker load`.
#
#   multinode-swarm.sh up     builds it (idempotent: a running one is left as it is)
#   multinode-swarm.sh down   removes every engine, namespace, link and data directory it made
#
# Engines answer on unix:///run/sbmn<N>/docker.sock; node N has address 10.231.0.1N, the host 10.231.0.1.
# Each engine also runs in a mount namespace of its own where /run/signalbox-node is its /run/sbmn<N>: a
# container that bind-mounts /run/signalbox-node/docker.sock reaches the engine of the node it runs on, as
# /var/run/docker.sock does on a real node.
#
#   SIGNALBOX_MN_MANAGERS   how many of the three nodes are managers (default 1)
#   SIGNALBOX_MN_IMAGES     more images to copy into every engine (space-separated)
set -euo pipefail
PREFIX=sbmn
BRIDGE=${PREFIX}br0
NET=10.231.0
BASE=/var/lib/signalbox-multinode
MANAGERS=${SIGNALBOX_MN_MANAGERS:-1}
# shellcheck disable=SC2206
IMAGES=("${SIGNALBOX_PROXY_IMAGE:-signalbox/proxy:local}" "${SIGNALBOX_APP_IMAGE:-signalbox/app:local}" ${SIGNALBOX_MN_IMAGES:-})

sock() { echo "unix:///run/${PREFIX}$1/docker.sock"; }
engine() { local n=$1; shift; docker -H "$(sock "$n")" "$@"; }

up() {
  if engine 1 info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null | grep -q active; then
    echo "multinode swarm already up" >&2
    return 0
  fi
  ip link show "$BRIDGE" >/dev/null 2>&1 || {
    ip link add "$BRIDGE" type bridge
    ip addr add "$NET.1/24" dev "$BRIDGE"
    ip link set "$BRIDGE" up
  }
  sysctl -qw net.ipv4.ip_forward=1
  # Docker sets the FORWARD policy to DROP and bridged frames pass iptables (br_netfilter): let the nodes
  # talk to each other across the bridge.
  iptables -C FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null || iptables -I FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT
  for n in 1 2 3; do
    local ns=${PREFIX}$n
    if ! ip netns list | grep -qw "$ns"; then
      ip netns add "$ns"
      ip link add "${PREFIX}v$n" type veth peer name eth0 netns "$ns"
      ip link set "${PREFIX}v$n" master "$BRIDGE" up
      ip -n "$ns" addr add "$NET.1$n/24" dev eth0
      ip -n "$ns" link set eth0 up
      ip -n "$ns" link set lo up
      ip -n "$ns" route add default via "$NET.1"
    fi
    mkdir -p "$BASE/$ns" "/run/$ns" /run/signalbox-node
    nsenter --net="/run/netns/$ns" unshare --mount --propagation private sh -c \
      "mount --bind /run/$ns /run/signalbox-node && exec env DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 \
        dockerd --data-root $BASE/$ns --exec-root /run/$ns/exec --pidfile /run/$ns/docker.pid -H $(sock "$n")" \
      >"/run/$ns/dockerd.log" 2>&1 &
  done
  for n in 1 2 3; do
    for _ in $(seq 1 100); do engine "$n" info >/dev/null 2>&1 && break; sleep 0.3; done
    engine "$n" info >/dev/null || { echo "engine $n did not start: see /run/${PREFIX}$n/dockerd.log" >&2; exit 1; }
  done
  engine 1 swarm init --advertise-addr "$NET.11" --listen-addr "$NET.11:2377" >/dev/null
  local worker manager
  worker=$(engine 1 swarm join-token -q worker)
  manager=$(engine 1 swarm join-token -q manager)
  for n in 2 3; do
    local token=$worker
    [ "$n" -le "$MANAGERS" ] && token=$manager
    engine "$n" swarm join --advertise-addr "$NET.1$n" --token "$token" "$NET.11:2377" >/dev/null
  done
  for n in 1 2 3; do docker save "${IMAGES[@]}" | engine "$n" load >/dev/null; done
  echo "multinode swarm up: nodes $NET.11-13, the first $MANAGERS of them managers" >&2
}

down() {
  for n in 1 2 3; do
    local ns=${PREFIX}$n
    if [ -f "/run/$ns/docker.pid" ]; then
      local pid
      pid=$(cat "/run/$ns/docker.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    # Mounts a killed engine left behind (overlay layers, netns files) would keep the data directory busy.
    grep -E " ($BASE/$ns|/run/$ns)[/ ]" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    ip link del "${PREFIX}v$n" 2>/dev/null || true
    rm -rf "${BASE:?}/$ns" "/run/$ns"
  done
  iptables -D FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null || true
  ip link del "$BRIDGE" 2>/dev/null || true
  rmdir "$BASE" 2>/dev/null || true
  echo "multinode swarm removed" >&2
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
