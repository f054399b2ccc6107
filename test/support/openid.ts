// A local stand-in for Microsoft's OpenID configuration and key set (127.0.0.1, port 0), and a signer
// of real tokens with jose: what Graph's Bearer tokens look like, good and bad.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from "jose";

export const APP_ID = "11111111-2222-4333-8444-555555555555";
export const TENANT_ID = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
export const GRAPH_ISSUER = "https://graph.microsoft.com";

export interface OpenIdServer {
  configUrl: string;
  /** Signs a token with the published key (or `key`), RS256, valid for an hour unless overridden. */
  sign(claims?: JWTPayload, options?: { key?: CryptoKey; kid?: string; expiresIn?: string | number; alg?: string }): Promise<string>;
  /** A key pair whose public half is NOT published. */
  foreignKey: CryptoKey;
  close(): Promise<void>;
}

export async function startOpenIdServer(): Promise<OpenIdServer> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  const foreign = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key-1", use: "sig", alg: "RS256" };
  let base = "";
  const server: Server = createServer((req, res) => {
    if (req.url === "/.well-known/OpenIdConfiguration") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ issuer: GRAPH_ISSUER, jwks_uri: `${base}/keys` }));
    } else if (req.url === "/keys") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    configUrl: `${base}/.well-known/OpenIdConfiguration`,
    foreignKey: foreign.privateKey,
    async sign(claims = {}, options = {}) {
      const jwt = new SignJWT({ tid: TENANT_ID, ...claims })
        .setProtectedHeader({ alg: options.alg ?? "RS256", kid: options.kid ?? "test-key-1", typ: "JWT" })
        .setIssuedAt()
        .setIssuer(typeof claims.iss === "string" ? claims.iss : GRAPH_ISSUER)
        .setAudience(claims.aud ?? APP_ID)
        .setExpirationTime(options.expiresIn ?? "1h");
      return jwt.sign(options.key ?? privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** An unsecured token (`alg: none`) with otherwise perfect claims. */
export function unsecuredToken(claims: JWTPayload): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  return `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`;
}
