/**
 * How the compiler sees the system: only through this interface. The CLI wires in the
 * runtime's observer (runtime/observe/snapshot.ts); tests pass a snapshot directly. The
 * compiler never talks to Docker, nft or the host itself.
 */
import type { ObservedState } from '../plan/types.js';

export interface ObservedSource {
  /** A read-only snapshot of what Claude.OS manages (and what conflicts with it). */
  snapshot(): Promise<ObservedState>;
}

