#!/usr/bin/env bash
# `npm start`: install if needed, start Kafka (local, or the one in KAFKA_BROKERS), prepare Postgres,
# then run ingest + projector + api in one process. Ctrl-C stops everything it started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_node_modules
export DATABASE_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/optrail}
started_kafka=
if [[ -z ${KAFKA_BROKERS:-} ]]; then
  port=${KAFKA_PORT:-9092}
  if ! KAFKA_PORT=$port bash scripts/kafka.sh status >/dev/null; then
    start_local_kafka "$port"
    started_kafka=$port
  fi
  export KAFKA_BROKERS=127.0.0.1:$port
fi
cleanup() { [[ -n $started_kafka ]] && KAFKA_PORT=$started_kafka bash scripts/kafka.sh stop || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

prepare_database
say "starting optrail (Ctrl-C to stop)"
node --import tsx services/main.ts
