#!/usr/bin/env bash
# The one command that runs every Signalbox test on a fresh Debian machine (as root): it installs what is
# missing (nginx, a Docker engine in swarm mode, a local app image), then type-checks, lints and runs the
# whole suite against real nginx and the real swarm.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure.sh

ensure_apt nginx libnginx-mod-stream libnginx-mod-http-lua lua-resty-core openssl ca-certificates busybox-static chromium shellcheck redis-sentinel
ensure_nginx_user
stop_system_nginx
ensure_swarm
ensure_redis
ensure_node_modules
bash deploy/images/build-app-image.sh
bash deploy/images/build-proxy-image.sh
bash deploy/images/build-signalbox-image.sh
bash deploy/images/build-redis-image.sh

log "typecheck"
npx tsc --noEmit -p .
log "lint"
npx biome check .
# The proxies' agents run in busybox sh; the rest is bash.
shellcheck -s sh deploy/proxy/*.sh
shellcheck scripts/*.sh scripts/lib/*.sh deploy/images/*.sh loadtest/multinode/*.sh
mkdir -p .tmp
log "unit and nginx tests"
npx vitest run --project unit --reporter=default --reporter=json --outputFile=.tmp/vitest-unit.json "$@"
log "integration tests (Docker swarm, Redis), one file at a time"
npx vitest run --project int --no-file-parallelism --reporter=default --reporter=json --outputFile=.tmp/vitest-int.json "$@"
# One plain closing line for both runs, the form CI reads. (The ${…} are JavaScript's, not the shell's.)
# shellcheck disable=SC2016
node -e '
  const runs = [".tmp/vitest-unit.json", ".tmp/vitest-int.json"].map((f) => JSON.parse(require("fs").readFileSync(f, "utf8")));
  const sum = (k) => runs.reduce((n, r) => n + r[k], 0);
  console.log(`vitest: ${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed`);
'
