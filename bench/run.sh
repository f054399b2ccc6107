#!/usr/bin/env bash
# `npm run bench`: install if needed, start a Kafka broker of its own (BENCH_KAFKA_PORT, 39492), create
# and migrate its databases (optrail_bench, optrail_bench_rebuild), run bench/run.ts, stop the broker.
#   BENCH_SCALE=0.1 npm run bench    a quick run (a tenth of the events)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

ensure_node_modules
port=${BENCH_KAFKA_PORT:-39492}
export KAFKA_DATA_DIR=${BENCH_KAFKA_DATA_DIR:-$root/.data/kafka-bench-$port}
export KAFKA_HEAP=${KAFKA_HEAP:-1g}
bench_db=${BENCH_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/optrail_bench}
rebuild_db=${BENCH_REBUILD_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/optrail_bench_rebuild}

if ! postgres_answers "$bench_db"; then
  say "no Postgres answers at $bench_db (on these machines: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start)"
  exit 1
fi
started_kafka=
if [[ -z ${KAFKA_BROKERS:-} ]]; then
  if ! KAFKA_PORT=$port bash scripts/kafka.sh status >/dev/null; then
    rm -rf "$KAFKA_DATA_DIR" # a fresh broker: the bench's topics never accumulate
    KAFKA_PORT=$port bash scripts/kafka.sh start
    started_kafka=$port
  fi
  export KAFKA_BROKERS=127.0.0.1:$port
fi
cleanup() {
  if [[ -n $started_kafka ]]; then
    KAFKA_PORT=$started_kafka bash scripts/kafka.sh stop
    rm -rf "$KAFKA_DATA_DIR"
  fi
}
trap cleanup EXIT

DATABASE_URL=$rebuild_db prepare_database
DATABASE_URL=$bench_db prepare_database
export DATABASE_URL=$bench_db BENCH_REBUILD_DATABASE_URL=$rebuild_db
say "running the benchmark (scale ${BENCH_SCALE:-1}); the table follows"
node --import tsx bench/run.ts
