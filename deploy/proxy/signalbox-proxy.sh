#!/bin/sh
# signalbox-proxy: the cluster proxy's entry point. Serves nginx's metrics on SIGNALBOX_METRICS_PORT (default
# 9113; `nc -ll` forks signalbox-metrics per connection) and, when the coordinator gives their URLs, keeps
# run-time targets current (signalbox-targets) and applies new configs in place (signalbox-agent, which
# then runs nginx). Without them it becomes nginx itself. Either way Swarm's stop signal (SIGQUIT) reaches
# nginx, which drains before it exits.
nc -ll -p "${SIGNALBOX_METRICS_PORT:-9113}" -e /usr/local/bin/signalbox-metrics &
[ -n "${SIGNALBOX_TARGETS_URL:-}" ] && /usr/local/bin/signalbox-targets &
[ -n "${SIGNALBOX_CONFIG_URL:-}" ] && exec /usr/local/bin/signalbox-agent
# A cluster too large for a plain Docker config is stored gzipped (the coordinator's proxy-configs.ts).
conf=/etc/nginx/nginx.conf
if [ "$(head -c 2 "$conf" | od -An -tx1 | tr -d ' ')" = "1f8b" ]; then
  zcat "$conf" > /tmp/nginx.conf
  conf=/tmp/nginx.conf
fi
exec nginx -c "$conf" -g 'daemon off;'
