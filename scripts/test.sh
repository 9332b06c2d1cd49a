#!/usr/bin/env bash
# The one command that runs every Signalbox test on a fresh Debian machine (as root): it installs what is
# missing (nginx, a Docker engine in swarm mode, a local app image), then type-checks, lints and runs the
# whole suite against real nginx and the real swarm.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure.sh

ensure_apt nginx libnginx-mod-stream libnginx-mod-http-lua lua-resty-core openssl ca-certificates busybox-static chromium shellcheck redis-sentinel lua-check
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
shellcheck scripts/*.sh scripts/lib/*.sh deploy/images/*.sh deploy/tls/*.sh loadtest/multinode/*.sh
# The proxies' Lua and its specs (.luacheckrc).
luacheck --no-color shared/src/nginx/lua
mkdir -p .tmp
# Each tier alone, timed; int and system share the dockerd and Redis, so their files run one at a time.
tiers=(unit nginx int system)
declare -A took
for tier in "${tiers[@]}"; do
  case $tier in
    unit) log "unit tests (Node only)"; serial=() ;;
    nginx) log "nginx tests (pure code on real nginx; the Lua specs in Lua 5.1)"; serial=() ;;
    int) log "integration tests (one component on the Docker swarm and Redis), one file at a time"; serial=(--no-file-parallelism) ;;
    system) log "system tests (the whole product on the swarm: workers, proxies, front door, stack, faults), one file at a time"; serial=(--no-file-parallelism) ;;
  esac
  started=$SECONDS
  npx vitest run --project "$tier" "${serial[@]}" --reporter=default --reporter=json --outputFile=".tmp/vitest-$tier.json" "$@"
  took[$tier]=$((SECONDS - started))
done
for tier in "${tiers[@]}"; do log "tier $tier: ${took[$tier]} s"; done
# One plain closing line for all tiers, the form CI reads. (The ${…} are JavaScript's, not the shell's.)
# shellcheck disable=SC2016
node -e '
  const runs = ["unit", "nginx", "int", "system"].map((t) => JSON.parse(require("fs").readFileSync(`.tmp/vitest-${t}.json`, "utf8")));
  const sum = (k) => runs.reduce((n, r) => n + r[k], 0);
  console.log(`vitest: ${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed`);
'
