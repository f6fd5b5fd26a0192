#!/usr/bin/env bash
# Mirror serving benchmark: wrk against `metamirror mirror serve` and against nginx serving the
# same store directory (HTTP and HTTPS, the same certificate), origin fallback latency, and the
# mirror's RSS with 100,000 files under load.
#
#   bench/mirror-serve.sh [--files 1000] [--size 5120] [--rss-files 100000] [--threads 2]
#                         [--connections 32] [--duration 10] [--rounds 3] [--gzip true] ...
#
# Builds cli/target/metamirror.jar if needed, installs wrk, nginx and openssl when missing, makes a
# self-signed certificate for 127.0.0.1, starts two origins (the tree; files only the fallback
# can find) and one nginx (the store over HTTP and HTTPS, and a router: /.metamirror/ to origin 1,
# the rest to origin 2) on free loopback ports, runs bench/MirrorServeBench.java (which starts and
# stops the mirror nodes itself, through ./metamirror as a user would), then stops everything and
# deletes the temp directory. Extra arguments go to the Java program. See bench/README.md.
#
# Environment:
#   BENCH_TMP=DIR          where the temp directory is created (default ${TMPDIR:-/tmp})
#   BENCH_KEEP=1           keep the temp directory (logs, nginx config, wrk scripts)
#   ORIGIN_JAVA_OPTS=...   extra JVM options for the origins
#   MIRROR_JAVA_OPTS=...   extra JVM options for the mirror nodes (e.g. -Xmx256m, a JFR recording);
#                          the nodes start through ./metamirror, so these come after its defaults
#   BENCH_JAVA_OPTS=...    extra JVM options for the benchmark client
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

build_jar

# --- tools -------------------------------------------------------------------------------------
command -v wrk >/dev/null || apt_install wrk
command -v openssl >/dev/null || apt_install openssl
NGINX=$(command -v nginx || true)
[[ -z $NGINX && -x /usr/sbin/nginx ]] && NGINX=/usr/sbin/nginx
if [[ -z $NGINX ]]; then
  apt_install nginx
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
fi

# --- temp directory, cleaned up on exit ---------------------------------------------------------
TMP=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/metamirror-bench.XXXXXX")
# nginx workers may run as another user (nobody): let them reach the store.
chmod 755 "$TMP"
ORIGIN_PID=
ORIGIN2_PID=
NGINX_PID=

cleanup() {
  local status=$?
  # Mirror nodes the Java program started and could not stop (it lists their pids).
  if [[ -f $TMP/work/pids ]]; then
    while read -r pid; do
      # only if it is still ours (its command line names the temp directory): pids get reused
      if [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF "$TMP"; then
        stop_pid "$pid" "mirror node"
      fi
    done <"$TMP/work/pids"
  fi
  stop_pid "$NGINX_PID" nginx
  stop_pid "$ORIGIN2_PID" origin-2
  stop_pid "$ORIGIN_PID" origin
  if [[ $status -ne 0 ]]; then
    for f in "$TMP"/origin.log "$TMP"/work/mirror-*.log; do
      [[ -f $f ]] || continue
      log "$f (last 15 lines):"
      tail -n 15 "$f" >&2 || true
    done
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

mkdir -p "$TMP/work" "$TMP/store" "$TMP/tls"
chmod 755 "$TMP/store"

# --- a certificate for 127.0.0.1, used by both servers -----------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
  -keyout "$TMP/tls/key.pem" -out "$TMP/tls/cert.pem" 2>/dev/null

# --- origins -----------------------------------------------------------------------------------
(umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$TMP/token")
(umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$TMP/token2")
ORIGIN_PORT=$(free_port)
# shellcheck disable=SC2086
java ${ORIGIN_JAVA_OPTS:-} -jar "$JAR" origin serve \
  --data "$TMP/data" --listen "127.0.0.1:$ORIGIN_PORT" --token-file "$TMP/token" \
  >"$TMP/origin.log" 2>&1 &
ORIGIN_PID=$!
ORIGIN2_PORT=$(free_port)
# shellcheck disable=SC2086
java ${ORIGIN_JAVA_OPTS:-} -jar "$JAR" origin serve \
  --data "$TMP/data2" --listen "127.0.0.1:$ORIGIN2_PORT" --token-file "$TMP/token2" \
  >"$TMP/origin2.log" 2>&1 &
ORIGIN2_PID=$!
wait_http "http://127.0.0.1:$ORIGIN_PORT/.metamirror/health" origin "$ORIGIN_PID"
wait_http "http://127.0.0.1:$ORIGIN2_PORT/.metamirror/health" origin-2 "$ORIGIN2_PID"
log "origin pid $ORIGIN_PID on 127.0.0.1:$ORIGIN_PORT; origin-2 pid $ORIGIN2_PID on 127.0.0.1:$ORIGIN2_PORT"

# --- nginx: the store (HTTP, HTTPS) and the router ----------------------------------------------
NGINX_HTTP=$(free_port)
NGINX_HTTPS=$(free_port)
ROUTER=$(free_port)
mkdir -p "$TMP/nginx/logs" "$TMP/nginx/tmp"
cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  types { application/json json; text/html html; }
  default_type application/octet-stream;
  gzip off;
  gzip_static on;
  gzip_vary on;
  client_body_temp_path $TMP/nginx/tmp/body;
  proxy_temp_path $TMP/nginx/tmp/proxy;
  fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
  uwsgi_temp_path $TMP/nginx/tmp/uwsgi;
  scgi_temp_path $TMP/nginx/tmp/scgi;
  ssl_certificate $TMP/tls/cert.pem;
  ssl_certificate_key $TMP/tls/key.pem;
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_session_cache shared:SSL:1m;

  # The mirror's store, as it is.
  server {
    listen 127.0.0.1:$NGINX_HTTP;
    root $TMP/store;
  }
  server {
    listen 127.0.0.1:$NGINX_HTTPS ssl;
    root $TMP/store;
  }

  # The fallback mirror's origin: its feed, snapshot and blobs from origin 1, the files it asks
  # for on a miss from origin 2.
  upstream origin1 { server 127.0.0.1:$ORIGIN_PORT; keepalive 16; }
  upstream origin2 { server 127.0.0.1:$ORIGIN2_PORT; keepalive 16; }
  server {
    listen 127.0.0.1:$ROUTER;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    location /.metamirror/ {
      proxy_pass http://origin1;
      proxy_buffering off;
      proxy_read_timeout 120s;
    }
    location / {
      proxy_pass http://origin2;
    }
  }
}
EOF
"$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/logs/error.log" &
NGINX_PID=$!
wait_http "http://127.0.0.1:$NGINX_HTTP/" nginx "$NGINX_PID"
log "nginx pid $NGINX_PID: store on :$NGINX_HTTP (http) and :$NGINX_HTTPS (https), router on :$ROUTER"

# --- the benchmark -----------------------------------------------------------------------------
# shellcheck disable=SC2086
java ${BENCH_JAVA_OPTS:-} -cp "$JAR" bench/MirrorServeBench.java \
  --jar "$JAR" --work "$TMP/work" --store "$TMP/store" \
  --origin "http://127.0.0.1:$ORIGIN_PORT" --token-file "$TMP/token" \
  --fallback-origin "http://127.0.0.1:$ORIGIN2_PORT" --fallback-token-file "$TMP/token2" \
  --router "http://127.0.0.1:$ROUTER" \
  --nginx-http "http://127.0.0.1:$NGINX_HTTP" --nginx-https "https://127.0.0.1:$NGINX_HTTPS" \
  --nginx-pid "$NGINX_PID" --cert "$TMP/tls/cert.pem" --key "$TMP/tls/key.pem" \
  --mirror-java-opts "${MIRROR_JAVA_OPTS:-}" --launcher ./metamirror \
  "$@"
