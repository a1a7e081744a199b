/**
 * The runtime's apply suite (runtime/testutil/apply-suite.ts) on the host's Docker Engine. The other engine's
 * half is runtime/apply.containerd.test.ts: two files, so vitest runs them in parallel.
 */
import { applySuite } from './testutil/apply-suite.js';

applySuite('docker');
