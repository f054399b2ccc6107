// For machines with a Docker engine: start Postgres and Kafka in testcontainers, then run the given
// command (scripts/test.sh again) with DATABASE_URL and KAFKA_BROKERS pointing at them.
// scripts/test.sh chooses this path only when `docker info` answers and neither variable is set.
import { spawn } from "node:child_process";
import { GenericContainer, Wait } from "testcontainers";

const KAFKA_IMAGE = "apache/kafka:4.1.1";
const POSTGRES_IMAGE = "postgres:16-alpine";
const KAFKA_PORT = 9092;

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error("usage: with-containers.ts <command> [args...]");
  process.exit(2);
}

const postgres = await new GenericContainer(POSTGRES_IMAGE)
  .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: "trust", POSTGRES_DB: "optrail_test" })
  .withExposedPorts(5432)
  .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
  .start();

// The broker must advertise the host port Docker mapped, which is only known after start: the
// container waits for a file naming it, then starts Kafka with that advertised listener.
const kafka = await new GenericContainer(KAFKA_IMAGE)
  .withExposedPorts(KAFKA_PORT)
  .withEnvironment({
    KAFKA_NODE_ID: "1",
    KAFKA_PROCESS_ROLES: "broker,controller",
    KAFKA_CONTROLLER_QUORUM_VOTERS: "1@localhost:9093",
    KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${KAFKA_PORT},CONTROLLER://localhost:9093`,
    KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "1",
    KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0",
    KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false",
  })
  .withEntrypoint(["/bin/sh", "-c"])
  .withCommand([
    "while [ ! -f /tmp/advertised ]; do sleep 0.1; done; export KAFKA_ADVERTISED_LISTENERS=$(cat /tmp/advertised); exec /etc/kafka/docker/run",
  ])
  .start();
const host = kafka.getHost();
const mapped = kafka.getMappedPort(KAFKA_PORT);
await kafka.exec(["/bin/sh", "-c", `echo PLAINTEXT://${host}:${mapped} > /tmp/advertised`]);
await new Promise((r) => setTimeout(r, 8000));

const env = {
  ...process.env,
  DATABASE_URL: `postgresql://postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/optrail_test`,
  KAFKA_BROKERS: `${host}:${mapped}`,
  OPTRAIL_NO_DOCKER: "1",
};
const child = spawn(command, args, { env, stdio: "inherit" });
const code: number = await new Promise((resolve) => child.on("exit", (c) => resolve(c ?? 1)));
await Promise.allSettled([kafka.stop(), postgres.stop()]);
process.exit(code);
