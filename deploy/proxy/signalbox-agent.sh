#!/bin/sh
# signalbox-agent: runs nginx and keeps it on the config the coordinator hands out. Each new config is
# checked with `nginx -t` before it replaces the live one and nginx reloads gracefully (old workers finish
# their requests); a config that fails is refused, reported, and not applied again until it changes. When
# the coordinator cannot be reached, the last good config keeps serving, and with a state directory (a
# volume that outlives the task) a task that starts then serves the config its node last applied. Swarm's
# stop signal (SIGQUIT) is
# passed to nginx, which drains and exits. The front door and, with run-time targets, every cluster proxy
# run it; a cluster proxy's endpoint long-polls and hands a new config to one replica at a time.
#
#   SIGNALBOX_CONFIG_URL    the coordinator's endpoint for this proxy's config
#   SIGNALBOX_TOKEN_FILE    file holding this proxy's agent token (a Docker secret; see signalbox-fetch)
#   SIGNALBOX_POLL_SECONDS  pause between asks (default 1; 0 for long-polling endpoints)
#   SIGNALBOX_LIVE_CONFIG   the config its nginx runs (default /etc/nginx/nginx.conf)
#   SIGNALBOX_BAKED_CONFIG  a config to start from, e.g. a Docker config mounted read-only (optional)
#   SIGNALBOX_CONFIRM_SECONDS  how long nginx has to answer a new config's stamp after a reload (default 30)
#   SIGNALBOX_STATE_DIR     where the last applied config is kept across task restarts (optional)
set -u
live=${SIGNALBOX_LIVE_CONFIG:-/etc/nginx/nginx.conf}
# One agent per nginx instance (the front door runs two): each its own scratch file.
next=/tmp/signalbox-next-$(basename "$live")
task=$(hostname)
refused=""
failures=0
# The newest coordinator epoch a config came from: one from an older epoch is from a coordinator that lost
# its lease without knowing it yet, and is not applied.
epoch=0
state=${SIGNALBOX_STATE_DIR:-}
saved=$state/$(basename "$live")
# The baked config this task started from; a saved config counts only if it grew from the same one.
baked_sum=none

say() { echo "signalbox-agent: $*" >&2; }

# Leaves the answer in $next; an empty $next means "nothing new" (204 from a long poll). $1: how long to
# wait; $2: the version we have, which a long-polling endpoint holds the request on (empty: answer at once).
fetch() {
  live_sum=$(sha256sum "$live" | cut -c1-64)
  : > "$next"
  timeout "$1" signalbox-fetch "$SIGNALBOX_CONFIG_URL?after=$2" "$next" \
    "X-Signalbox-Live: $live_sum" \
    "X-Signalbox-Refused: $refused" \
    "X-Signalbox-Task: $task"
}

# Returns 0 when $next passed `nginx -t` and is now the live config; the one before is kept in $live.prev.
accept() {
  if out=$(nginx -t -q -c "$next" 2>&1); then
    # Write, then rename: nginx (a reload, a worker's restart) never reads a half-written config.
    if [ -e "$live" ]; then cp "$live" "$live.prev" || return 1; fi
    cp "$next" "$live.next" && mv "$live.next" "$live"
    return
  fi
  say "refused config $(sha256sum "$next" | cut -c1-12): $out"
  return 1
}

# After a reload: 0 once nginx answers the stamp the live config names (shared/src/nginx/config-stamp.ts),
# 1 when it has not in time: the master refused the reload (a port it cannot bind, say) and runs the old
# config. A config without a stamp (a custom template) is taken on `nginx -t` alone.
loaded() {
  stamp=$(sed -n 's/^# signalbox-config \([0-9a-f]*\) \(http:[^ ]*\)$/\1 \2/p' "$live" | head -n 1)
  [ -n "$stamp" ] || return 0
  want=${stamp%% *} url=${stamp#* }
  deadline=$(($(date +%s) + ${SIGNALBOX_CONFIRM_SECONDS:-30}))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    # timeout, not wget -T: Debian's static busybox 1.35 wget crashes with -T.
    [ "$(timeout 2 wget -q -O - "$url" 2>/dev/null)" = "$want" ] && return 0
    # Short: the next replica's turn waits on this report (new workers usually answer within 0.1-0.3 s).
    sleep 0.05
  done
  return 1
}

# Keeps the live config as this node's last good one, for a task that starts while the coordinator is away.
keep() {
  [ -n "$state" ] || return 0
  echo "$baked_sum" > "$saved.baked" && cp "$live" "$saved.next" && mv "$saved.next" "$saved"
}

if [ -n "${SIGNALBOX_BAKED_CONFIG:-}" ] && [ -s "$SIGNALBOX_BAKED_CONFIG" ]; then
  baked_sum=$(sha256sum "$SIGNALBOX_BAKED_CONFIG" | cut -c1-64)
  # Stored gzipped when too large for a plain Docker config (the coordinator's proxy-configs.ts).
  if [ "$(head -c 2 "$SIGNALBOX_BAKED_CONFIG" | od -An -tx1 | tr -d ' ')" = "1f8b" ]; then
    zcat "$SIGNALBOX_BAKED_CONFIG" > "$live"
  else
    cp "$SIGNALBOX_BAKED_CONFIG" "$live"
  fi
fi
# What this node last applied, applied in place since the baked config: newer than it, unless the task
# template (and with it the baked config) changed since. Checked with `nginx -t` like any other config.
if [ -n "$state" ] && [ -s "$saved" ] && [ "$(cat "$saved.baked" 2>/dev/null)" = "$baked_sum" ] &&
  ! cmp -s "$saved" "$live"; then
  cp "$saved" "$next"
  accept && say "starting from the config this node last applied, $(sha256sum "$live" | cut -c1-12)"
fi
# At start, ask without waiting and not for long: nginx must come up (and pass its health check) even when
# the coordinator is away, on the saved, baked or image config.
if fetch 5 "" && [ -s "$next" ] && ! cmp -s "$next" "$live"; then
  epoch=$(cat "$next.epoch" 2>/dev/null)
  [ -n "$epoch" ] || epoch=0
  if accept; then keep; else refused=$(sha256sum "$next" | cut -c1-64); fi
fi
nginx -c "$live" -g 'daemon off;' &
nginx_pid=$!
trap 'kill -QUIT "$nginx_pid" 2>/dev/null; wait "$nginx_pid"; exit 0' QUIT TERM INT

while kill -0 "$nginx_pid" 2>/dev/null; do
  sleep "${SIGNALBOX_POLL_SECONDS:-1}" &
  wait $!
  if ! fetch 35 "$(sha256sum "$live" | cut -c1-64)"; then
    # A standby coordinator answers 503: ask again soon, and DNS round robin brings the leader. Slower after
    # a few misses, when the coordinator is away.
    failures=$((failures + 1))
    if [ "$failures" -le 5 ]; then sleep 0.2 & else sleep 1 & fi
    wait $!
    continue
  fi
  failures=0
  [ -s "$next" ] || continue
  from=$(cat "$next.epoch" 2>/dev/null)
  [ -n "$from" ] || from=0
  if [ "$from" -lt "$epoch" ]; then
    say "ignored a config from epoch $from: epoch $epoch already gave one"
    continue
  fi
  epoch=$from
  cmp -s "$next" "$live" && continue
  sum=$(sha256sum "$next" | cut -c1-64)
  [ "$sum" = "$refused" ] && continue
  if accept; then
    # The master's pid, not `nginx -s reload`: the pid file's path may differ between the two configs.
    kill -HUP "$nginx_pid"
    if loaded; then
      keep
      say "applied config $(echo "$sum" | cut -c1-12)"
    else
      # What is reported is what nginx runs: the previous config goes back, and this one counts as refused.
      say "refused config $(echo "$sum" | cut -c1-12): nginx did not load it (see nginx's error log)"
      cp "$live.prev" "$live.next" && mv "$live.next" "$live"
      refused=$sum
    fi
  else
    refused=$sum
  fi
done
wait "$nginx_pid"
