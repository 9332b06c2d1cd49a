# The coordinator and extension workers from public base images, for clusters that pull from a registry:
#   docker build -f deploy/docker/signalbox.Dockerfile -t signalbox/signalbox:TAG .
# deploy/images/build-signalbox-image.sh makes the same layout on a machine without a registry.
# BASE: a stand-in for node:20-bookworm-slim where no registry serves it (deploy/images/build-public-images.sh).
ARG BASE=node:20-bookworm-slim

# The TypeScript compiled once (scripts/build.sh), with the devDependencies this stage alone installs.
FROM ${BASE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.sh scripts/build.sh
COPY bin bin
COPY proto proto
COPY shared/src shared/src
COPY services services
RUN bash scripts/build.sh /app

FROM ${BASE}
# nginx and openssl: workers validate every rendered config with `nginx -t` against throwaway certificates.
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx-light libnginx-mod-stream libnginx-mod-http-lua lua-resty-core openssl busybox-static \
 && rm -rf /var/lib/apt/lists/* \
 && ln -sf /bin/busybox /bin/wget \
 && (id nginx >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin nginx)
WORKDIR /app
COPY package.json package-lock.json ./
# Production packages only. typescript is an optional peer of valibot (under @bull-board/api), which npm
# keeps with --omit=dev; nothing loads it at run time, so the image carries no compiler.
RUN npm ci --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/typescript node_modules/@typescript node_modules/.bin/tsc node_modules/.bin/tsserver \
 && npm cache clean --force
COPY --from=build /app ./
ENV NODE_ENV=production
# Plain JavaScript: no tsx, no TypeScript. `services/extension/src/main.js` runs a worker.
ENTRYPOINT ["node"]
CMD ["services/coordinator/src/main.js"]
