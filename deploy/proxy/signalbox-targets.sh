#!/bin/sh
# signalbox-targets: keeps a cluster proxy's run-time targets, or the front door's host map, current.
# Long-polls the coordinator (it answers when they differ from the version we name, or after 25 s; the
# version we name is also our report of what nginx runs), and hands each new list to nginx's local
# endpoint, where Lua reads it: no config change, no reload. When the coordinator is unreachable, nginx
# keeps what it has. With a state directory (a volume that outlives the task), what nginx took last is kept
# there and handed to nginx at start, so a task that starts while the coordinator is away serves it. While
# the coordinator stays away, the front door's proxy pools (`proxy:<service>`) follow Docker's DNS, since
# restarted proxy tasks have new addresses: `tasks.<service>`, each address kept only if its reverse name
# is a task of that service (which no other service can claim: service names are unique).
#
#   SIGNALBOX_TARGETS_URL         the coordinator's targets endpoint for this proxy's cluster, or the host map's
#   SIGNALBOX_TOKEN_FILE          file holding this proxy's agent token (a Docker secret; see signalbox-fetch)
#   SIGNALBOX_TARGETS_PUSH_PORT   nginx's local endpoint port (default 10080)
#   SIGNALBOX_STATE_DIR           where the last targets nginx took are kept across task restarts (optional)
set -u
push="http://127.0.0.1:${SIGNALBOX_TARGETS_PUSH_PORT:-10080}/_signalbox/targets"
next=/tmp/signalbox-targets
local_doc=/tmp/signalbox-targets-local
state=${SIGNALBOX_STATE_DIR:-}
have=none
failures=0

say() { echo "signalbox-targets: $*" >&2; }

version_of() { head -n 1 "$1" | cut -d ' ' -f 3; }

# 0 when nginx took the document in file $1 (it answers with the version it took).
hand_over() {
  took=$(timeout 5 wget -q -O - --post-file "$1" "$push" 2>/dev/null) && [ "$took" = "$(version_of "$1")" ]
}

keep() {
  [ -n "$state" ] || return 0
  cp "$1" "$state/targets.next" && mv "$state/targets.next" "$state/targets"
}

# The proxy pools of the document in force with the addresses Docker's DNS gives now, in $local_doc;
# 1 when nothing changed. Each address is checked by its reverse name, `<service>.<slot>.<task>.<network>`.
follow_dns() {
  grep -q '^proxy:' "$state/targets" 2>/dev/null || return 1
  body=$(tail -n +2 "$state/targets" | while read -r key value; do
    case $key in
      proxy:*)
        # A pool that had no task when it was kept names no port to use: it stays as it was.
        if [ "$value" = "-" ]; then
          echo "$key -"
          continue
        fi
        service=${key#proxy:}
        port=${value##*:}
        addresses=""
        for ip in $(nslookup "tasks.$service" 127.0.0.11 2>/dev/null | awk '/^Address/ && !/127\.0\.0\.11/ {print $NF}'); do
          nslookup "$ip" 127.0.0.11 2>/dev/null | grep -q "name = $service\.[0-9]*\." && addresses="$addresses,$ip:$port"
        done
        echo "$key ${addresses#,}" | sed 's/ $/ -/'
        ;;
      *) echo "$key $value" ;;
    esac
  done)
  sum=$(echo "$body" | sha256sum | cut -c1-16)
  [ "dns-$sum" = "$have" ] && return 1
  printf '%s dns-%s\n%s\n' "$(head -n 1 "$state/targets" | cut -d ' ' -f 1-2)" "$sum" "$body" > "$local_doc"
  ! cmp -s "$local_doc" "$state/targets"
}

# At start, what this node's nginx took last, until the coordinator answers (nginx comes up within seconds).
if [ -n "$state" ] && [ -s "$state/targets" ]; then
  tries=0
  while [ "$tries" -lt 150 ]; do
    if hand_over "$state/targets"; then
      have=$(version_of "$state/targets")
      say "restored targets $have"
      break
    fi
    tries=$((tries + 1))
    sleep 0.2
  done
fi

while :; do
  if ! timeout 35 signalbox-fetch "$SIGNALBOX_TARGETS_URL?after=$have" "$next"; then
    # A standby coordinator answers 503: ask again soon (DNS round robin brings the leader), slower later.
    failures=$((failures + 1))
    if [ "$failures" -le 5 ]; then sleep 0.2; else sleep 1; fi
    # Not for a standby's brief 503 during a failover: only once the coordinator has missed a few asks.
    if [ "$failures" -gt 5 ] && [ -n "$state" ] && follow_dns && hand_over "$local_doc"; then
      have=$(version_of "$local_doc")
      say "targets $have from Docker's DNS while the coordinator is away"
    fi
    continue
  fi
  failures=0
  version=$(version_of "$next")
  [ "$version" = "$have" ] && continue
  # nginx answers with the version it took; until it runs (or after it refused), ask again shortly.
  if hand_over "$next"; then
    have=$version
    keep "$next"
    say "targets $version in force"
  else
    sleep 0.2
  fi
done
