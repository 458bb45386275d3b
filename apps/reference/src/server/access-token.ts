import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * An API token: 16–256 URL- and header-safe characters. The same characters are valid in a
 * `Sec-WebSocket-Protocol` value, which is how a browser hands the token to `/ws`.
 */
export const AccessTokenSchema = z
  .string()
  .min(16, 'must be at least 16 characters')
  .max(256, 'must be at most 256 characters')
  .regex(/^[A-Za-z0-9._~-]+$/, 'may hold only letters, digits and . _ ~ -');

/** The WebSocket subprotocol the server selects; a client offers it beside `keel.token.<token>`. */
export const WS_PROTOCOL = 'keel';
export const WS_TOKEN_PREFIX = 'keel.token.';

/**
 * Constant-time comparison. Both sides are hashed first so the comparison sees equal lengths and
 * neither the token's length nor a common prefix shows in the timing.
 */
export function tokensEqual(expected: string, presented: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, if it has that shape. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return match?.[1];
}

/** The token offered as a `keel.token.<token>` WebSocket subprotocol, if any. */
export function subprotocolToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(',')) {
    const p = part.trim();
    if (p.startsWith(WS_TOKEN_PREFIX)) return p.slice(WS_TOKEN_PREFIX.length);
  }
  return undefined;
}
