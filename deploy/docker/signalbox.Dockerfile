# The coordinator and extension workers from public base images, for clusters that pull from a registry:
#   docker build -f deploy/docker/signalbox.Dockerfile -t signalbox/signalbox:TAG .
# deploy/images/build-signalbox-image.sh makes the same layout on a machine without a registry.
# BASE: a stand-in for node:20-bookworm-slim where no registry serves it (deploy/images/build-public-images.sh).
ARG BASE=node:20-bookworm-slim
FROM ${BASE}
# nginx and openssl: workers validate every rendered config with `nginx -t` against throwaway certificates.
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx-light libnginx-mod-stream libnginx-mod-http-lua lua-resty-core openssl busybox-static \
 && rm -rf /var/lib/apt/lists/* \
 && ln -sf /bin/busybox /bin/wget \
 && (id nginx >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin nginx)
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin bin
COPY proto proto
COPY shared/src shared/src
COPY services services
ENV NODE_ENV=production
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["services/coordinator/src/main.ts"]
