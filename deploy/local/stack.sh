#!/usr/bin/env bash
# Local wikistream stack without Docker: single-node Kafka (KRaft) + OpenSearch, bound to 127.0.0.1.
#   bash deploy/local/stack.sh up|down|status|reset|env [kafka|opensearch|kafka2]...
# WIKISTREAM_STACK_MODE=cluster (3 brokers, 2-3 OpenSearch nodes) or secure (SASL_SSL + TLS/basic auth)
# selects another stack with its own ports and state dir: see modes/cluster.sh and modes/secure.sh.
# kafka2 is optional and never started by default: a broker-only second node (node.id 2) joining the
# local Kafka's cluster, for tests that need a partition's only replica (and so its leader) to vanish.
# Binaries are fetched once with Maven (deploy/local/pom.xml) into ${WIKISTREAM_CACHE:-~/.cache/wikistream}
# (/var/cache/wikistream as root);
# data, logs, pid files and generated configs live in ${WIKISTREAM_STATE:-<repo>/.state}.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
POM="$HERE/pom.xml"
# As root the cache is a system cache: OpenSearch runs as an unprivileged user, which cannot enter
# root's home, and widening /root's permissions for it would be a surprise.
if [[ $(id -u) -eq 0 ]]; then DEFAULT_CACHE=/var/cache/wikistream; else DEFAULT_CACHE="$HOME/.cache/wikistream"; fi
CACHE="${WIKISTREAM_CACHE:-$DEFAULT_CACHE}"
STATE="${WIKISTREAM_STATE:-$REPO/.state}"
KAFKA_PORT="${WIKISTREAM_KAFKA_PORT:-9092}"
KAFKA_CTRL_PORT="${WIKISTREAM_KAFKA_CONTROLLER_PORT:-9093}"
KAFKA2_PORT="${WIKISTREAM_KAFKA2_PORT:-9094}"
OS_PORT="${WIKISTREAM_OPENSEARCH_PORT:-9200}"
OS_TRANSPORT_PORT="${WIKISTREAM_OPENSEARCH_TRANSPORT_PORT:-9300}"
TIMEOUT="${WIKISTREAM_START_TIMEOUT:-120}"
SVC_USER="${WIKISTREAM_SERVICE_USER:-wikistream}"   # OpenSearch refuses to run as root
pom_prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$POM" | head -n1; }
KAFKA_VERSION="${WIKISTREAM_KAFKA_VERSION:-$(pom_prop kafka.version)}"
OS_VERSION="${WIKISTREAM_OPENSEARCH_VERSION:-$(pom_prop opensearch.version)}"
# kafka_2.13 pulls slf4j-api 1.7.x, which cannot see an slf4j 2.x binding (Kafka would log nothing,
# and "up" waits for a log line): the pom pins the binding to the matching 1.7 line.
SLF4J_VERSION="${WIKISTREAM_SLF4J_VERSION:-$(pom_prop slf4j.version)}"
KAFKA_LIBS="$CACHE/kafka-$KAFKA_VERSION/libs"
OS_HOME="$CACHE/opensearch-$OS_VERSION"
KAFKA_DIR="$STATE/kafka"
KAFKA2_DIR="$STATE/kafka2"
OS_DIR="$STATE/opensearch"

die() { echo "stack: $*" >&2; exit 1; }
say() { echo "stack: $*"; }
rel() { echo "${1#"$REPO"/}"; }   # shorter paths in messages
pidfile() { echo "$STATE/$1.pid"; }
logfile() { echo "$STATE/$1.log"; }

# --- Java: OpenSearch 3.x needs 21+; Kafka 4.1 runs on 17+, so one JDK >= 21 serves both ----------
java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\)[."].*/\1/p' | head -n1; }
pick_java() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" && "$(java_major "$JAVA_HOME")" -ge 21 ]]; then
    JDK="$JAVA_HOME"; return
  fi
  local d best="" best_v=0 v
  for d in /usr/lib/jvm/*/; do
    d="${d%/}"; [[ -x "$d/bin/java" && ! -L "$d" ]] || continue
    v="$(java_major "$d")"; [[ -n "$v" && "$v" -ge 21 && "$v" -gt "$best_v" ]] && { best="$d"; best_v="$v"; }
  done
  [[ -n "$best" ]] || die "no JDK >= 21 found (JAVA_HOME or /usr/lib/jvm); install a JDK 21+ and set JAVA_HOME"
  JDK="$best"
}

# --- Fetch once with Maven; a marker file makes later runs skip this ------------------------------
mvn_fetch() {  # extra args...
  command -v mvn >/dev/null || die "mvn not found: install Maven (apt-get install maven) to fetch Kafka/OpenSearch"
  mkdir -p "$CACHE"
  mvn -q -B -Dstyle.color=never -f "$POM" -Dkafka.version="$KAFKA_VERSION" -Dopensearch.version="$OS_VERSION" \
      -Dslf4j.version="$SLF4J_VERSION" dependency:copy-dependencies "$@" >"$CACHE/mvn.log" 2>&1 \
    || { tail -n 20 "$CACHE/mvn.log" >&2; die "mvn failed to fetch the local stack from $(rel "$POM") (full log: $CACHE/mvn.log)"; }
}
fetch() {
  if [[ " $* " == *" kafka"* && ! -f "$KAFKA_LIBS/.complete" ]]; then
    say "fetching Kafka $KAFKA_VERSION jars with Maven (once) ..."
    rm -rf "$KAFKA_LIBS"
    mvn_fetch -DexcludeTypes=zip -DoutputDirectory="$KAFKA_LIBS"
    touch "$KAFKA_LIBS/.complete"
  fi
  if [[ " $* " == *" opensearch"* && ! -f "$OS_HOME/.complete" ]]; then
    command -v unzip >/dev/null || die "unzip not found: install it (apt-get install unzip)"
    say "fetching OpenSearch $OS_VERSION with Maven (once) ..."
    local tmp="$CACHE/.tmp-opensearch"; rm -rf "$tmp" "$OS_HOME"; mkdir -p "$tmp"
    mvn_fetch -DincludeTypes=zip -DoutputDirectory="$tmp"
    unzip -q "$tmp/opensearch-$OS_VERSION.zip" -d "$tmp"
    chmod -R a+rX "$tmp/opensearch-$OS_VERSION"   # readable by the service user whatever root's umask
    mv "$tmp/opensearch-$OS_VERSION" "$OS_HOME"; rm -rf "$tmp"
    touch "$OS_HOME/.complete"
  fi
}

# --- Process bookkeeping ----------------------------------------------------------------------------
# A live pid whose command line still mentions the service (guards against pid reuse).
running_pid() {
  local f pid; f="$(pidfile "$1")"; [[ -f "$f" ]] || return 1
  pid="$(cat "$f")"; [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
    && grep -qa "$1" "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}
# Gone for good, not caught mid-exec: a process read while it execs (or while nginx rewrites its title)
# can show an empty or foreign command line for an instant; CI once saw "proxy exited during startup"
# with an empty log that way. So a miss counts only when it is still a miss a second later.
exited() { ! running_pid "$1" >/dev/null && { sleep 1; ! running_pid "$1" >/dev/null; }; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
healthy() {
  case "$1" in
    kafka) port_open "$KAFKA_PORT" && grep -q "Kafka Server started" "$(logfile kafka)" 2>/dev/null ;;
    kafka2) port_open "$KAFKA2_PORT" && grep -q "Kafka Server started" "$(logfile kafka2)" 2>/dev/null ;;
    opensearch) curl -fsS --max-time 5 -o /dev/null \
      "http://127.0.0.1:$OS_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" 2>/dev/null ;;
  esac
}
ports_of() { case "$1" in kafka) echo "$KAFKA_PORT:WIKISTREAM_KAFKA_PORT $KAFKA_CTRL_PORT:WIKISTREAM_KAFKA_CONTROLLER_PORT" ;;
  kafka2) echo "$KAFKA2_PORT:WIKISTREAM_KAFKA2_PORT" ;;
  opensearch) echo "$OS_PORT:WIKISTREAM_OPENSEARCH_PORT $OS_TRANSPORT_PORT:WIKISTREAM_OPENSEARCH_TRANSPORT_PORT" ;; esac; }
check_ports() {  # called only when the service is not running, so any listener is somebody else
  local pv holder
  for pv in $(ports_of "$1"); do
    holder="$(ss -ltnpH "( sport = :${pv%%:*} )" 2>/dev/null | awk '{print $NF}' | head -n1)"
    [[ -z "$holder" ]] && ! port_open "${pv%%:*}" && continue
    die "$1: port ${pv%%:*} is already in use by ${holder:-another process}; stop it or set ${pv#*:} to a free port"
  done
}
# setsid: own session/process group, survives the calling shell. The wrapper writes its own pid and then
# exec's (setpriv and bin/opensearch exec too), so the pid file holds the real java pid = group leader.
launch() {  # name cmd...
  local name="$1"; shift
  rm -f "$(pidfile "$name")"
  [[ -f "$(logfile "$name")" ]] && mv -f "$(logfile "$name")" "$(logfile "$name").1"
  setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$(pidfile "$name")" "$@" \
    >"$(logfile "$name")" 2>&1 </dev/null &
  local i; for i in $(seq 50); do [[ -s "$(pidfile "$name")" ]] && return; sleep 0.1; done
}

start_kafka() {
  mkdir -p "$KAFKA_DIR/data"
  # Static voter set (no --standalone/dynamic quorum): simplest for one node and tolerates port changes.
  cat >"$KAFKA_DIR/server.properties" <<EOF
# generated by deploy/local/stack.sh -- edits are overwritten on every "up"
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CTRL_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CTRL_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=5
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  local java=("$JDK/bin/java" -cp "$KAFKA_LIBS/*" -Dorg.slf4j.simpleLogger.showDateTime=true)
  if [[ ! -f "$KAFKA_DIR/data/meta.properties" ]]; then   # format once; restarts reuse the data
    local id; id="$("${java[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)"
    "${java[@]}" kafka.tools.StorageTool format -t "$id" -c "$KAFKA_DIR/server.properties" --ignore-formatted \
      >"$KAFKA_DIR/format.log" 2>&1 || { tail -n 20 "$KAFKA_DIR/format.log"; die "kafka: storage format failed"; }
  fi
  launch kafka "${java[@]}" -Xms256m -Xmx512m kafka.Kafka "$KAFKA_DIR/server.properties"
}

# A broker-only node in the local Kafka's cluster (same cluster id, the local node as controller).
start_kafka2() {
  local meta="$KAFKA_DIR/data/meta.properties" cluster
  [[ -f "$meta" ]] || die "kafka2 joins the local Kafka: start it first (bash deploy/local/stack.sh up kafka)"
  cluster="$(sed -n 's/^cluster.id=//p' "$meta")"
  mkdir -p "$KAFKA2_DIR/data"
  cat >"$KAFKA2_DIR/server.properties" <<EOF
# generated by deploy/local/stack.sh -- edits are overwritten on every "up"
process.roles=broker
node.id=2
controller.quorum.voters=1@127.0.0.1:$KAFKA_CTRL_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA2_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA2_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA2_DIR/data
EOF
  local java=("$JDK/bin/java" -cp "$KAFKA_LIBS/*" -Dorg.slf4j.simpleLogger.showDateTime=true)
  if [[ ! -f "$KAFKA2_DIR/data/meta.properties" ]]; then
    "${java[@]}" kafka.tools.StorageTool format -t "$cluster" -c "$KAFKA2_DIR/server.properties" --ignore-formatted \
      >"$KAFKA2_DIR/format.log" 2>&1 || { tail -n 20 "$KAFKA2_DIR/format.log"; die "kafka2: storage format failed"; }
  fi
  launch kafka2 "${java[@]}" -Xms128m -Xmx256m kafka.Kafka "$KAFKA2_DIR/server.properties"
}

# Root: run OpenSearch as a system user. It must traverse to the distribution in the cache and to the
# state dir (inside the checkout, which may sit under a mode-700 home). We grant only search (x) permission on the ancestors that block it,
# not read: the user can reach known paths but cannot list /root. Data/logs/config are chowned to the user.
as_svc() { setpriv --reuid="$SVC_USER" --regid="$SVC_USER" --clear-groups "$@"; }
grant_traverse() {  # top-down: a dir is only reachable once all its ancestors are
  local d="" part parts
  IFS=/ read -ra parts <<<"${1#/}"
  for part in "${parts[@]}"; do
    d="$d/$part"
    as_svc test -x "$d" 2>/dev/null || { say "granting o+x on $d so '$SVC_USER' can reach it"; chmod o+x "$d"; }
  done
}
start_opensearch() {
  opensearch_node opensearch "$OS_DIR" "$OS_PORT" "$OS_TRANSPORT_PORT" wikistream-local local "discovery.type: single-node" -Xmx512m
}
# One OpenSearch node: name dir http-port transport-port cluster node-name discovery-yaml heap [opensearch args...]
opensearch_node() {
  local name="$1" OS_DIR="$2" http="$3" transport="$4" cluster="$5" node="$6" discovery="$7" heap="$8"; shift 8
  mkdir -p "$OS_DIR"/{config,data,logs,tmp}
  [[ -f "$OS_DIR/config/log4j2.properties" ]] || cp -r "$OS_HOME/config/." "$OS_DIR/config/"  # once: keeps keystore
  cat >"$OS_DIR/config/opensearch.yml" <<EOF
# generated by deploy/local/stack.sh -- edits are overwritten on every "up"
cluster.name: $cluster
node.name: $node
network.host: 127.0.0.1
http.port: $http
transport.port: $transport
$discovery
path.data: $OS_DIR/data
path.logs: $OS_DIR/logs
cluster.routing.allocation.disk.threshold_enabled: false
EOF
  # jvm.options uses paths relative to OPENSEARCH_HOME (gc log, heap dumps); point them at the state dir.
  sed -e "s#file=logs/gc.log#file=$OS_DIR/logs/gc.log#" -e "s#HeapDumpPath=data#HeapDumpPath=$OS_DIR/logs#" \
      -e "s#ErrorFile=logs/#ErrorFile=$OS_DIR/logs/#" "$OS_HOME/config/jvm.options" >"$OS_DIR/config/jvm.options"
  local run=()
  if [[ "$(id -u)" == 0 ]]; then
    id -u "$SVC_USER" >/dev/null 2>&1 || useradd --system --user-group --no-create-home \
      --home-dir /nonexistent --shell /usr/sbin/nologin "$SVC_USER" || die "could not create user $SVC_USER"
    chown -R "$SVC_USER:$SVC_USER" "$OS_DIR"
    grant_traverse "$OS_HOME"; grant_traverse "$OS_DIR"; grant_traverse "$JDK"
    run=(setpriv --reuid="$SVC_USER" --regid="$SVC_USER" --clear-groups)
  fi
  launch "$name" env HOME="$OS_DIR/tmp" OPENSEARCH_JAVA_HOME="$JDK" OPENSEARCH_PATH_CONF="$OS_DIR/config" \
    OPENSEARCH_TMPDIR="$OS_DIR/tmp" OPENSEARCH_JAVA_OPTS="${heap/-Xmx/-Xms} $heap" JAVA_HOME= \
    "${run[@]}" "$OS_HOME/bin/opensearch" "$@"
}

# --- Modes: another stack replaces the services, their ports, health checks and printed env ----------
SERVICES_ALL="kafka|opensearch|kafka2"; SERVICES_UP=(kafka opensearch); SERVICES_DOWN=(kafka2 kafka opensearch)
MODE="${WIKISTREAM_STACK_MODE:-single}"
case "$MODE" in
  single) ;;
  cluster|secure) source "$HERE/modes/$MODE.sh" ;;
  *) die "WIKISTREAM_STACK_MODE=$MODE: expected single, cluster or secure" ;;
esac

# --- Commands ---------------------------------------------------------------------------------------
[[ "$MODE" != single ]] || describe() {
  case "$1" in kafka) echo "127.0.0.1:$KAFKA_PORT" ;; kafka2) echo "127.0.0.1:$KAFKA2_PORT" ;; opensearch) echo "http://127.0.0.1:$OS_PORT" ;; esac
}
[[ "$MODE" != single ]] || print_env() { echo "export KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT"; echo "export OPENSEARCH_URL=http://127.0.0.1:$OS_PORT"; }

cmd_up() {
  local s pid waiting=() t0
  mkdir -p "$STATE"; pick_java; fetch "$@"; t0=$SECONDS
  for s in "$@"; do
    if pid="$(running_pid "$s")"; then
      healthy "$s" && { say "$s already running and healthy (pid $pid)"; continue; }
      say "$s running (pid $pid) but not healthy yet; waiting"
    else
      [[ -f "$(pidfile "$s")" ]] && { say "$s: removing stale pid file"; rm -f "$(pidfile "$s")"; }
      check_ports "$s"; say "starting $s (java $(java_major "$JDK") from $JDK)"; "start_$s"
    fi
    waiting+=("$s")
  done
  local next=$((SECONDS + 5)) left
  while ((${#waiting[@]})); do
    left=()
    for s in "${waiting[@]}"; do
      if healthy "$s"; then say "$s healthy after $((SECONDS - t0))s"
        if declare -F after_healthy >/dev/null; then after_healthy "$s"; fi   # a mode's set-up (secure: ACLs)
      elif exited "$s"; then
        if [[ -s "$(logfile "$s")" ]]; then tail -n 30 "$(logfile "$s")" >&2
        else say "$s wrote nothing to its log: killed by a signal, or its command never ran"; fi
        die "$s exited during startup (log: $(rel "$(logfile "$s")"))"
      elif ((SECONDS - t0 >= TIMEOUT)); then
        tail -n 30 "$(logfile "$s")" >&2; die "$s not healthy after ${TIMEOUT}s (log: $(rel "$(logfile "$s")"))"
      else left+=("$s"); fi
    done
    waiting=("${left[@]+"${left[@]}"}")
    ((${#waiting[@]})) || break
    ((SECONDS >= next)) && { say "waiting for ${waiting[*]} ... $((SECONDS - t0))s"; next=$((SECONDS + 5)); }
    sleep 1
  done
  for s in "$@"; do
    printf '%-11s %-24s (pid %s, log %s)\n' "$s" "$(describe "$s")" "$(running_pid "$s")" "$(rel "$(logfile "$s")")"
  done
  print_env
}

cmd_down() {  # TERM the whole process group, wait up to 30 s, then KILL
  local s pid pids=() deadline=$((SECONDS + 30))
  for s in "$@"; do
    if pid="$(running_pid "$s")"; then say "stopping $s (pid $pid)"; kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"; pids+=("$pid")
    else say "$s not running"; fi
  done
  for pid in "${pids[@]+"${pids[@]}"}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { say "pid $pid ignored SIGTERM for 30s; sending SIGKILL"; kill -KILL -- "-$pid" 2>/dev/null || true; }
  done
  for s in "$@"; do rm -f "$(pidfile "$s")"; done
}

cmd_status() {
  local s pid state rc=0
  for s in "$@"; do
    if ! pid="$(running_pid "$s")"; then state=stopped; pid=-; rc=3
    elif healthy "$s"; then state=running
    else state=unhealthy; rc=3; fi
    printf '%-11s %-10s %-24s pid %s\n' "$s" "$state" "$(describe "$s")" "$pid"
  done
  return $rc
}

cmd="${1:-}"; shift || true
services=("$@")
if ((${#services[@]} == 0)); then
  # kafka2 is opt-in, but a plain "down" stops it too so nothing is left running.
  if [[ "$cmd" == down ]]; then services=("${SERVICES_DOWN[@]}"); else services=("${SERVICES_UP[@]}"); fi
fi
for s in "${services[@]}"; do [[ "$s" =~ ^($SERVICES_ALL)$ ]] || die "unknown service '$s' ($SERVICES_ALL) in mode $MODE"; done
case "$cmd" in
  up) cmd_up "${services[@]}" ;;
  down) cmd_down "${services[@]}" ;;
  status) cmd_status "${services[@]}" ;;
  reset) cmd_down "${SERVICES_DOWN[@]}"; rm -rf "$STATE"; say "removed $(rel "$STATE")" ;;
  env) print_env ;;
  *) echo "usage: [WIKISTREAM_STACK_MODE=single|cluster|secure] bash deploy/local/stack.sh up|down|status|reset|env [$SERVICES_ALL]..." >&2; exit 2 ;;
esac
