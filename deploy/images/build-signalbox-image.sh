#!/usr/bin/env bash
# The coordinator and extension image, built without a registry: this machine's node binary, nginx and
# openssl (the workers validate configs with `nginx -t` against throwaway certificates), the libraries `ldd` lists, a static busybox, and the app
# compiled to JavaScript here (scripts/build.sh) with its production node_modules, imported with `docker
# import`. Real users build deploy/docker/signalbox.Dockerfile from public base images instead; both run the
# same compiled code the same way (plain node: no tsx, TypeScript or devDependencies in the image).
# Rebuilt only when one of its inputs changes.
set -euo pipefail
cd "$(dirname "$0")/../.."
IMAGE="${1:-signalbox/signalbox:local}"
NODE=$(readlink -f "$(command -v node)")
NGINX=/usr/sbin/nginx
OPENSSL=/usr/bin/openssl
STREAM=/usr/lib/nginx/modules/ngx_stream_module.so
# Run-time targets: the Lua module, its NDK dependency, and lua-resty-core (with lua-resty-lrucache).
LUA_MODULES=(/usr/lib/nginx/modules/ndk_http_module.so /usr/lib/nginx/modules/ngx_http_lua_module.so)
LUA_LIB=/usr/share/lua/5.1
for f in "$NODE" "$NGINX" "$OPENSSL" "$STREAM" "${LUA_MODULES[@]}" "$LUA_LIB/resty/core.lua" /bin/busybox node_modules; do
  [ -e "$f" ] || { echo "missing $f (install node, nginx, libnginx-mod-stream, libnginx-mod-http-lua, lua-resty-core, busybox-static; npm ci)" >&2; exit 1; }
done
sources=(package.json package-lock.json tsconfig.json tsconfig.build.json scripts/build.sh bin proto shared/src services)
stamp=$( { "$NODE" --version; "$NGINX" -v 2>&1; sha256sum "$0" "${LUA_MODULES[@]}";
  git ls-files -s -- "${sources[@]}" 2>/dev/null || find "${sources[@]}" -type f -exec sha256sum {} +;
  git diff HEAD -- "${sources[@]}" 2>/dev/null || true;
  # New files not yet added to git (a module someone just created) count too.
  git ls-files -z --others --exclude-standard -- "${sources[@]}" 2>/dev/null | xargs -0r sha256sum; } | sha256sum | cut -c1-16)
if [ "$(docker image inspect -f '{{index .Config.Labels "io.signalbox.build"}}' "$IMAGE" 2>/dev/null || true)" = "$stamp" ]; then
  exit 0
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{usr/bin,usr/sbin,usr/lib/nginx/modules,usr/lib/ssl,etc/ssl,bin,etc/nginx,var/lib/nginx/{body,proxy,fastcgi,uwsgi,scgi},var/log/nginx,var/run,run/secrets,tmp,app}
chmod 1777 "$root/tmp"
cp -L "$NODE" "$root/usr/bin/node"
cp -L "$NGINX" "$root/usr/sbin/nginx"
cp -L "$STREAM" "${LUA_MODULES[@]}" "$root/usr/lib/nginx/modules/"
mkdir -p "$root/usr/share/lua" && cp -rL "$LUA_LIB" "$root/usr/share/lua/"
cp -L "$OPENSSL" "$root/usr/bin/openssl"
cp -L /usr/lib/ssl/openssl.cnf "$root/etc/ssl/openssl.cnf"
ln -s /etc/ssl/openssl.cnf "$root/usr/lib/ssl/openssl.cnf"
{ ldd "$NODE"; ldd "$NGINX"; ldd "$STREAM"; ldd "$OPENSSL"; for m in "${LUA_MODULES[@]}"; do ldd "$m"; done; } | awk '/=>/ {print $3} /^\t\/lib/ {print $1}' | sort -u | while read -r lib; do
  [ -n "$lib" ] && cp -L --parents "$lib" "$root"
done
cp /bin/busybox "$root/bin/busybox"
for applet in sh ls cat ps wget sleep kill nslookup; do ln -s busybox "$root/bin/$applet"; done
printf 'root:x:0:0:root:/:/bin/sh\nnginx:x:101:101:nginx:/var/lib/nginx:/bin/false\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnginx:x:101:\nnogroup:x:65534:\n' > "$root/etc/group"
echo 'hosts: files dns' > "$root/etc/nsswitch.conf"
# The app compiled once, here: /app/services/*/src/*.js, /app/shared/src/**/*.js, proto, bin, package.json.
bash scripts/build.sh "$root/app"
# Production packages only: a pruned copy of this checkout's node_modules (no registry needed). typescript
# survives the prune (valibot, under @bull-board/api, names it an optional peer, which npm keeps as
# "devOptional"); nothing loads it at run time, so it goes too: the image carries no compiler.
cp -a node_modules "$root/app/node_modules"
(cd "$root/app" && npm prune --omit=dev --no-audit --no-fund --loglevel=error >/dev/null)
rm -rf "$root/app/node_modules/typescript" "$root/app/node_modules/@typescript"
[ ! -d "$root/app/node_modules/.bin" ] || find "$root/app/node_modules/.bin" -xtype l -delete
find "$root/app/node_modules" -mindepth 1 -maxdepth 1 -type d -empty -delete
for dev in tsx esbuild typescript vitest; do
  [ ! -e "$root/app/node_modules/$dev" ] || { echo "$dev is in the image's node_modules" >&2; exit 1; }
done
tar -C "$root" -c . | docker import \
  -c 'WORKDIR /app' \
  -c 'ENV NODE_ENV=production' \
  -c 'ENTRYPOINT ["/usr/bin/node"]' \
  -c 'CMD ["services/coordinator/src/main.js"]' \
  -c "LABEL io.signalbox.build=$stamp" - "$IMAGE" >/dev/null
# The build this one replaces is left untagged; drop it unless a container still runs it.
docker image prune -f --filter label=io.signalbox.build >/dev/null
echo "built $IMAGE" >&2
