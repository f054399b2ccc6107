// How ingest decides that a request comes from Microsoft Graph (or from the bot), per door:
// - call notifications (commsNotifications, no subscriptionId): Microsoft's Bearer JWT (graph-token.ts);
// - change notifications (items with subscriptionId/clientState, lifecycle included): clientState on
//   EVERY item; one wrong item → 403 for the whole request and nothing stored;
// - action responses (the bot's own reports): a shared Bearer token.
// A door without its credential is open (events marked authenticated: false) in development and test,
// and closed (401/403) in production.
import { createHash, timingSafeEqual } from "node:crypto";
import type { Config } from "../platform/config.js";
import { createClientStateCheck, type ClientStateCheck } from "./client-state.js";
import { createGraphTokenVerifier, forbidden, unauthorized, type GraphTokenVerifier } from "./graph-token.js";

export interface AuthResult {
  /** False when the door has no credential configured (development/test only). */
  authenticated: boolean;
  tenantId?: string;
}

export interface Authenticator {
  /** Resolves for a POST from Graph to the notification URL; throws an HttpProblem (401/403/503) otherwise. */
  notifications(authorization: string | undefined, body: unknown): Promise<AuthResult>;
  /** Resolves for the bot's action-response report; throws an HttpProblem (401) otherwise. */
  actionResponse(authorization: string | undefined): Promise<AuthResult>;
}

export interface AuthSettings {
  /** Production: a door without credentials refuses everything instead of accepting unauthenticated. */
  production: boolean;
  graphToken?: GraphTokenVerifier | undefined;
  clientState?: ClientStateCheck | undefined;
  actionToken?: string | undefined;
}

const OPEN: AuthResult = { authenticated: false };

/** True when the body is a change-notification collection (some item names a subscription). */
export function isChangeNotificationBody(body: unknown): body is { value: unknown[] } {
  if (typeof body !== "object" || body === null || !Array.isArray((body as { value?: unknown }).value)) return false;
  return (body as { value: unknown[] }).value.some(
    (item) => typeof item === "object" && item !== null && ("subscriptionId" in item || "clientState" in item),
  );
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

export function createAuthenticator(settings: AuthSettings): Authenticator {
  const { production, graphToken, clientState, actionToken } = settings;
  return {
    async notifications(authorization, body) {
      if (isChangeNotificationBody(body)) {
        if (!clientState) {
          if (production) throw forbidden("change notifications are not accepted: no clientState is configured");
          return OPEN;
        }
        const bad = body.value.findIndex((item) => !clientState((item as { clientState?: unknown } | null)?.clientState));
        if (bad >= 0) throw forbidden(`item ${bad} does not carry the subscription's clientState; nothing was stored`);
        return { authenticated: true };
      }
      if (!graphToken) {
        if (production) throw unauthorized("call notifications are not accepted: GRAPH_APP_ID is not configured");
        return OPEN;
      }
      const { tenantId } = await graphToken(authorization);
      return { authenticated: true, tenantId };
    },
    async actionResponse(authorization) {
      if (!actionToken) {
        if (production) throw unauthorized("action responses are not accepted: INGEST_ACTION_RESPONSE_TOKEN is not configured");
        return OPEN;
      }
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
      if (!match?.[1] || !sameSecret(match[1], actionToken)) throw unauthorized("the bot's Bearer token is required");
      return { authenticated: true };
    },
  };
}

/** Development mode without credentials: accepts everything, marking it unauthenticated. */
export const unauthenticated: Authenticator = createAuthenticator({ production: false });

export type AuthConfig = Pick<
  Config,
  | "NODE_ENV"
  | "GRAPH_APP_ID"
  | "GRAPH_OPENID_CONFIG_URL"
  | "GRAPH_TOKEN_ISSUERS"
  | "GRAPH_TENANT_IDS"
  | "GRAPH_CLIENT_STATE"
  | "INGEST_ACTION_RESPONSE_TOKEN"
>;

export interface AuthSetup {
  authenticator: Authenticator;
  /** The doors that have no credential configured (open in development, closed in production). */
  unprotected: string[];
}

/** Builds the authenticator from configuration; throws when production would have nothing to check. */
export function authenticatorFromConfig(config: AuthConfig): AuthSetup {
  const production = config.NODE_ENV === "production";
  const unprotected = [
    ...(config.GRAPH_APP_ID ? [] : ["call notifications (GRAPH_APP_ID)"]),
    ...(config.GRAPH_CLIENT_STATE.length > 0 ? [] : ["change notifications (GRAPH_CLIENT_STATE)"]),
    ...(config.INGEST_ACTION_RESPONSE_TOKEN ? [] : ["action responses (INGEST_ACTION_RESPONSE_TOKEN)"]),
  ];
  if (production) {
    if (!config.GRAPH_APP_ID && config.GRAPH_CLIENT_STATE.length === 0) {
      throw new Error(
        "ingest refuses to start in production without Graph credentials: set GRAPH_APP_ID and/or GRAPH_CLIENT_STATE (see README, Connecting Microsoft Graph)",
      );
    }
    if (config.GRAPH_APP_ID && !config.GRAPH_OPENID_CONFIG_URL.startsWith("https://")) {
      throw new Error("GRAPH_OPENID_CONFIG_URL must be https in production");
    }
  }
  return {
    unprotected,
    authenticator: createAuthenticator({
      production,
      graphToken: config.GRAPH_APP_ID
        ? createGraphTokenVerifier({
            appId: config.GRAPH_APP_ID,
            openIdConfigUrl: config.GRAPH_OPENID_CONFIG_URL,
            issuers: config.GRAPH_TOKEN_ISSUERS,
            tenantIds: config.GRAPH_TENANT_IDS,
          })
        : undefined,
      clientState: config.GRAPH_CLIENT_STATE.length > 0 ? createClientStateCheck(config.GRAPH_CLIENT_STATE) : undefined,
      actionToken: config.INGEST_ACTION_RESPONSE_TOKEN,
    }),
  };
}
