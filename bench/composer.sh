#!/usr/bin/env bash
# Composer benchmark: regenerate a repository from scratch through the publishing API, and the
# latency of one new version of a large package until a mirror node serves it; each beside a
# reference measured in the same run.
#
#   bench/composer.sh [--packages 10000] [--versions 10] [--big-versions 500] [--rounds 20]
#                     [--ref-rounds 5] [--seed 42]
#
# Builds cli/target/metamirror.jar if needed, installs rsync when missing, starts
# `metamirror origin serve` (fresh data directory) and `metamirror mirror serve` (plain HTTP on
# loopback, following that origin) on free ports, runs bench/ComposerBench.java, then stops both
# and deletes the temp directory. See bench/README.md.
#
# Environment:
#   BENCH_TMP=DIR          where the temp directory is created (default ${TMPDIR:-/tmp})
#   BENCH_KEEP=1           keep the temp directory (origin and mirror logs)
#   ORIGIN_JAVA_OPTS=...   extra JVM options for the origin
#   MIRROR_JAVA_OPTS=...   extra JVM options for the mirror node
#   BENCH_JAVA_OPTS=...    extra JVM options for the benchmark client
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

build_jar
command -v rsync >/dev/null || apt_install rsync

TMP=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/metamirror-bench.XXXXXX")
ORIGIN_PID=
MIRROR_PID=
cleanup() {
  local status=$?
  stop_pid "$MIRROR_PID" mirror
  stop_pid "$ORIGIN_PID" origin
  if [[ $status -ne 0 ]]; then
    for f in origin mirror; do
      [[ -f $TMP/$f.log ]] && { log "$f log (last 20 lines):"; tail -n 20 "$TMP/$f.log" >&2 || true; }
    done
  fi
  if [[ -n ${BENCH_KEEP:-} ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$TMP/data" "$TMP/store" "$TMP/work"
(umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$TMP/token")

ORIGIN_PORT=$(free_port)
# shellcheck disable=SC2086
java ${ORIGIN_JAVA_OPTS:-} -jar "$JAR" origin serve \
  --data "$TMP/data" --listen "127.0.0.1:$ORIGIN_PORT" --token-file "$TMP/token" \
  >"$TMP/origin.log" 2>&1 &
ORIGIN_PID=$!
wait_http "http://127.0.0.1:$ORIGIN_PORT/.metamirror/health" origin "$ORIGIN_PID"
log "origin pid $ORIGIN_PID on 127.0.0.1:$ORIGIN_PORT"

MIRROR_PORT=$(free_port)
# shellcheck disable=SC2086
java ${MIRROR_JAVA_OPTS:-} -jar "$JAR" mirror serve \
  --origin "http://127.0.0.1:$ORIGIN_PORT/" --store "$TMP/store" \
  --listen "127.0.0.1:$MIRROR_PORT" --drain-grace 0 \
  >"$TMP/mirror.log" 2>&1 &
MIRROR_PID=$!
wait_http "http://127.0.0.1:$MIRROR_PORT/.metamirror/health" mirror "$MIRROR_PID"
log "mirror pid $MIRROR_PID on 127.0.0.1:$MIRROR_PORT, store $TMP/store"

# shellcheck disable=SC2086
java ${BENCH_JAVA_OPTS:-} -cp "$JAR" bench/ComposerBench.java \
  --origin "http://127.0.0.1:$ORIGIN_PORT/" --token-file "$TMP/token" \
  --mirror "http://127.0.0.1:$MIRROR_PORT/" --store "$TMP/store" --work "$TMP/work" \
  "$@"
