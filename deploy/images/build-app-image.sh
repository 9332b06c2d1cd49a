#!/usr/bin/env bash
# A tiny app image for tests and the demo, built without a registry: Debian's static busybox in an empty
# rootfs, imported with `docker import`. `busybox httpd` serves /www on port 8080; each task writes its
# hostname into /www/index.html at start, so a response tells which task answered.
set -euo pipefail
IMAGE="${1:-signalbox/app:local}"
if docker image inspect "$IMAGE" >/dev/null 2>&1; then exit 0; fi
[ -x /bin/busybox ] || { echo "busybox-static is not installed" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/www" "$root/tmp" "$root/etc"
cp /bin/busybox "$root/bin/busybox"
for applet in sh httpd hostname cat echo sleep wget ls; do ln -s busybox "$root/bin/$applet"; done
echo 'root:x:0:0:root:/:/bin/sh' > "$root/etc/passwd"
tar -C "$root" -c . | docker import \
  -c 'CMD ["/bin/sh", "-c", "hostname > /www/index.html; exec httpd -f -p 8080 -h /www"]' \
  -c 'EXPOSE 8080' - "$IMAGE" >/dev/null
echo "built $IMAGE" >&2
