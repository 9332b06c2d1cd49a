#!/usr/bin/env bash
# Redis for the stack, built without a registry from this machine's redis-server and the libraries `ldd`
# lists. Rebuilt only when redis-server or this script changes. It is Sentinel too: redis-server runs in
# sentinel mode when started as redis-sentinel (Debian's redis-sentinel is the same binary), which the
# opt-in deploy/stack/docker-stack.sentinel.yml does.
set -euo pipefail
cd "$(dirname "$0")/../.."
IMAGE="${1:-signalbox/redis:local}"
REDIS=$(readlink -f "$(command -v redis-server)")
[ -x "$REDIS" ] || { echo "redis-server is not installed" >&2; exit 1; }
stamp=$( { sha256sum "$REDIS" "$0"; } | sha256sum | cut -c1-16)
if [ "$(docker image inspect -f '{{index .Config.Labels "io.signalbox.build"}}' "$IMAGE" 2>/dev/null || true)" = "$stamp" ]; then
  exit 0
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{usr/bin,bin,data,tmp,etc}
chmod 1777 "$root/tmp"
cp -L "$REDIS" "$root/usr/bin/redis-server"
ln -s redis-server "$root/usr/bin/redis-sentinel"
ldd "$REDIS" | awk '/=>/ {print $3} /^\t\/lib/ {print $1}' | sort -u | while read -r lib; do
  [ -n "$lib" ] && cp -L --parents "$lib" "$root"
done
cp /bin/busybox "$root/bin/busybox"
for applet in sh ls cat nc grep printf sleep; do ln -s busybox "$root/bin/$applet"; done
printf 'root:x:0:0:root:/:/bin/sh\nredis:x:999:999:redis:/data:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\nredis:x:999:\n' > "$root/etc/group"
# The stack runs Redis as 999 (see docker-stack.yml): a new volume on /data takes this owner.
chown 999:999 "$root/data"
tar -C "$root" -c . | docker import \
  -c 'ENTRYPOINT ["/usr/bin/redis-server"]' \
  -c 'CMD ["--bind", "0.0.0.0", "--protected-mode", "no", "--dir", "/data", "--appendonly", "yes"]' \
  -c 'EXPOSE 6379' \
  -c "LABEL io.signalbox.build=$stamp" - "$IMAGE" >/dev/null
# The build this one replaces is left untagged; drop it unless a container still runs it.
docker image prune -f --filter label=io.signalbox.build >/dev/null
echo "built $IMAGE" >&2
