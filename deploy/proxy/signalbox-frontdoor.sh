#!/bin/sh
# signalbox-frontdoor: the front door's entry point. Two nginx instances, each kept on its config by its own
# signalbox-agent: HTTP, whose config changes only with the options (hosts and proxy addresses reach it at
# run time through signalbox-targets), and TLS, the SNI map, which changes with the TLS hosts. Apart, a TLS
# host that comes or goes reloads only the TLS instance and never closes an HTTP keep-alive connection.
# Swarm's stop signal (SIGQUIT) reaches both nginx masters, which drain before they exit; when either
# instance ends on its own, the task ends, so Swarm starts a whole new one.
/usr/local/bin/signalbox-targets &
SIGNALBOX_CONFIG_URL="$SIGNALBOX_TLS_CONFIG_URL" SIGNALBOX_LIVE_CONFIG=/etc/nginx/tls.conf /usr/local/bin/signalbox-agent &
tls=$!
/usr/local/bin/signalbox-agent &
http=$!

stop() {
  kill -QUIT "$http" "$tls" 2>/dev/null
  wait "$http"
  wait "$tls"
  exit "$1"
}
trap 'stop 0' QUIT TERM INT

while kill -0 "$http" 2>/dev/null && kill -0 "$tls" 2>/dev/null; do
  sleep 1 &
  wait $!
done
stop 1
