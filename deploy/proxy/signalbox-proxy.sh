#!/bin/sh
# signalbox-proxy: the cluster proxy's entry point. Serves nginx's metrics on SIGNALBOX_METRICS_PORT (default
# 9113; `nc -ll` forks signalbox-metrics per connection), keeps run-time targets current when the
# coordinator gives a SIGNALBOX_TARGETS_URL, and then becomes nginx itself, so Swarm's stop signal (SIGQUIT)
# reaches nginx directly and it drains before it exits.
nc -ll -p "${SIGNALBOX_METRICS_PORT:-9113}" -e /usr/local/bin/signalbox-metrics &
[ -n "${SIGNALBOX_TARGETS_URL:-}" ] && /usr/local/bin/signalbox-targets &
exec nginx -g 'daemon off;'
