/**
 * The health report's certificate predictions come from the certificate store
 * (runtime/certs/store.ts listStored), each judged by the renew_before_days it was applied
 * with — not by a fixed 30 days, and not from stray PEM files. Real certificates, made by
 * the apply-time path (prepareCertificates), in a temp data dir.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDirs } from '../testutil/tempdirs.js';
import { prepareCertificates, readStored } from '../certs/index.js';
import type { Facts } from '../../plan/observed.js';
import { buildHealthReport } from './health.js';
import { MetricsStore } from './metrics.js';

const dirs = tempDirs('claude-health-unit-');
afterEach(() => dirs.cleanup());
const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00Z');

const security = (days: number) =>
  `apiVersion: claude.os/v1\nkind: SecurityConfig\nmetadata:\n  name: security\nspec:\n  certificates:\n    - name: lab\n      domains: [lab.example.test]\n      provider: self-signed\n      renew_before_days: ${days}\n`;

/** An observation with no containers and no disks, taken at `at`. */
function factsAt(at: Date): Facts {
  return {
    collectedAt: at.toISOString(),
    host: { hostname: 'h', uptimeS: 1, bootTime: at.toISOString(), cpuCores: 2, cpuTimes: { busy: 0, total: 0 }, load1: 0, memTotalBytes: 1, memAvailableBytes: 1, memUsedBytes: 0, disks: [], interfaces: [], dnsServers: [] },
    containers: [],
    images: [],
    listeners: [],
    portHolders: [],
    events: [],
    logs: {},
    errors: [],
  };
}

function certPredictions(dataDir: string, at: Date) {
  const r = buildHealthReport({ facts: factsAt(at), store: new MetricsStore(), dataDir });
  return { report: r, certs: r.predictions.filter((p) => p.kind === 'certificate-expiry') };
}

describe('health: certificate expiry from the store', () => {
  it("uses each certificate's own renew_before_days", async () => {
    const dataDir = dirs.make();
    await prepareCertificates(security(10), { dataDir, root: dirs.make(), now: NOW });
    const notAfter = Date.parse(readStored(dataDir, 'lab')!.notAfter);
    // 20 days left: inside the old fixed 30 days, outside this certificate's 10.
    const at20 = certPredictions(dataDir, new Date(notAfter - 20 * DAY)).certs;
    expect(at20).toEqual([expect.objectContaining({ subject: 'lab', status: 'ok', severity: 'info' })]);
    expect(at20[0]!.evidence[0]).toMatch(/20 days left; renewal due 10 days before/);
    // 9 days left: inside its 10 days, a warning; 3 days left: critical.
    expect(certPredictions(dataDir, new Date(notAfter - 9 * DAY)).certs).toEqual([expect.objectContaining({ subject: 'lab', status: 'risk', severity: 'warning' })]);
    expect(certPredictions(dataDir, new Date(notAfter - 3 * DAY)).certs).toEqual([expect.objectContaining({ status: 'risk', severity: 'critical' })]);
  });

  it('a longer renew_before_days warns earlier than 30 days', async () => {
    const dataDir = dirs.make();
    await prepareCertificates(security(45), { dataDir, root: dirs.make(), now: NOW });
    const notAfter = Date.parse(readStored(dataDir, 'lab')!.notAfter);
    expect(certPredictions(dataDir, new Date(notAfter - 40 * DAY)).certs).toEqual([expect.objectContaining({ status: 'risk', severity: 'warning' })]);
  });

  it('reads only stored certificates: a PEM file outside the store is not a prediction, a damaged record is an error', async () => {
    const dataDir = dirs.make();
    await prepareCertificates(security(10), { dataDir, root: dirs.make(), now: NOW });
    // a stray PEM (e.g. a copy someone left there) is no certificate of the store
    mkdirSync(join(dataDir, 'certs', 'stray'), { recursive: true });
    writeFileSync(join(dataDir, 'certs', 'stray', 'copy.pem'), readFileSync(join(dataDir, 'certs', 'lab', 'fullchain.pem')));
    expect(certPredictions(dataDir, NOW).certs.map((p) => p.subject)).toEqual(['lab']);
    // a record without a valid date is reported, not guessed
    mkdirSync(join(dataDir, 'certs', 'broken'), { recursive: true });
    writeFileSync(join(dataDir, 'certs', 'broken', 'cert.json'), JSON.stringify({ ...readStored(dataDir, 'lab')!, spec: { ...readStored(dataDir, 'lab')!.spec, name: 'broken' }, notAfter: 'soon' }));
    const { report, certs } = certPredictions(dataDir, NOW);
    expect(certs.map((p) => p.subject)).toEqual(['lab']);
    expect(report.errors).toContain('certificate broken: cert.json has no valid notAfter');
  });
});
