#!/usr/bin/env bash
# Origin publish + feed benchmark, with its references measured in the same run.
#
#   bench/origin-publish-feed.sh [--files 100000] [--batch 1000] [--size 2048] [--limit 10000]
#                                [--feed-rounds 3] [--seed 42]
#
# Builds cli/target/metamirror.jar if needed, starts an origin on a free loopback port with a
# fresh data directory, starts nginx (the feed reference) on another free port, runs
# bench/OriginPublishFeedBench.java against both, stops both and deletes the temp directory.
# Extra arguments go to the Java program. See bench/README.md.
#
# Environment:
#   BENCH_TMP=DIR          where the temp directory is created (default ${TMPDIR:-/tmp}); it holds
#                          the origin's data and the rsync reference, so it decides the disk measured
#   BENCH_KEEP=1           keep the temp directory (origin log, nginx config, feed pages)
#   ORIGIN_JAVA_OPTS=...   extra JVM options for the origin (e.g. a JFR recording)
#   BENCH_JAVA_OPTS=...    extra JVM options for the benchmark client
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

build_jar

# --- tools for the references -------------------------------------------------------------------
command -v rsync >/dev/null || apt_install rsync
NGINX=$(command -v nginx || true)
[[ -z $NGINX && -x /usr/sbin/nginx ]] && NGINX=/usr/sbin/nginx
if [[ -z $NGINX ]]; then
  apt_install nginx
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
fi

# --- temp directory, cleaned up on exit ---------------------------------------------------------
TMP=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/metamirror-bench.XXXXXX")
# nginx workers may run as another user (nobody): let them reach the pages.
chmod 755 "$TMP"
ORIGIN_PID=
NGINX_PID=

cleanup() {
  local status=$?
  stop_pid "$NGINX_PID" nginx
  stop_pid "$ORIGIN_PID" origin
  if [[ $status -ne 0 && -f $TMP/origin.log ]]; then
    log "origin log (last 30 lines):"
    tail -n 30 "$TMP/origin.log" >&2 || true
  fi
  if [[ -n ${BENCH_KEEP:-} ]]; then
    log "kept $TMP"
  else
    rm -rf "$TMP"
  fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- origin ------------------------------------------------------------------------------------
mkdir -p "$TMP/data" "$TMP/rsync" "$TMP/pages"
chmod 755 "$TMP/pages"
(umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$TMP/token")
ORIGIN_PORT=$(free_port)
# shellcheck disable=SC2086
java ${ORIGIN_JAVA_OPTS:-} -jar "$JAR" origin serve \
  --data "$TMP/data" --listen "127.0.0.1:$ORIGIN_PORT" --token-file "$TMP/token" \
  >"$TMP/origin.log" 2>&1 &
ORIGIN_PID=$!
wait_http "http://127.0.0.1:$ORIGIN_PORT/.metamirror/health" origin "$ORIGIN_PID"
log "origin pid $ORIGIN_PID on 127.0.0.1:$ORIGIN_PORT, data in $TMP/data"

# --- nginx: serves the feed pages the bench saves, at the same URL shape -------------------------
NGINX_PORT=$(free_port)
mkdir -p "$TMP/nginx/logs" "$TMP/nginx/tmp"
cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  default_type application/json;
  client_body_temp_path $TMP/nginx/tmp/body;
  proxy_temp_path $TMP/nginx/tmp/proxy;
  fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
  uwsgi_temp_path $TMP/nginx/tmp/uwsgi;
  scgi_temp_path $TMP/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $TMP/pages;
    location = /.metamirror/feed {
      add_header Cache-Control no-store;
      try_files /since-\$arg_since.json =404;
    }
    location / { return 404; }
  }
}
EOF
"$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/logs/error.log" &
NGINX_PID=$!
wait_http "http://127.0.0.1:$NGINX_PORT/" nginx "$NGINX_PID"
log "nginx pid $NGINX_PID on 127.0.0.1:$NGINX_PORT, serving $TMP/pages"

# --- the benchmark -----------------------------------------------------------------------------
# shellcheck disable=SC2086
java ${BENCH_JAVA_OPTS:-} -cp "$JAR" bench/OriginPublishFeedBench.java \
  --url "http://127.0.0.1:$ORIGIN_PORT" --token-file "$TMP/token" \
  --rsync-dir "$TMP/rsync" \
  --pages-dir "$TMP/pages" --reference-feed-url "http://127.0.0.1:$NGINX_PORT" \
  "$@"
