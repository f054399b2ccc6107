#!/usr/bin/env bash
# Local Apache Kafka (KRaft, one node) for optrail: fetch, format, start, wait, stop.
#   scripts/kafka.sh start | stop | status | fetch
# Settings (env): KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (KAFKA_PORT+1), KAFKA_DATA_DIR
# (.data/kafka-$KAFKA_PORT), KAFKA_HEAP (512m), OPTRAIL_CACHE (~/.cache/optrail),
# KAFKA_CONNECTIONS_MAX_IDLE_MS (the broker's default, 600000; the tests use 30000).
# The jars come from Maven Central through mvn (cached); the broker runs on the machine's JDK (17+).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
port=${KAFKA_PORT:-9092}
controller_port=${KAFKA_CONTROLLER_PORT:-$((port + 1))}
data_dir=${KAFKA_DATA_DIR:-$root/.data/kafka-$port}
heap=${KAFKA_HEAP:-512m}
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$root/scripts/kafka/pom.xml")
cache=${OPTRAIL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/optrail}
libs=$cache/kafka-$version/libs
pid_file=$data_dir/kafka.pid

log() { echo "[kafka] $*" >&2; }

fetch() {
  if [[ -f $libs/.complete ]]; then return; fi
  command -v mvn >/dev/null || { log "mvn is required to fetch Kafka (apt-get install maven)"; exit 1; }
  command -v java >/dev/null || { log "java 17+ is required to run Kafka"; exit 1; }
  log "fetching Apache Kafka $version from Maven Central into $libs"
  rm -rf "$libs" && mkdir -p "$libs"
  mvn -q -B -f "$root/scripts/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$libs" -DincludeScope=runtime >&2
  touch "$libs/.complete"
}

running() { [[ -f $pid_file ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

java_cmd() {
  java -Xms128m -Xmx"$heap" -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$root/scripts/kafka/log4j2.properties" -Dkafka.logs.dir="$data_dir" \
    -cp "$libs/*" "$@"
}

write_config() {
  mkdir -p "$data_dir/log"
  cat >"$data_dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$data_dir/log
num.partitions=12
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=12
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
log.retention.hours=-1
log.segment.bytes=268435456
connections.max.idle.ms=${KAFKA_CONNECTIONS_MAX_IDLE_MS:-600000}
PROPS
}

start() {
  if running; then log "already running (pid $(cat "$pid_file")) on 127.0.0.1:$port"; return; fi
  if port_open "$port"; then log "port $port is taken by another process; set KAFKA_PORT"; exit 1; fi
  fetch
  write_config
  if [[ ! -f $data_dir/log/meta.properties ]]; then
    log "formatting KRaft storage in $data_dir"
    java_cmd kafka.tools.StorageTool format -t "$(java_cmd kafka.tools.StorageTool random-uuid)" \
      -c "$data_dir/server.properties" >"$data_dir/format.log" 2>&1
  fi
  log "starting broker $version on 127.0.0.1:$port"
  nohup java -Xms128m -Xmx"$heap" -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$root/scripts/kafka/log4j2.properties" -Dkafka.logs.dir="$data_dir" \
    -cp "$libs/*" kafka.Kafka "$data_dir/server.properties" >"$data_dir/stdout.log" 2>&1 &
  echo $! >"$pid_file"
  wait_ready
}

wait_ready() {
  local deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-90}))
  until port_open "$port" && grep -q "Kafka Server started" "$data_dir/server.log" 2>/dev/null; do
    if ! running; then log "broker exited; see $data_dir/server.log and $data_dir/stdout.log"; tail -20 "$data_dir/stdout.log" >&2 || true; exit 1; fi
    if ((SECONDS > deadline)); then log "broker not ready after ${KAFKA_START_TIMEOUT:-90}s"; exit 1; fi
    sleep 0.3
  done
  log "ready on 127.0.0.1:$port (pid $(cat "$pid_file"))"
}

stop() {
  if ! running; then rm -f "$pid_file"; return; fi
  local pid; pid=$(cat "$pid_file")
  log "stopping broker (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pid_file"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  kill) running && kill -KILL "$(cat "$pid_file")"; rm -f "$pid_file" ;;
  status) if running; then echo "running (pid $(cat "$pid_file")) on 127.0.0.1:$port"; else echo "stopped"; exit 3; fi ;;
  *) echo "usage: $0 fetch|start|stop|kill|status" >&2; exit 2 ;;
esac
