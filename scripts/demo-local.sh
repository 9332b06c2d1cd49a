#!/usr/bin/env bash
# The routing-core demo without Docker: a rendered cluster config on real nginx in front of local apps.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure.sh

ensure_apt nginx libnginx-mod-stream libnginx-mod-http-lua lua-resty-core openssl ca-certificates
ensure_nginx_user
stop_system_nginx
ensure_node_modules
log "demo: routing core on real nginx"
npx tsx scripts/demo-local.ts "$@"
