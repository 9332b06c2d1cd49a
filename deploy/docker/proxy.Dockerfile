# The cluster proxies and the front door from a public base image:
#   docker build -f deploy/docker/proxy.Dockerfile -t signalbox/proxy:TAG .
# deploy/images/build-proxy-image.sh makes the same layout on a machine without a registry.
# BASE: a stand-in for debian:bookworm-slim where no registry serves it (deploy/images/build-public-images.sh).
ARG BASE=debian:bookworm-slim
FROM ${BASE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx-light libnginx-mod-stream libnginx-mod-http-lua lua-resty-core busybox-static \
 && rm -rf /var/lib/apt/lists/* \
 && for applet in wget nc; do ln -sf /bin/busybox "/bin/$applet"; done \
 && (id nginx >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin nginx)
COPY deploy/proxy/default-nginx.conf /etc/nginx/nginx.conf
COPY deploy/proxy/default-frontdoor-tls.conf /etc/nginx/tls.conf
COPY deploy/proxy/signalbox-agent.sh /usr/local/bin/signalbox-agent
COPY deploy/proxy/signalbox-proxy.sh /usr/local/bin/signalbox-proxy
COPY deploy/proxy/signalbox-frontdoor.sh /usr/local/bin/signalbox-frontdoor
COPY deploy/proxy/signalbox-metrics.sh /usr/local/bin/signalbox-metrics
COPY deploy/proxy/signalbox-targets.sh /usr/local/bin/signalbox-targets
COPY deploy/proxy/signalbox-fetch.sh /usr/local/bin/signalbox-fetch
STOPSIGNAL SIGQUIT
EXPOSE 80 443 9113
CMD ["/usr/local/bin/signalbox-proxy"]
