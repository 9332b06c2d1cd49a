#!/usr/bin/env bash
# The nginx proxy image, built without a registry from this machine's own nginx: the binary, the libraries
# `ldd` lists, the stream module of the same Debian version, a static busybox for the health check, and the
# config agent (deploy/proxy/signalbox-agent.sh), the front door's entry point with its two nginx instances
# (deploy/proxy/signalbox-frontdoor.sh), and the entry point of the cluster proxies,
# which serves nginx's metrics beside it (deploy/proxy/signalbox-proxy.sh).
# About a second and 12 MB. Rebuilt only when the nginx version or this script's inputs change.
set -euo pipefail
cd "$(dirname "$0")/../.."
IMAGE="${1:-signalbox/proxy:local}"
NGINX=/usr/sbin/nginx
STREAM=/usr/lib/nginx/modules/ngx_stream_module.so
# Run-time targets: the Lua module, its NDK dependency, and lua-resty-core (with lua-resty-lrucache).
LUA_MODULES=(/usr/lib/nginx/modules/ndk_http_module.so /usr/lib/nginx/modules/ngx_http_lua_module.so)
LUA_LIB=/usr/share/lua/5.1
for f in "$NGINX" "$STREAM" "${LUA_MODULES[@]}" "$LUA_LIB/resty/core.lua" /bin/busybox; do
  [ -e "$f" ] || { echo "missing $f (install nginx, libnginx-mod-stream, libnginx-mod-http-lua, lua-resty-core and busybox-static)" >&2; exit 1; }
done
stamp=$( { "$NGINX" -v 2>&1; sha256sum "$NGINX" "$STREAM" "${LUA_MODULES[@]}" deploy/proxy/default-nginx.conf deploy/proxy/default-frontdoor-tls.conf deploy/proxy/signalbox-frontdoor.sh deploy/proxy/signalbox-targets.sh deploy/proxy/signalbox-agent.sh deploy/proxy/signalbox-proxy.sh deploy/proxy/signalbox-metrics.sh deploy/proxy/signalbox-fetch.sh "$0"; } | sha256sum | cut -c1-16)
if [ "$(docker image inspect -f '{{index .Config.Labels "io.signalbox.build"}}' "$IMAGE" 2>/dev/null || true)" = "$stamp" ]; then
  exit 0
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{usr/local/bin,usr/sbin,usr/lib/nginx/modules,bin,etc/nginx,var/lib/nginx/{body,proxy,fastcgi,uwsgi,scgi},var/log/nginx,var/run,run/secrets,tmp}
chmod 1777 "$root/tmp"
cp -L "$NGINX" "$root/usr/sbin/nginx"
cp -L "$STREAM" "${LUA_MODULES[@]}" "$root/usr/lib/nginx/modules/"
mkdir -p "$root/usr/share/lua" && cp -rL "$LUA_LIB" "$root/usr/share/lua/"
{ ldd "$NGINX"; ldd "$STREAM"; for m in "${LUA_MODULES[@]}"; do ldd "$m"; done; } | awk '/=>/ {print $3} /^\t\/lib/ {print $1}' | sort -u | while read -r lib; do
  [ -n "$lib" ] && cp -L --parents "$lib" "$root"
done
cp /bin/busybox "$root/bin/busybox"
for applet in sh ls cat ps wget sleep kill nslookup cmp cp cut sha256sum timeout nc tr awk head hostname od zcat; do ln -s busybox "$root/bin/$applet"; done
cp deploy/proxy/default-nginx.conf "$root/etc/nginx/nginx.conf"
cp deploy/proxy/default-frontdoor-tls.conf "$root/etc/nginx/tls.conf"
install -m 0755 deploy/proxy/signalbox-agent.sh "$root/usr/local/bin/signalbox-agent"
install -m 0755 deploy/proxy/signalbox-proxy.sh "$root/usr/local/bin/signalbox-proxy"
install -m 0755 deploy/proxy/signalbox-frontdoor.sh "$root/usr/local/bin/signalbox-frontdoor"
install -m 0755 deploy/proxy/signalbox-metrics.sh "$root/usr/local/bin/signalbox-metrics"
install -m 0755 deploy/proxy/signalbox-targets.sh "$root/usr/local/bin/signalbox-targets"
install -m 0755 deploy/proxy/signalbox-fetch.sh "$root/usr/local/bin/signalbox-fetch"
printf 'root:x:0:0:root:/:/bin/sh\nnginx:x:101:101:nginx:/var/lib/nginx:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnginx:x:101:\nwww-data:x:33:\nnogroup:x:65534:\n' > "$root/etc/group"
echo 'hosts: files dns' > "$root/etc/nsswitch.conf"
tar -C "$root" -c . | docker import \
  -c 'CMD ["/usr/local/bin/signalbox-proxy"]' \
  -c 'EXPOSE 80 443 9113' \
  -c "LABEL io.signalbox.build=$stamp" - "$IMAGE" >/dev/null
# The build this one replaces is left untagged; drop it unless a container still runs it.
docker image prune -f --filter label=io.signalbox.build >/dev/null
echo "built $IMAGE" >&2
