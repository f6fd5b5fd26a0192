#!/usr/bin/env bash
# The JVM options the `metamirror` launcher puts before METAMIRROR_JAVA_OPTS, by command. Sourced
# by the launcher; a function of its own so that a test can ask it (cli: LauncherDefaultsTest).
#
#   metamirror_jvm_defaults ARGS...   prints one option per line for the command in ARGS
#   metamirror_exec_jar JAVA JAR ARGS...   replaces the shell with JAVA running JAR with ARGS,
#                                          these defaults first, then METAMIRROR_JAVA_OPTS
#
# Sourced by both launchers: the repository's ./metamirror and the installed /usr/bin/metamirror
# (packaging/bin/metamirror), which the package ships beside a copy of this file.
#
# `mirror serve`: a mirror node gets a bounded heap. Left to itself the JVM may take a quarter of
# the RAM, and G1 keeps what it took (a node that caught up on 100,000 files grew to 700-850 MB).
# 640 MB (issue 21): a node keeps ~110 B per file of its manifest and ~32 B per file it has checked
# (1,000,000 files, 100,000 of them served: 264 MB of heap live, RSS 534 MB), but while
# it bootstraps, the snapshot's manifest adds ~265 B per file (measured: 254 MB for 1,000,000), so
# a million-file bootstrap needs about 550 MB of heap; with 640 MB the process stays under 800 MB
# (~90 MB beside the heap), below the 1 GB of issue 21. METAMIRROR_JAVA_OPTS comes after these, and
# the JVM takes the last of each: METAMIRROR_JAVA_OPTS=-Xmx1g for more. The node warns at start
# when the heap looks small. What a node keeps (manifest, cached files) lives for long and a
# request's garbage dies at once, so survivors go to the old generation after one collection
# instead of being copied up to 15 times (8-14 ms young pauses while a new cache fill ages, 1-5 ms
# without). -Xms256m: G1 otherwise shrinks an idle node's heap to ~64 MB, and under HTTPS load then
# collects ~10 times a second (~3 times fewer pauses with it, same load; RSS 396 MB at 100,000
# files).
#
# `origin serve`: 512 MB of heap holds an origin of 1,000,000 files and a 1,000,000-entry journal
# with room to spare. Its tree is a compact index (~130 MB at 1,000,000 files); start-up adds the
# largest journal segment read whole (~200 MB for one batch of a million entries, then garbage);
# each snapshot or manifest being served holds a sorted copy of the tree (~70 MB). Measured at
# 1,000,000 files (issue 21): RSS ~600 MB after start and while serving a snapshot and feed pages.
# `origin publish-dir` gets 768 MB: it holds the plan (path, sha256, size per changed file) and the
# batch's journal entries besides the tree; a 1,000,000-file tree published new peaked at 886 MB RSS
# with tiny files, 1,435 MB with bench/run scale's 6 GB tree (outside the heap: contents in flight).
# Both: -Djdk.nio.maxCachedBufferSize, because the JDK otherwise keeps, per thread, a direct
# buffer as large as the largest read or write it has done through a heap buffer (a feed page, a
# journal segment), outside the heap bound.
#
# `sync`: it runs alone, in the background, answering no requests, and the serial collector costs
# it less CPU than G1 (a 100,000-file bootstrap on 2 cores, 4 runs each, alternated: 11.3-13.0 s
# and 18.3-22.2 CPU-seconds against 13.4-15.3 s and 22.6-25.2; `git show efc56d5:bench/README.md`). Not when
# METAMIRROR_JAVA_OPTS names a collector itself: the JVM refuses to start with two.
metamirror_jvm_defaults() {
  # The command: the first two words that are not global options (--verbose, --config[=]FILE).
  local words=() skip= arg
  for arg in "$@"; do
    if [[ -n $skip ]]; then skip=; continue; fi
    case "$arg" in
      --config) skip=1 ;;
      -*) ;;
      *) words+=("$arg"); [[ ${#words[@]} -eq 2 ]] && break ;;
    esac
  done
  local command="${words[*]:-}"
  if [[ $command == "mirror serve" ]]; then
    printf '%s\n' -Xms256m -Xmx640m -XX:MaxTenuringThreshold=1
  elif [[ $command == "origin serve" ]]; then
    printf '%s\n' -Xmx512m -Djdk.nio.maxCachedBufferSize=262144
  elif [[ $command == "origin publish-dir" ]]; then
    printf '%s\n' -Xmx768m -Djdk.nio.maxCachedBufferSize=262144
  elif [[ $command == sync || $command == "sync "* ]] && [[ ${METAMIRROR_JAVA_OPTS:-} != *-XX:+Use*GC* ]]; then
    printf '%s\n' -XX:+UseSerialGC
  fi
}

metamirror_exec_jar() {
  local java="$1" jar="$2" option
  shift 2
  local defaults=()
  while IFS= read -r option; do defaults+=("$option"); done < <(metamirror_jvm_defaults "$@")
  # shellcheck disable=SC2086 # METAMIRROR_JAVA_OPTS is a list of options
  exec "$java" ${defaults[@]+"${defaults[@]}"} ${METAMIRROR_JAVA_OPTS:-} -jar "$jar" "$@"
}
