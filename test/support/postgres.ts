// Restarting the real system Postgres cluster (pg_ctlcluster, as root), for the one test that does it.
import { execSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";

/** True when DATABASE_URL is the local system cluster and this process may restart it. */
export function postgresRestartable(): boolean {
  const url = process.env.DATABASE_URL ?? "";
  const local = /@(127\.0\.0\.1|localhost)(:5432)?\//.test(url);
  return local && process.getuid?.() === 0 && existsSync("/etc/postgresql") && readdirSync("/etc/postgresql").length > 0;
}

/** Restarts the cluster with a fast shutdown (a ~1-2 s outage for everyone using it). */
export function restartPostgres(): void {
  const version = readdirSync("/etc/postgresql").sort()[0];
  execSync(`pg_ctlcluster --skip-systemctl-redirect ${version} main restart -m fast`, { stdio: "ignore", timeout: 60_000 });
}
