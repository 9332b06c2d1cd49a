#!/usr/bin/env bash
# The demo on a fresh Debian machine (as root): installs what is missing, starts dockerd in swarm mode,
# builds the local images, deploys the Signalbox stack and a three-tenant sample, waits until every route
# answers through the front door on 127.0.0.1:80, and prints what routes where. `npm run demo:down` (this
# script with `down`) removes all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure.sh

STACK=signalbox
TOKEN_FILE=.tmp/demo-grpc-token
VIEWER_TOKEN_FILE=.tmp/demo-viewer-token
REDIS_PASSWORD_SECRET=signalbox-redis-password
# The gRPC API's CA and certificates (deploy/tls/make-grpc-tls.sh); the CLI reads ca.crt from here.
TLS_DIR=.tmp/demo-grpc-tls
# Each TLS secret and the file of TLS_DIR it holds.
TLS_SECRETS=(signalbox-grpc-ca:ca.crt signalbox-grpc-tls-cert:server.crt signalbox-grpc-tls-key:server.key)

down() {
  log "removing the stack"
  docker stack rm "$STACK" >/dev/null 2>&1 || true
  for _ in $(seq 1 60); do
    [ -z "$(docker ps -q --filter label=com.docker.stack.namespace=$STACK)" ] && break
    sleep 1
  done
  npx tsx scripts/demo-stack.ts down
  docker secret rm signalbox-grpc-token signalbox-viewer-token "$REDIS_PASSWORD_SECRET" "${TLS_SECRETS[@]%%:*}" >/dev/null 2>&1 || true
  docker config ls --format '{{.Name}}' | grep '^signalbox-config-' | xargs -r docker config rm >/dev/null 2>&1 || true
  docker volume rm "${STACK}_redis-data" >/dev/null 2>&1 || true
  rm -f "$TOKEN_FILE" "$VIEWER_TOKEN_FILE"
  rm -rf "$TLS_DIR"
  log "removed"
}

if [ "${1:-up}" = down ]; then
  down
  exit 0
fi

trap 'echo "demo failed at the step above; see docker service ls, docker service logs ${STACK}_coordinator" >&2' ERR
ensure_apt nginx libnginx-mod-stream libnginx-mod-http-lua lua-resty-core openssl ca-certificates busybox-static redis-server
ensure_nginx_user
stop_system_nginx
ensure_swarm
ensure_node_modules
log "building the local images (cached when nothing changed)"
bash deploy/images/build-proxy-image.sh
bash deploy/images/build-app-image.sh
bash deploy/images/build-signalbox-image.sh
bash deploy/images/build-redis-image.sh
mkdir -p .tmp
# A random token as secret $1, kept in file $2 for the demo's user to read; $3 says what it is for.
token_secret() {
  if ! docker secret inspect "$1" >/dev/null 2>&1; then
    log "creating the $3 secret"
    openssl rand -hex 24 > "$2"
    docker secret create --label io.signalbox.managed-by=signalbox "$1" "$2" >/dev/null
  elif [ ! -s "$2" ]; then
    echo "secret $1 exists but $2 is gone; run npm run demo:down first" >&2
    exit 1
  fi
}
token_secret signalbox-grpc-token "$TOKEN_FILE" "API token"
token_secret signalbox-viewer-token "$VIEWER_TOKEN_FILE" "viewer token (dashboard and metrics, read only)"
if ! docker secret inspect "$REDIS_PASSWORD_SECRET" >/dev/null 2>&1; then
  log "creating Redis's password secret"
  # Only Redis, the coordinators and the workers read it; nobody needs to know it.
  openssl rand -hex 24 | docker secret create --label io.signalbox.managed-by=signalbox "$REDIS_PASSWORD_SECRET" - >/dev/null
fi
if ! docker secret inspect signalbox-grpc-tls-key >/dev/null 2>&1; then
  log "creating the gRPC API's CA and certificate"
  bash deploy/tls/make-grpc-tls.sh "$TLS_DIR"
  for pair in "${TLS_SECRETS[@]}"; do
    docker secret create --label io.signalbox.managed-by=signalbox "${pair%%:*}" "$TLS_DIR/${pair#*:}" >/dev/null
  done
elif [ ! -s "$TLS_DIR/ca.crt" ]; then
  echo "secret signalbox-grpc-tls-key exists but $TLS_DIR is gone; run npm run demo:down first" >&2
  exit 1
fi
log "deploying the stack, with the operator ports published on 127.0.0.1's manager"
SIGNALBOX_CONFIG_HASH=$(sha256sum deploy/stack/signalbox.toml | cut -c1-12) \
  docker stack deploy --resolve-image never -c deploy/stack/docker-stack.yml \
  -c deploy/stack/docker-stack.operator-ports.yml "$STACK" >/dev/null
SIGNALBOX_DEMO_TOKEN_FILE="$TOKEN_FILE" SIGNALBOX_GRPC_CA_FILE="$TLS_DIR/ca.crt" npx tsx scripts/demo-stack.ts up
