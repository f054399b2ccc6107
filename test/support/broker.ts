// Stopping and starting the real test Kafka broker (scripts/test.sh exports OPTRAIL_TEST_KAFKA_CONTROL,
// KAFKA_PORT and KAFKA_DATA_DIR). Only for tests that restart the broker on purpose.
import { execSync } from "node:child_process";

function control(action: "stop" | "start"): void {
  const command = process.env.OPTRAIL_TEST_KAFKA_CONTROL;
  if (!command) throw new Error("OPTRAIL_TEST_KAFKA_CONTROL is not set: run the broker tests with `npm test` (local Kafka)");
  execSync(`${command} ${action}`, { stdio: "ignore", timeout: 120_000 });
}

export const brokerControllable = () => Boolean(process.env.OPTRAIL_TEST_KAFKA_CONTROL);
export const stopBroker = () => control("stop");
export const startBroker = () => control("start");
