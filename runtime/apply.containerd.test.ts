/**
 * The runtime's apply suite (runtime/testutil/apply-suite.ts) on a private containerd per run (its own socket, root and namespace), the CNI plugins and runc. The other engine's
 * half is runtime/apply.docker.test.ts: two files, so vitest runs them in parallel.
 */
import { applySuite } from './testutil/apply-suite.js';

applySuite('containerd');
