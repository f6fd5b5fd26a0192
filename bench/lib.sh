# Shared shell helpers of the benchmark scripts; source it after `cd` to the repository root.

JAR=cli/target/metamirror.jar

log() { printf '[bench] %s\n' "$*" >&2; }

# Builds the jar when it is missing or older than any source or pom.
build_jar() {
  if [[ ! -f $JAR ]] || [[ -n $(find . -path ./bench -prune -o \( -name pom.xml -o -path '*/src/main/*' \) \
      -type f -newer "$JAR" -print -quit) ]]; then
    log "building $JAR (mvn -q -B -DskipTests package -pl cli -am)"
    mvn -q -B -DskipTests package -pl cli -am
  fi
}

APT_UPDATED=
apt_install() { # package
  local pkg=$1
  log "installing $pkg"
  if [[ $(id -u) -ne 0 ]]; then
    log "$pkg is missing and this is not root: install it (apt-get install -y $pkg) and re-run"
    exit 1
  fi
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" >/dev/null; then
    if [[ -z $APT_UPDATED ]]; then
      apt-get update -q >/dev/null
      APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" >/dev/null
  fi
}

stop_pid() { # pid name: TERM, wait up to 30 s, then KILL
  local pid=$1 name=$2
  [[ -z $pid ]] && return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "$name (pid $pid) did not stop within 30 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

free_port() {
  python3 - 2>/dev/null <<'PY' && return 0
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
PY
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  log "no free port found"
  return 1
}

wait_http() { # url name pid
  local url=$1 name=$2 pid=$3
  for _ in $(seq 1 300); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name exited before answering $url"
      return 1
    fi
    if curl -sk -o /dev/null --max-time 2 "$url"; then # -k: a readiness probe, also of a test certificate
      return 0
    fi
    sleep 0.1
  done
  log "$name did not answer $url within 30 s"
  return 1
}
