# shellcheck shell=bash
# Installs what Signalbox's tests and demo need on a Debian machine, skipping whatever is already there.
# Sourced by scripts/test.sh and scripts/demo.sh; every step is idempotent.

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

apt_updated=0
ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]} (run as root, or install them first)" >&2
    return 1
  fi
  if [ "$apt_updated" -eq 0 ]; then
    log "apt-get update"
    apt-get update -qq
    apt_updated=1
  fi
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Debian's nginx runs as www-data; the proxy config defaults to Interlock's user "nginx", so nginx -t
# needs that user to exist.
ensure_nginx_user() {
  id nginx >/dev/null 2>&1 && return 0
  [ "$(id -u)" -eq 0 ] || { echo "user nginx is missing (run as root)" >&2; return 1; }
  useradd --system --no-create-home --shell /usr/sbin/nologin nginx
}

ensure_node_modules() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# Debian's nginx package would start a system nginx on port 80; the tests run their own instances.
stop_system_nginx() {
  if pgrep -f 'nginx: master process /usr/sbin/nginx -g daemon on' >/dev/null 2>&1; then
    /usr/sbin/nginx -s quit 2>/dev/null || true
  fi
}

# A Docker engine in swarm mode; tests that create Docker objects use unique prefixes and clean up, so an
# existing swarm is fine.
ensure_swarm() {
  ensure_apt docker.io
  if ! timeout 5 docker info >/dev/null 2>&1; then
    log "starting dockerd"
    nohup dockerd >/var/log/signalbox-dockerd.log 2>&1 &
    for _ in $(seq 1 120); do timeout 5 docker info >/dev/null 2>&1 && break; sleep 0.5; done
    timeout 5 docker info >/dev/null 2>&1 || { echo "dockerd did not start; see /var/log/signalbox-dockerd.log" >&2; return 1; }
  fi
  if [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
    log "docker swarm init"
    docker swarm init --advertise-addr 127.0.0.1 >/dev/null
  fi
}

ensure_redis() {
  ensure_apt redis-server
  if ! redis-cli -p "${REDIS_PORT:-6379}" ping >/dev/null 2>&1; then
    log "starting redis-server on port ${REDIS_PORT:-6379}"
    redis-server --port "${REDIS_PORT:-6379}" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no >/dev/null
    for _ in $(seq 1 50); do redis-cli -p "${REDIS_PORT:-6379}" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
}
