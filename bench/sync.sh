#!/usr/bin/env bash
# Sync benchmark (freshness, bootstrap, incremental), with its rsync references measured in the
# same run.
#
#   bench/sync.sh [--files 100000] [--size 2048] [--fresh 1000] [--incremental 20]
#                 [--incremental-ref 5] [--bootstrap-rounds 1] [--poll-us 200] [--seed 42]
#
# Builds cli/target/metamirror.jar if needed, installs rsync when missing, starts an origin on a
# free loopback port with a fresh data directory and an rsync daemon (the reference) on another,
# runs bench/SyncBench.java (which starts and stops the `metamirror sync` processes itself), then
# stops everything and deletes the temp directory. Extra arguments go to the Java program. See
# bench/README.md.
#
# Environment:
#   BENCH_TMP=DIR          where the temp directory is created (default ${TMPDIR:-/tmp}); it holds
#                          the origin's data, the stores and the rsync trees: the disk measured
#   BENCH_KEEP=1           keep the temp directory (logs of the origin, the agents, rsyncd)
#   ORIGIN_JAVA_OPTS=...   extra JVM options for the origin
#   SYNC_JAVA_OPTS=...     extra JVM options for the `metamirror sync` processes, which run
#                          through ./metamirror (as METAMIRROR_JAVA_OPTS, after its defaults; e.g.
#                          a JFR recording: -XX:StartFlightRecording=filename=/tmp/agent.jfr)
#   BENCH_JAVA_OPTS=...    extra JVM options for the benchmark client
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

build_jar

# --- tools for the references -------------------------------------------------------------------
command -v rsync >/dev/null || apt_install rsync

# --- temp directory, cleaned up on exit ---------------------------------------------------------
TMP=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/metamirror-bench.XXXXXX")
chmod 755 "$TMP"
ORIGIN_PID=
RSYNCD_PID=

cleanup() {
  local status=$?
  # Processes the Java program started and could not stop (it lists their pids).
  if [[ -f $TMP/work/pids ]]; then
    while read -r pid; do
      # only if it is still ours (its command line names the temp directory): pids get reused
      if [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF "$TMP"; then
        stop_pid "$pid" "metamirror sync"
      fi
    done <"$TMP/work/pids"
  fi
  stop_pid "$RSYNCD_PID" rsyncd
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
mkdir -p "$TMP/data" "$TMP/work" "$TMP/rsync-src"
chmod 755 "$TMP/rsync-src"
(umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$TMP/token")
ORIGIN_PORT=$(free_port)
# shellcheck disable=SC2086
java ${ORIGIN_JAVA_OPTS:-} -jar "$JAR" origin serve \
  --data "$TMP/data" --listen "127.0.0.1:$ORIGIN_PORT" --token-file "$TMP/token" \
  >"$TMP/origin.log" 2>&1 &
ORIGIN_PID=$!
wait_http "http://127.0.0.1:$ORIGIN_PORT/.metamirror/health" origin "$ORIGIN_PID"
log "origin pid $ORIGIN_PID on 127.0.0.1:$ORIGIN_PORT, data in $TMP/data"

# --- rsync daemon: serves the plain copy of the tree the bench writes ----------------------------
RSYNCD_PORT=$(free_port)
{
  echo "use chroot = false"
  echo "reverse lookup = no"
  echo "log file = $TMP/rsyncd.log"
  echo "max connections = 4"
  if [[ $(id -u) -eq 0 ]]; then
    echo "uid = root"
    echo "gid = root"
  fi
  echo "[tree]"
  echo "  path = $TMP/rsync-src"
  echo "  read only = true"
} >"$TMP/rsyncd.conf"
rsync --daemon --no-detach --address=127.0.0.1 --port="$RSYNCD_PORT" --config="$TMP/rsyncd.conf" &
RSYNCD_PID=$!
for _ in $(seq 1 100); do
  rsync "rsync://127.0.0.1:$RSYNCD_PORT/" >/dev/null 2>&1 && break
  kill -0 "$RSYNCD_PID" 2>/dev/null || { log "rsyncd exited"; exit 1; }
  sleep 0.1
done
log "rsyncd pid $RSYNCD_PID on 127.0.0.1:$RSYNCD_PORT, module tree = $TMP/rsync-src"

# --- the benchmark -----------------------------------------------------------------------------
# shellcheck disable=SC2086
java ${BENCH_JAVA_OPTS:-} -cp "$JAR" bench/SyncBench.java \
  --url "http://127.0.0.1:$ORIGIN_PORT" --token-file "$TMP/token" --jar "$JAR" \
  --work "$TMP/work" --rsync-src "$TMP/rsync-src" --rsync-url "rsync://127.0.0.1:$RSYNCD_PORT/tree/" \
  --origin-data "$TMP/data" --launcher ./metamirror \
  --sync-java-opts "${SYNC_JAVA_OPTS:-}" \
  "$@"
