// Stops and starts the real test broker (scripts/kafka.sh, through OPTRAIL_TEST_KAFKA_CONTROL with the
// KAFKA_PORT and KAFKA_DATA_DIR that scripts/test.sh exports). Unset under testcontainers: tests skip.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Why broker-control tests cannot run here, or undefined when they can. */
export function brokerControlUnavailable(): string | undefined {
  return process.env.OPTRAIL_TEST_KAFKA_CONTROL ? undefined : "needs OPTRAIL_TEST_KAFKA_CONTROL (the local broker of scripts/test.sh)";
}

async function control(command: "stop" | "start"): Promise<void> {
  const script = process.env.OPTRAIL_TEST_KAFKA_CONTROL;
  if (!script) throw new Error(brokerControlUnavailable());
  await run("bash", ["-c", `${script} ${command}`], { env: process.env, timeout: 120_000 });
}

/** Stops the broker and returns once its process is gone. */
export const stopBroker = () => control("stop");
/** Starts the broker (same data directory: topics and offsets survive) and returns once it is ready. */
export const startBroker = () => control("start");

/** True where the broker can be stopped and started (the local broker of scripts/test.sh). */
export const brokerControllable = () => brokerControlUnavailable() === undefined;
