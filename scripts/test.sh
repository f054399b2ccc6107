#!/usr/bin/env bash
# `npm test`: the same set-up as `npm start` (on a separate Kafka port and database), then every
# test tier: unit, integration (real Kafka and Postgres), end-to-end (the services over HTTP).
#   npm test                   all tiers
#   npm test -- unit|int|e2e   one tier; or npm test -- path/to/file.test.ts ...
# With Docker and neither DATABASE_URL nor KAFKA_BROKERS set, Kafka and Postgres run in
# testcontainers instead of on this machine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_node_modules

if [[ -z ${DATABASE_URL:-} && -z ${KAFKA_BROKERS:-} && -z ${OPTRAIL_NO_DOCKER:-} ]] && docker_available; then
  say "Docker answers: running Kafka and Postgres in testcontainers"
  exec node --import tsx test/support/with-containers.ts bash scripts/test.sh "$@"
fi

export NODE_ENV=test
export LOG_LEVEL=${LOG_LEVEL:-silent}
export DATABASE_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/optrail_test}
started_kafka=
if [[ -z ${KAFKA_BROKERS:-} ]]; then
  port=${OPTRAIL_TEST_KAFKA_PORT:-29092}
  export KAFKA_DATA_DIR=${KAFKA_DATA_DIR:-$root/.data/kafka-test-$port}
  # A test process that leaks a Kafka connection waits until the broker closes it (10 min by default)
  # before it can exit; a short idle timeout bounds that wait. Per-file durations: .data/test-results.tap
  export KAFKA_CONNECTIONS_MAX_IDLE_MS=${KAFKA_CONNECTIONS_MAX_IDLE_MS:-30000}
  if ! KAFKA_PORT=$port bash scripts/kafka.sh status >/dev/null; then
    rm -rf "$KAFKA_DATA_DIR"
    start_local_kafka "$port"
    started_kafka=$port
  fi
  export KAFKA_BROKERS=127.0.0.1:$port
  export OPTRAIL_TEST_KAFKA_CONTROL="bash $root/scripts/kafka.sh"
  export KAFKA_PORT=$port
fi
cleanup() { if [[ -n $started_kafka ]]; then KAFKA_PORT=$started_kafka bash scripts/kafka.sh stop; fi; }
trap cleanup EXIT

if ! postgres_answers "$DATABASE_URL"; then
  say "no Postgres answers at $DATABASE_URL (on these machines: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start)"
  exit 1
fi
prepare_database

files=()
for arg in "$@"; do
  case $arg in
    unit | int | e2e) while IFS= read -r f; do files+=("$f"); done < <(find test -name "*.$arg.test.ts" | sort) ;;
    *) files+=("$arg") ;;
  esac
done
if ((${#files[@]} == 0)); then
  for tier in unit int e2e; do
    while IFS= read -r f; do files+=("$f"); done < <(find test -name "*.$tier.test.ts" | sort)
  done
fi
# The browser tests (test/e2e/dashboard.e2e.test.ts) drive Debian's chromium through playwright-core,
# which downloads no browser. Installed here when missing; idempotent. Needs root (CI and these
# machines run as root): apt-get installs system packages.
if [[ " ${files[*]} " == *".e2e.test.ts "* && ! -x /usr/bin/chromium ]]; then
  say "installing chromium for the browser tests (apt-get)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
fi
say "running ${#files[@]} test files"
mkdir -p .data
node --import tsx --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination=.data/test-results.tap "${files[@]}"
