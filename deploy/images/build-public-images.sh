#!/usr/bin/env bash
# Builds the Dockerfiles real users build (deploy/docker/*.Dockerfile) on a machine with no image registry,
# and checks what they produce. Their public base images are stood in for, as BASE build arguments: a
# Debian bookworm root filesystem made with debootstrap (minbase, as debian:bookworm-slim is) and the same
# with this machine's node and npm in /usr/local (as node:20-bookworm-slim has them). Everything else comes
# from where a real build gets it: Debian's packages through apt-get, npm's registry through `npm ci`.
# The stand-ins are kept between runs; the images are rebuilt by Docker's layer cache. Where this machine
# reaches registries through a TLS-inspecting proxy, the node stand-in trusts the same CA bundle the host's
# node does (SIGNALBOX_BUILD_CA, default $NODE_EXTRA_CA_CERTS), or `npm ci` in the build could not connect.
#
#   deploy/images/build-public-images.sh    builds signalbox/proxy:public and signalbox/signalbox:public
set -euo pipefail
cd "$(dirname "$0")/../.."
DEBIAN=signalbox/base-debian:bookworm
NODE=signalbox/base-node:20-bookworm
MIRROR=${SIGNALBOX_DEBIAN_MIRROR:-http://deb.debian.org/debian}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! docker image inspect "$DEBIAN" >/dev/null 2>&1; then
  command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
  echo "debootstrap bookworm (about 90 s, once)" >&2
  debootstrap --variant=minbase bookworm "$work/root" "$MIRROR" >/dev/null
  rm -rf "$work"/root/var/cache/apt/archives/*.deb "$work"/root/var/lib/apt/lists/*
  tar -C "$work/root" -c . | docker import -c 'CMD ["bash"]' - "$DEBIAN" >/dev/null
  rm -rf "$work/root"
fi

CA=${SIGNALBOX_BUILD_CA:-${NODE_EXTRA_CA_CERTS:-}}
if ! docker image inspect "$NODE" >/dev/null 2>&1; then
  mkdir -p "$work/node"
  cp -L "$(command -v node)" "$work/node/node"
  cp -r "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$work/node/npm"
  trust=""
  if [ -n "$CA" ] && [ -f "$CA" ]; then
    cp -L "$CA" "$work/node/build-ca.crt"
    trust=$'COPY build-ca.crt /usr/local/share/signalbox-build-ca.crt\nENV NODE_EXTRA_CA_CERTS=/usr/local/share/signalbox-build-ca.crt'
  fi
  cat >"$work/node/Dockerfile" <<EOF
FROM $DEBIAN
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
$trust
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
CMD ["node"]
EOF
  docker build -q -t "$NODE" "$work/node" >/dev/null
fi

echo "building deploy/docker/proxy.Dockerfile and deploy/docker/signalbox.Dockerfile" >&2
docker build -q --build-arg "BASE=$DEBIAN" -f deploy/docker/proxy.Dockerfile -t signalbox/proxy:public . >/dev/null
docker build -q --build-arg "BASE=$NODE" -f deploy/docker/signalbox.Dockerfile -t signalbox/signalbox:public . >/dev/null

# The proxy image: nginx accepts its own config and a rendered front door config, which loads the stream,
# NDK and Lua modules and runs the Lua (lua-resty-core) at load; the agents are in place.
npx tsx -e "import('./shared/src/front-door/index.ts').then((m) => process.stdout.write(m.renderFrontDoor(m.defaultFrontDoorOptions())))" >"$work/front-door.conf"
docker run --rm -v "$work/front-door.conf:/tmp/front-door.conf:ro" --entrypoint /bin/sh signalbox/proxy:public -c \
  'nginx -t -q && nginx -t -q -c /tmp/front-door.conf && test -x /usr/local/bin/signalbox-agent -a -x /usr/local/bin/signalbox-targets'
# The Signalbox image: the CLI runs (usage, exit code 2), a worker's tools are there, and it runs compiled
# JavaScript with production packages only (no tsx, TypeScript or test runner).
set +e
docker run --rm --entrypoint node signalbox/signalbox:public bin/signalbox.js >/dev/null 2>&1
code=$?
set -e
[ "$code" = 2 ] || { echo "signalbox/signalbox:public: the CLI exited $code, not 2 (usage)" >&2; exit 1; }
docker run --rm --entrypoint /bin/sh signalbox/signalbox:public -c 'nginx -v 2>&1 && openssl version' >/dev/null
docker run --rm --entrypoint /bin/sh signalbox/signalbox:public -c \
  'test -f services/coordinator/src/main.js -a ! -e services/coordinator/src/main.ts -a ! -e node_modules/tsx -a ! -e node_modules/typescript -a ! -e node_modules/vitest'
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep ':public ' >&2
