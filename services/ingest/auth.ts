// How ingest decides that a request comes from Microsoft Graph.
import type { Request } from "express";

export interface AuthResult {
  /** False when no credentials are configured (development only): events are marked unauthenticated. */
  authenticated: boolean;
  tenantId?: string;
}

export interface Authenticator {
  /** Resolves for a request from Graph; throws an HttpProblem (401/403) otherwise. */
  authenticate(req: Request): Promise<AuthResult>;
}

/** Development mode without credentials: accepts everything, marking it unauthenticated. */
export const unauthenticated: Authenticator = {
  authenticate: () => Promise.resolve({ authenticated: false }),
};
