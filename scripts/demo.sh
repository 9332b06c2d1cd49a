#!/usr/bin/env bash
# The one command that runs the Signalbox demo on a fresh Debian machine (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure.sh

ensure_apt nginx libnginx-mod-stream openssl ca-certificates
ensure_nginx_user
stop_system_nginx
ensure_node_modules
log "demo: routing core on real nginx"
npx tsx scripts/demo.ts "$@"
