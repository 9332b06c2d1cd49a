#!/bin/sh
# signalbox-agent: runs nginx and keeps it on the newest config the coordinator serves. Each new config is
# checked with `nginx -t` before it replaces the live one and nginx reloads gracefully; a config that fails
# is refused (and not fetched again until it changes), and when the coordinator cannot be reached the last
# good config keeps serving. Swarm's stop signal (SIGQUIT) is passed to nginx, which drains and exits.
#
#   SIGNALBOX_CONFIG_URL    the coordinator's agent endpoint for this proxy's config
#   SIGNALBOX_TOKEN_FILE    file holding the read-only agent token (a Docker secret)
#   SIGNALBOX_POLL_SECONDS  how often to ask (default 1)
set -u
live=/etc/nginx/nginx.conf
next=/tmp/signalbox-next.conf
refused=""

say() { echo "signalbox-agent: $*" >&2; }

fetch() {
  token=$(cat "$SIGNALBOX_TOKEN_FILE" 2>/dev/null) || { say "cannot read $SIGNALBOX_TOKEN_FILE"; return 1; }
  live_sum=$(sha256sum "$live" | cut -c1-64)
  timeout 5 wget -q -O "$next" \
    --header "Authorization: Bearer $token" \
    --header "X-Signalbox-Live: $live_sum" \
    "$SIGNALBOX_CONFIG_URL"
}

# Returns 0 when $next passed `nginx -t` and is now the live config.
accept() {
  if out=$(nginx -t -q -c "$next" 2>&1); then
    cp "$next" "$live"
    return 0
  fi
  say "refused config $(sha256sum "$next" | cut -c1-12): $out"
  return 1
}

if fetch && ! cmp -s "$next" "$live"; then accept || refused=$(sha256sum "$next" | cut -c1-64); fi
nginx -g 'daemon off;' &
nginx_pid=$!
trap 'kill -QUIT "$nginx_pid" 2>/dev/null; wait "$nginx_pid"; exit 0' QUIT TERM INT

while kill -0 "$nginx_pid" 2>/dev/null; do
  sleep "${SIGNALBOX_POLL_SECONDS:-1}" &
  wait $!
  fetch || continue
  cmp -s "$next" "$live" && continue
  sum=$(sha256sum "$next" | cut -c1-64)
  [ "$sum" = "$refused" ] && continue
  if accept; then
    # The master's pid, not `nginx -s reload`: the pid file's path may differ between the two configs.
    kill -HUP "$nginx_pid" && say "applied config $(echo "$sum" | cut -c1-12)"
  else
    refused=$sum
  fi
done
wait "$nginx_pid"
