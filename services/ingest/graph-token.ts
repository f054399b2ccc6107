// Verifies the `Authorization: Bearer` JWT Microsoft signs on call notifications: signature (keys from
// the OpenID configuration's jwks_uri, cached and refreshed by jose), expiry, audience, issuer, tenant.
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from "jose";
import { HttpProblem, serviceUnavailable } from "../platform/problem.js";

export interface GraphTokenOptions {
  /** The bot's app id: the only accepted audience. */
  appId: string;
  openIdConfigUrl: string;
  issuers: string[];
  /** Allowed tenants; empty = any tenant. */
  tenantIds: string[];
  /** How long one fetch of the OpenID configuration or the keys may take (Graph allows 3 s in all). */
  fetchTimeoutMs?: number;
  /** Accepted clock skew, in seconds. */
  clockToleranceSeconds?: number;
}

export interface VerifiedToken {
  tenantId: string;
}

/** Asymmetric algorithms only: `none` and the HMAC family (HS*) are never accepted. */
export const ACCEPTED_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

const TENANT_CLAIMS = ["tid", "http://schemas.microsoft.com/identity/claims/tenantid"] as const;

/** jose error codes that mean "this token is not acceptable" (401); anything else is our fault (503). */
const TOKEN_ERROR_CODES = new Set([
  errors.JWTClaimValidationFailed.code,
  errors.JWTExpired.code,
  errors.JWTInvalid.code,
  errors.JWSInvalid.code,
  errors.JWSSignatureVerificationFailed.code,
  errors.JOSEAlgNotAllowed.code,
  errors.JOSENotSupported.code,
  errors.JWKSNoMatchingKey.code,
  errors.JWKSMultipleMatchingKeys.code,
  errors.JWKInvalid.code,
]);

export const unauthorized = (detail: string) => new HttpProblem(401, "Unauthorized", detail);
export const forbidden = (detail: string) => new HttpProblem(403, "Forbidden", detail);

function tenantOf(payload: JWTPayload): string | undefined {
  for (const claim of TENANT_CLAIMS) {
    const value = payload[claim];
    if (typeof value === "string" && value.length > 0) return value;
  }
  return undefined;
}

export type GraphTokenVerifier = (authorization: string | undefined) => Promise<VerifiedToken>;

export function createGraphTokenVerifier(options: GraphTokenOptions): GraphTokenVerifier {
  const fetchTimeoutMs = options.fetchTimeoutMs ?? 1500;
  const allowedTenants = new Set(options.tenantIds);
  let keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;

  // The OpenID configuration names the key set; read once, read again after a failure.
  const keySet = () => {
    keys ??= (async () => {
      const res = await fetch(options.openIdConfigUrl, { signal: AbortSignal.timeout(fetchTimeoutMs), redirect: "error" });
      if (!res.ok) throw new Error(`OpenID configuration answered ${res.status}`);
      const body = (await res.json()) as { jwks_uri?: unknown };
      if (typeof body.jwks_uri !== "string") throw new Error("OpenID configuration has no jwks_uri");
      return createRemoteJWKSet(new URL(body.jwks_uri), { timeoutDuration: fetchTimeoutMs });
    })();
    keys.catch(() => (keys = undefined));
    return keys;
  };

  // Fetch the keys once at start, so the first notification does not pay for it (best effort: a
  // failure here is retried on the first request).
  keySet()
    .then((jwks) => jwks.reload())
    .catch(() => undefined);

  return async (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (!match?.[1]) throw unauthorized("a Bearer token from Microsoft Graph is required");
    let jwks;
    try {
      jwks = await keySet();
    } catch (err) {
      throw serviceUnavailable(`the signing keys could not be fetched: ${err instanceof Error ? err.message : String(err)}`);
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1], jwks, {
        algorithms: ACCEPTED_ALGORITHMS,
        audience: options.appId,
        issuer: options.issuers,
        requiredClaims: ["exp"],
        clockTolerance: options.clockToleranceSeconds ?? 300,
      }));
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === "string" && TOKEN_ERROR_CODES.has(code)) throw unauthorized(`the token was rejected (${code})`);
      throw serviceUnavailable(`the token could not be verified now: ${err instanceof Error ? err.message : String(err)}`);
    }
    const tenantId = tenantOf(payload);
    if (!tenantId) throw unauthorized("the token carries no tenant id claim");
    if (allowedTenants.size > 0 && !allowedTenants.has(tenantId)) throw forbidden("the token's tenant is not allowed here");
    return { tenantId };
  };
}
