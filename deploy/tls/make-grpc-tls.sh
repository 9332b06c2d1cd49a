#!/usr/bin/env bash
# Makes the gRPC API's TLS files in DIR: a CA (ca.crt, ca.key), the coordinator's certificate (server.crt,
# server.key) and, for each further NAME, a client certificate (NAME.crt, NAME.key) for mutual TLS.
# Files that exist are kept, so running it again adds clients without replacing the CA.
#
# usage: make-grpc-tls.sh DIR [NAME...]
#
# Every certificate names the coordinator `signalbox-coordinator` (the name clients check, whatever address
# they dial: `tasks.coordinator`, a list of IPs or 127.0.0.1), ECDSA P-256, valid for ten years.
set -euo pipefail
dir=${1:?usage: make-grpc-tls.sh DIR [NAME...]}
shift
mkdir -p "$dir"
umask 077
days=3650

if [ ! -s "$dir/ca.key" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$days" \
    -subj '/CN=Signalbox gRPC CA' -keyout "$dir/ca.key" -out "$dir/ca.crt" \
    -addext 'basicConstraints=critical,CA:TRUE,pathlen:0' \
    -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
fi

# issue NAME CN EXTENDED_KEY_USAGE [SAN]
issue() {
  [ -s "$dir/$1.key" ] && return 0
  local ext
  ext=$(mktemp)
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=%s\n' "$3" >"$ext"
  [ -n "${4:-}" ] && printf 'subjectAltName=%s\n' "$4" >>"$ext"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$2" \
    -keyout "$dir/$1.key" -out "$dir/$1.csr" 2>/dev/null
  openssl x509 -req -in "$dir/$1.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
    -days "$days" -extfile "$ext" -out "$dir/$1.crt" 2>/dev/null
  rm -f "$dir/$1.csr" "$ext"
}

issue server signalbox-coordinator serverAuth 'DNS:signalbox-coordinator'
for name in "$@"; do
  case $name in
    ca | server | *[!a-zA-Z0-9_-]*) echo "make-grpc-tls.sh: client name '$name' is taken or not [a-zA-Z0-9_-]" >&2; exit 2 ;;
  esac
  issue "$name" "$name" clientAuth
done
chmod 644 "$dir"/*.crt
