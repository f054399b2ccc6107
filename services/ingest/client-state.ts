// The shared secret of change-notification subscriptions: every item must carry one of the configured
// clientState values. Compared in constant time: both sides are hashed to equal-length digests first,
// so neither the content nor the length of the secret leaks through timing.
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

export type ClientStateCheck = (clientState: unknown) => boolean;

/** `secrets` may hold several values (rotation): a match with any of them is accepted. */
export function createClientStateCheck(secrets: string[]): ClientStateCheck {
  const expected = secrets.map(digest);
  return (clientState) => {
    if (typeof clientState !== "string") return false;
    const given = digest(clientState);
    let ok = false;
    for (const e of expected) ok = timingSafeEqual(given, e) || ok; // no early exit
    return ok;
  };
}
