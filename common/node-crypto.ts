/**
 * node:crypto, required on first use. Loading it makes about fifteen of Node's internal modules
 * (hashes, keys, ciphers, X.509, scrypt…): ≈ 9 ms of CPU in a fresh `node`, a tenth of
 * `node -e 0`, which `claude status` and `claude validate` on a compiled-state cache hit never
 * use (docs/compiler.md, "Performance"). The modules on their path (canonical, fsutil, the plan
 * envelope and keys, the pid lock) call this instead of importing node:crypto at the top.
 */
import { createRequire } from 'node:module';

let mod: typeof import('node:crypto') | undefined;

export function nodeCrypto(): typeof import('node:crypto') {
  return (mod ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto'));
}
