#!/bin/sh
# signalbox-proxy: the cluster proxy's entry point. Serves nginx's metrics on SIGNALBOX_METRICS_PORT (default
# 9113; `nc -ll` forks signalbox-metrics per connection) and, when the coordinator gives their URLs, keeps
# run-time targets current (signalbox-targets) and applies new configs in place (signalbox-agent, which
# then runs nginx). Without them it becomes nginx itself. Either way Swarm's stop signal (SIGQUIT) reaches
# nginx, which drains before it exits.
nc -ll -p "${SIGNALBOX_METRICS_PORT:-9113}" -e /usr/local/bin/signalbox-metrics &
[ -n "${SIGNALBOX_TARGETS_URL:-}" ] && /usr/local/bin/signalbox-targets &
[ -n "${SIGNALBOX_CONFIG_URL:-}" ] && exec /usr/local/bin/signalbox-agent
exec nginx -g 'daemon off;'
