#!/bin/sh
# signalbox-metrics: one HTTP exchange on stdin/stdout, run per connection by `nc -ll -e` (busybox has no
# other way to serve a computed page). GET /metrics answers nginx's stub_status in the Prometheus text
# format, with the metric names of nginx-prometheus-exporter so its dashboards work unchanged; any other
# path is 404. (`timeout`, not `wget -T`: the static busybox of Debian 12 crashes on -T.)
#
#   SIGNALBOX_STATUS_PORT  nginx's loopback status port, whose server has `location = /nginx_status` (default 10081)
set -u
# busybox sh's read takes -t, which POSIX sh lacks.
# shellcheck disable=SC3045
read -r -t 5 method path _ || exit 0
# shellcheck disable=SC3045
while read -r -t 5 header; do
  [ -z "$(printf '%s' "$header" | tr -d '\r')" ] && break
done

reply() {
  printf 'HTTP/1.0 %s\r\nContent-Type: %s\r\nConnection: close\r\n\r\n' "$1" "$2"
}

if [ "$method" != GET ] || [ "${path%%\?*}" != /metrics ]; then
  reply '404 Not Found' 'text/plain'
  echo 'only GET /metrics'
  exit 0
fi
reply '200 OK' 'text/plain; version=0.0.4'
if ! status=$(timeout 2 wget -q -O - "http://127.0.0.1:${SIGNALBOX_STATUS_PORT:-10081}/nginx_status" 2>/dev/null); then
  printf '# HELP nginx_up Whether nginx answered its status page.\n# TYPE nginx_up gauge\nnginx_up 0\n'
  exit 0
fi
config=$(sha256sum /etc/nginx/nginx.conf 2>/dev/null | cut -c1-12)
echo "$status" | awk -v config="$config" '
  /^Active connections/ { active = $3 }
  /^ *[0-9]+ +[0-9]+ +[0-9]+ *$/ { accepted = $1; handled = $2; requests = $3 }
  /^Reading/ { reading = $2; writing = $4; waiting = $6 }
  function metric(name, type, help, value) {
    printf "# HELP %s %s\n# TYPE %s %s\n%s %s\n", name, help, name, type, name, value
  }
  END {
    metric("nginx_up", "gauge", "Whether nginx answered its status page.", 1)
    metric("nginx_connections_active", "gauge", "Active client connections.", active + 0)
    metric("nginx_connections_reading", "gauge", "Connections reading the request header.", reading + 0)
    metric("nginx_connections_writing", "gauge", "Connections writing the response.", writing + 0)
    metric("nginx_connections_waiting", "gauge", "Idle keep-alive connections.", waiting + 0)
    metric("nginx_connections_accepted", "counter", "Accepted client connections.", accepted + 0)
    metric("nginx_connections_handled", "counter", "Handled client connections.", handled + 0)
    metric("nginx_http_requests_total", "counter", "Client requests.", requests + 0)
    printf "# HELP signalbox_proxy_config_info The live nginx.conf (first 12 hex digits of its sha256).\n"
    printf "# TYPE signalbox_proxy_config_info gauge\nsignalbox_proxy_config_info{sha256=\"%s\"} 1\n", config
  }'
