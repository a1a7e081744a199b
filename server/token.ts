/**
 * The API's bearer token: 32 random bytes (base64url) in `<data dir>/api-token`, mode 0600,
 * made on the first `claude serve` (race-free: common/fsutil.ts writeFileExclusive) and
 * printed once. Requests are compared in constant time (both sides hashed first, so the
 * comparison never depends on where they differ or on their lengths).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileExclusive } from '../common/fsutil.js';

export const TOKEN_FILE = 'api-token';

export class ApiTokenError extends Error {
  override name = 'ApiTokenError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

export interface ApiToken {
  token: string;
  path: string;
  /** True when this call made it (print it once). */
  created: boolean;
}

/** Reads `<dataDir>/api-token`, or makes it (mode 0600). `rotate` replaces an existing one. Throws ApiTokenError. */
export function loadOrCreateApiToken(dataDir: string, o: { rotate?: boolean } = {}): ApiToken {
  const path = join(dataDir, TOKEN_FILE);
  if (o.rotate) rmSync(path, { force: true });
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const token = randomBytes(32).toString('base64url');
    if (writeFileExclusive(path, token + '\n', 0o600)) return { token, path, created: true };
  }
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077) throw new ApiTokenError(`${path} is readable by other users (mode ${mode.toString(8).padStart(4, '0')}); the API token must be private`, `chmod 600 ${path}, or make a new token with \`claude serve --rotate-token\``);
  const token = readFileSync(path, 'utf8').trim();
  if (!/^[A-Za-z0-9_-]{32,}$/.test(token)) throw new ApiTokenError(`${path} does not hold a valid API token`, `make a new one with \`claude serve --rotate-token\``);
  return { token, path, created: false };
}

/** Whether an Authorization header carries the token (`Bearer <token>`), in constant time. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  const given = createHash('sha256').update(m?.[1] ?? '').digest();
  const want = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, want) && m !== null;
}
