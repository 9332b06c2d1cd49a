#!/bin/sh
# signalbox-fetch: GET from the coordinator with the agent token, which never appears in a process's
# arguments (busybox wget takes headers only there, where every `ps` in the container shows them). `nc -e`
# connects and runs this script again on the socket; the shell's builtin printf writes the token.
#
#   signalbox-fetch URL OUT [HEADER]...   http://host[:port]/path?query; the body goes to OUT, and the
#                                         coordinator's epoch (X-Signalbox-Epoch) to OUT.epoch
#   SIGNALBOX_TOKEN_FILE                  file holding this proxy's agent token (a Docker secret)
#
# Exits 0 on 200 (OUT holds the body) and 204 (OUT empty), 1 otherwise, as `wget -q -O OUT` would.
set -u

if [ "${1:-}" = --on-socket ]; then
  path=$2 host=$3 out=$4
  shift 4
  token=$(cat "$SIGNALBOX_TOKEN_FILE" 2>/dev/null) || { echo "signalbox-fetch: cannot read $SIGNALBOX_TOKEN_FILE" >&2; exit 1; }
  printf 'GET %s HTTP/1.0\r\nHost: %s\r\nAuthorization: Bearer %s\r\n' "$path" "$host" "$token"
  for header in "$@"; do printf '%s\r\n' "$header"; done
  printf '\r\n'
  cr=$(printf '\r')
  read -r _ code _ || exit 1
  while read -r line; do
    line=${line%"$cr"}
    [ -z "$line" ] && break
    case $line in [Xx]-[Ss]ignalbox-[Ee]poch:*) echo "${line#*:}" | tr -dc 0-9 > "$out.epoch" ;; esac
  done
  cat > "$out"
  case $code in
    200) exit 0 ;;
    204) : > "$out"; exit 0 ;;
    *) exit 1 ;;
  esac
fi

url=$1 out=$2
shift 2
rest=${url#http://}
authority=${rest%%/*}
path=${rest#"$authority"}
[ -n "$path" ] || path=/
host=${authority%:*}
port=${authority##*:}
[ "$port" = "$authority" ] && port=80
: > "$out"
rm -f "$out.epoch"
exec nc "$host" "$port" -e /usr/local/bin/signalbox-fetch --on-socket "$path" "$authority" "$out" "$@"
