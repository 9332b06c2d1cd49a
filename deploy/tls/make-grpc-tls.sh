#!/usr/bin/env bash
# Makes the gRPC API's TLS files in DIR: a CA (ca.crt, ca.key), the coordinator's certificate (server.crt,
# server.key, naming signalbox-coordinator: the name clients check whatever address they dial, a task list,
# `tasks.coordinator` or 127.0.0.1) and, for each further NAME, a client certificate (NAME.crt, NAME.key) for
# mutual TLS. ECDSA P-256, valid for ten years.
#
# usage: make-grpc-tls.sh DIR [NAME...]
#
# Pairs that exist are kept, so running it again adds clients signed by the same CA. It refuses to run when
# ca.crt is there without ca.key (moved off this machine, as it should be once the secrets exist): a new CA
# would silently replace the one the running coordinator trusts.
set -euo pipefail
dir=${1:?usage: make-grpc-tls.sh DIR [NAME...]}
shift
umask 077
mkdir -p "$dir"
days=3650
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# openssl prints progress on stderr; shown only when it fails.
quiet() {
  local out
  out=$("$@" 2>&1) || { printf '%s\n' "$out" >&2; return 1; }
}

if [ -e "$dir/ca.crt" ] && [ ! -s "$dir/ca.key" ]; then
  echo "make-grpc-tls.sh: $dir/ca.crt exists without ca.key; put the CA's key back to sign more, or use another DIR" >&2
  exit 1
fi
if [ ! -s "$dir/ca.crt" ]; then
  quiet openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$days" \
    -subj '/CN=Signalbox gRPC CA' -keyout "$scratch/ca.key" -out "$scratch/ca.crt" \
    -addext 'basicConstraints=critical,CA:TRUE,pathlen:0' \
    -addext 'keyUsage=critical,keyCertSign,cRLSign'
  mv "$scratch/ca.key" "$dir/ca.key"
  mv "$scratch/ca.crt" "$dir/ca.crt"
fi

# issue NAME CN EXTENDED_KEY_USAGE [SAN]: made in the scratch directory and moved in pairs, so a failed run
# never leaves a key without its certificate.
issue() {
  [ -s "$dir/$1.key" ] && [ -s "$dir/$1.crt" ] && return 0
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=%s\n' "$3" \
    >"$scratch/$1.ext"
  [ -n "${4:-}" ] && printf 'subjectAltName=%s\n' "$4" >>"$scratch/$1.ext"
  quiet openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$2" \
    -keyout "$scratch/$1.key" -out "$scratch/$1.csr"
  quiet openssl x509 -req -in "$scratch/$1.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
    -CAserial "$scratch/ca.srl" -days "$days" -extfile "$scratch/$1.ext" -out "$scratch/$1.crt"
  mv "$scratch/$1.key" "$dir/$1.key"
  mv "$scratch/$1.crt" "$dir/$1.crt"
}

issue server signalbox-coordinator serverAuth 'DNS:signalbox-coordinator'
for name in "$@"; do
  case $name in
    ca | server | *[!a-zA-Z0-9_-]*) echo "make-grpc-tls.sh: client name '$name' is taken or not [a-zA-Z0-9_-]" >&2; exit 2 ;;
  esac
  issue "$name" "$name" clientAuth
done
chmod 644 "$dir"/*.crt
