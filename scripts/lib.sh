# Shared steps of scripts/start.sh and scripts/test.sh (sourced, not run).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

say() { echo "[optrail] $*" >&2; }

# Every node process started from here (services, tests, bench) gets a 32 MB young-generation semi-space
# (V8's default is 16): a request's or a batch's objects die before a scavenge instead of being copied
# and promoted. Ingest, 20 items/POST: +5-9 % notifications/s in interleaved A/B runs (README,
# Performance). The Docker image sets the same; a NODE_OPTIONS of the caller's own comes after, so it wins.
export NODE_OPTIONS="--max-semi-space-size=32${NODE_OPTIONS:+ $NODE_OPTIONS}"

ensure_node_modules() {
  local stamp=node_modules/.optrail-installed
  if [[ ! -f $stamp || package-lock.json -nt $stamp ]]; then
    say "installing dependencies (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error >&2
    touch "$stamp"
  fi
}

docker_available() {
  command -v docker >/dev/null 2>&1 && timeout 5 docker info >/dev/null 2>&1
}

postgres_answers() {
  node -e '
    const { Client } = require("pg");
    const url = new URL(process.argv[1]); url.pathname = "/postgres";
    const c = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 3000 });
    c.connect().then(() => c.end()).then(() => process.exit(0), () => process.exit(1));
  ' "$1"
}

# Creates the database named in DATABASE_URL if missing, then applies the committed migrations.
prepare_database() {
  node -e '
    const { Client } = require("pg");
    const target = new URL(process.argv[1]);
    const name = decodeURIComponent(target.pathname.slice(1));
    const admin = new URL(target); admin.pathname = "/postgres";
    const c = new Client({ connectionString: admin.toString() });
    (async () => {
      await c.connect();
      const { rowCount } = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      if (!rowCount) { await c.query(`CREATE DATABASE "${name.replaceAll("\"", "\"\"")}"`); console.error(`[optrail] created database ${name}`); }
      await c.end();
    })().catch((e) => { console.error(`[optrail] cannot reach Postgres at ${target.host}: ${e.message}`); process.exit(1); });
  ' "$DATABASE_URL"
  say "generating the Prisma client and applying migrations"
  npx --no-install prisma generate >/dev/null
  npx --no-install prisma migrate deploy 2>&1 | grep -E "applied|No pending|Error" >&2 || true
  npx --no-install prisma migrate status >/dev/null
}

start_local_kafka() {
  KAFKA_PORT=$1 bash scripts/kafka.sh start
}
