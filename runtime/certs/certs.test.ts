/**
 * runtime/certs without a network: specs and defaults, placeholders at apply, self-signed
 * renewal by moving the clock, retirement, the certificate-expiry thresholds, refusals that
 * need no CA. The ACME path against a real CA (Pebble) is test/certificates.docker.test.ts.
 */
import { statSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDirs } from '../testutil/tempdirs.js';
import { acmeSettingsFromEnv, certSpecs, certificateAnomalies, dueReason, listStored, prepareCertificates, readStored, renewCertificates, retireUnlisted } from './index.js';

const dirs = tempDirs('claude-certs-unit-');
afterEach(() => dirs.cleanup());
const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00Z');

const yaml = (certs: string) => `apiVersion: claude.os/v1\nkind: SecurityConfig\nmetadata:\n  name: security\nspec:\n  certificates:\n${certs}`;
const SELF = yaml('    - name: lab\n      domains: [lab.example.test]\n      provider: self-signed\n      renew_before_days: 20\n');
const LE = yaml('    - name: site\n      domains: [example.test, www.example.test]\n');

describe('certificates (no network)', () => {
  it('reads security.yaml with the defaults: letsencrypt, auto_renew on, 30 days', () => {
    expect(certSpecs(LE)).toEqual([{ name: 'site', domains: ['example.test', 'www.example.test'], provider: 'letsencrypt', autoRenew: true, renewBeforeDays: 30 }]);
    expect(certSpecs(undefined)).toEqual([]);
  });

  it('an apply gives a letsencrypt certificate a placeholder: key 0600, nginx block, listed as not issued', async () => {
    const dataDir = dirs.make();
    const root = dirs.make();
    expect(await prepareCertificates(LE, { dataDir, root, now: NOW })).toEqual(['site']);
    const c = readStored(dataDir, 'site')!;
    expect(c).toMatchObject({ source: 'placeholder', domains: ['example.test', 'www.example.test'] });
    expect(statSync(join(dataDir, 'certs/site/privkey.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'srv/claude/certs/site/privkey.pem')).mode & 0o777).toBe(0o600);
    const conf = readFileSync(join(root, 'srv/claude/certs/site/nginx.conf'), 'utf8');
    expect(conf).toContain('server_name example.test www.example.test;');
    expect(conf).toContain('ssl_certificate_key /etc/nginx/certs/privkey.pem;');
    expect(conf).toContain('location /.well-known/acme-challenge/');
    expect(dueReason(c, NOW)).toMatch(/not issued yet/);
    expect(certificateAnomalies(dataDir, NOW)).toEqual([expect.objectContaining({ kind: 'certificate-expiry', severity: 'warning', certificate: 'site' })]);
    // A second apply with the same names leaves it alone; other names make a new one.
    expect(await prepareCertificates(LE, { dataDir, root, now: NOW })).toEqual([]);
    const serial = c.serial;
    expect(await prepareCertificates(LE.replace('www.example.test', 'shop.example.test'), { dataDir, root, now: NOW })).toEqual(['site']);
    expect(readStored(dataDir, 'site')!.serial).not.toBe(serial);
  });

  it('self-signed: current until renew_before_days, renewed after by moving the clock; anomalies warn, then go critical', async () => {
    const dataDir = dirs.make();
    const root = dirs.make();
    await prepareCertificates(SELF, { dataDir, root, now: NOW });
    const first = readStored(dataDir, 'lab')!;
    expect(first.source).toBe('self-signed');
    const exp = Date.parse(first.notAfter);
    const acme = { directoryUrl: 'https://acme.invalid/dir', httpPort: 80 };
    const reloaded: string[] = [];
    const reload = async (dir: string) => (reloaded.push(dir), { reloaded: ['web'], unconfirmed: [] });
    expect(await renewCertificates({ dataDir, root, now: new Date(exp - 25 * DAY), acme, reload })).toEqual([expect.objectContaining({ name: 'lab', action: 'current' })]);
    expect(certificateAnomalies(dataDir, new Date(exp - 25 * DAY))).toEqual([]);
    expect(certificateAnomalies(dataDir, new Date(exp - 15 * DAY))).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/expires in 15 days/) })]);
    expect(certificateAnomalies(dataDir, new Date(exp - 3 * DAY))).toEqual([expect.objectContaining({ severity: 'critical' })]);
    expect(certificateAnomalies(dataDir, new Date(exp + DAY))).toEqual([expect.objectContaining({ severity: 'critical', message: expect.stringMatching(/expired on/) })]);
    const later = new Date(exp - 15 * DAY);
    const r = await renewCertificates({ dataDir, root, now: later, acme, reload });
    expect(r).toEqual([expect.objectContaining({ name: 'lab', action: 'renewed', reloaded: ['web'], reason: expect.stringMatching(/within renew_before_days \(20\)/) })]);
    expect(reloaded).toEqual([join(root, 'srv/claude/certs/lab')]);
    expect(Date.parse(readStored(dataDir, 'lab')!.notAfter)).toBeGreaterThan(exp);
  });

  it('a wildcard is refused with the reason (DNS-01 is not answered) and nothing changes', async () => {
    const dataDir = dirs.make();
    const root = dirs.make();
    await prepareCertificates(yaml('    - name: wild\n      domains: ["*.example.test"]\n'), { dataDir, root, now: NOW });
    const before = readFileSync(join(dataDir, 'certs/wild/fullchain.pem'), 'utf8');
    const r = await renewCertificates({ dataDir, root, now: NOW, acme: { directoryUrl: 'https://acme.invalid/dir', httpPort: 80 }, reload: async () => ({ reloaded: [], unconfirmed: [] }) });
    expect(r).toEqual([expect.objectContaining({ name: 'wild', action: 'failed', reason: expect.stringMatching(/\*\.example\.test is a wildcard; wildcards need the DNS-01 challenge/) })]);
    expect(readFileSync(join(dataDir, 'certs/wild/fullchain.pem'), 'utf8')).toBe(before);
    expect(await renewCertificates({ dataDir, root, now: NOW, names: ['nope'], acme: { directoryUrl: 'x', httpPort: 80 }, reload: async () => ({ reloaded: [], unconfirmed: [] }) })).toEqual([expect.objectContaining({ name: 'nope', action: 'failed', reason: expect.stringMatching(/no certificate named nope/) })]);
  });

  it('after an apply without it, a certificate is retired: not listed, not renewed, not watched', async () => {
    const dataDir = dirs.make();
    const root = dirs.make();
    await prepareCertificates(LE, { dataDir, root, now: NOW });
    expect(retireUnlisted(LE, dataDir)).toEqual([]);
    expect(retireUnlisted(yaml('    []\n').replace('certificates:\n    []', 'certificates: []'), dataDir)).toEqual(['site']);
    expect(listStored(dataDir)).toEqual([]);
    expect(certificateAnomalies(dataDir, NOW)).toEqual([]);
    expect(existsSync(join(dataDir, 'certs/site/privkey.pem'))).toBe(true);
  });

  it('bad ACME settings in the environment are named', () => {
    expect(() => acmeSettingsFromEnv({ CLAUDE_ACME_HTTP_PORT: '99999' })).toThrow(/CLAUDE_ACME_HTTP_PORT must be a port number \(1-65535\), not '99999'/);
    expect(() => acmeSettingsFromEnv({ CLAUDE_ACME_CA_FILE: '/nonexistent/ca.pem' })).toThrow(/CLAUDE_ACME_CA_FILE: cannot read \/nonexistent\/ca\.pem/);
    expect(acmeSettingsFromEnv({})).toMatchObject({ directoryUrl: expect.stringMatching(/^https:\/\/acme-v02\./), httpPort: 80 });
  });
});
