// An order the CA answers from an earlier validation (a valid authorization of the same
// account: Let's Encrypt keeps them 30 days) asks no challenge. Against a real Pebble set to
// reuse every valid authorization, the second order for a name says so, so that a renewal
// which "passed" without anything being checked is told apart from one that was checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startPebble, type Pebble } from '../testutil/pebble.js';
import { tempDirs } from '../testutil/tempdirs.js';
import { orderCertificate, type AcmeSettings } from './acme.js';
import type { CertSpec } from './store.js';

const temps = tempDirs('claude-reuse-');
let pebble: Pebble;
let settings: AcmeSettings;

beforeAll(async () => {
  pebble = await startPebble({ authzReuse: 100 });
  settings = { directoryUrl: pebble.directoryUrl, caPem: pebble.listenerCa, httpPort: pebble.httpPort, httpAddress: '127.0.0.1' };
}, 120_000);
afterAll(async () => {
  await pebble?.stop();
  temps.cleanup();
});

describe('an order answered from an earlier validation', () => {
  it('names the domains whose challenge the CA did not ask for', async () => {
    const name = `reuse-${randomBytes(3).toString('hex')}`;
    const spec: CertSpec = { name, domains: [`${name}.example.test`], provider: 'letsencrypt' as CertSpec['provider'], autoRenew: true, renewBeforeDays: 30 };
    const dataDir = temps.make();
    const root = temps.make();
    const first = await orderCertificate({ spec, dataDir, root, settings });
    expect(first.reusedValidation).toEqual([]);
    const second = await orderCertificate({ spec, dataDir, root, settings });
    expect(second.reusedValidation).toEqual([`${name}.example.test`]);
    expect(second.chainPem).toMatch(/BEGIN CERTIFICATE/);
    // Another account (another data dir, another key) has no validation to reuse.
    const other = await orderCertificate({ spec, dataDir: temps.make(), root, settings });
    expect(other.reusedValidation).toEqual([]);
  }, 120_000);
});
