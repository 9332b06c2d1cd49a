#!/bin/sh
# signalbox-targets: keeps a cluster proxy's run-time targets, or the front door's host map, current.
# Long-polls the coordinator (it answers when they differ from the version we name, or after 25 s; the
# version we name is also our report of what nginx runs), and hands each new list to nginx's local
# endpoint, where Lua reads it: no config change, no reload. When the coordinator is unreachable, nginx
# keeps what it has.
#
#   SIGNALBOX_TARGETS_URL         the coordinator's targets endpoint for this proxy's cluster, or the host map's
#   SIGNALBOX_TOKEN_FILE          file holding this proxy's agent token (a Docker secret; see signalbox-fetch)
#   SIGNALBOX_TARGETS_PUSH_PORT   nginx's local endpoint port (default 10080)
set -u
push="http://127.0.0.1:${SIGNALBOX_TARGETS_PUSH_PORT:-10080}/_signalbox/targets"
next=/tmp/signalbox-targets
have=none
failures=0

say() { echo "signalbox-targets: $*" >&2; }

while :; do
  if ! timeout 35 signalbox-fetch "$SIGNALBOX_TARGETS_URL?after=$have" "$next"; then
    # A standby coordinator answers 503: ask again soon (DNS round robin brings the leader), slower later.
    failures=$((failures + 1))
    if [ "$failures" -le 5 ]; then sleep 0.2; else sleep 1; fi
    continue
  fi
  failures=0
  version=$(head -n 1 "$next" | cut -d ' ' -f 3)
  [ "$version" = "$have" ] && continue
  # nginx answers with the version it took; until it runs (or after it refused), ask again shortly.
  if took=$(timeout 5 wget -q -O - --post-file "$next" "$push" 2>/dev/null) && [ "$took" = "$version" ]; then
    have=$version
    say "targets $version in force"
  else
    sleep 0.2
  fi
done
