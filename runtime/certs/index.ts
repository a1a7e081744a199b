/**
 * Certificates from security.yaml `spec.certificates` (docs/certificates.md).
 *
 *   certSpecs(securityYaml)               the certificates asked for, defaults filled in
 *   prepareCertificates(files, o)         at apply, before any container starts: every
 *                                         certificate has files to mount (a self-signed
 *                                         placeholder until the first ACME order succeeds)
 *   renewCertificates(o)                  order what is missing, a placeholder or due
 *                                         (`renew_before_days` before expiry), store it,
 *                                         reload the services that mount it
 *   certificateAnomalies(dataDir, now)    the observer's certificate-expiry anomalies
 *
 * Keys are 0600 under the data dir; services get a copy through a declared mount of the
 * hand-off directory (store.ts). Renewal runs after each apply (agent/flow.ts), from the
 * observer daemon twice a day, and on `claude certs renew`.
 */
import { loadYaml } from '../../common/yaml.js';
import type { Anomaly } from '../../plan/observed.js';
import { orderCertificate, type AcmeSettings } from './acme.js';
import { reloadMounting, type ReloadOutcome, type ReloadWant } from './reload.js';
import { selfSigned } from './selfsigned.js';
import { DEFAULT_RENEW_BEFORE_DAYS, handoffDir, listStored, readPems, readStored, publish, retire, sameDomains, storeCertificate, type CertProvider, type CertSpec, type StoredCert } from './store.js';

export { HANDOFF_DIR, handoffDir, listStored, readStored, storeDir, type CertSpec, type StoredCert } from './store.js';
export { acmeSettingsFromEnv, AcmeOrderError, type AcmeSettings } from './acme.js';

const DAY = 86_400_000;
/** A self-signed certificate (the provider, or the placeholder) is valid this long. */
export const SELF_SIGNED_DAYS = 90;

/** The certificates security.yaml asks for (the text of the file; missing or empty: none). */
export function certSpecs(securityYaml: string | undefined): CertSpec[] {
  if (!securityYaml) return [];
  const doc = loadYaml().parse(securityYaml) as { spec?: { certificates?: Record<string, unknown>[] } } | null;
  return (doc?.spec?.certificates ?? []).map((c) => ({
    name: String(c.name),
    domains: (c.domains as string[]).map(String),
    provider: ((c.provider as CertProvider | undefined) ?? 'letsencrypt') as CertProvider,
    ...(typeof c.email === 'string' ? { email: c.email } : {}),
    autoRenew: c.auto_renew !== false,
    renewBeforeDays: typeof c.renew_before_days === 'number' ? c.renew_before_days : DEFAULT_RENEW_BEFORE_DAYS,
  }));
}

export interface PrepareOptions {
  dataDir: string;
  root: string;
  now: Date;
}

/**
 * Before the containers of an apply start: every `letsencrypt` or `self-signed`
 * certificate has its files in the hand-off directory, so a web server that mounts them can
 * start. A certificate not stored yet, or stored for other domains, gets a self-signed one
 * (a placeholder for `letsencrypt`, replaced by renewCertificates after the apply). The
 * spec in cert.json follows security.yaml. `manual` certificates are the user's files:
 * only their hand-off directory is made. Returns the names it wrote.
 */
export async function prepareCertificates(securityYaml: string | undefined, o: PrepareOptions): Promise<string[]> {
  const wrote: string[] = [];
  for (const spec of certSpecs(securityYaml)) {
    if (spec.provider === 'manual') continue;
    const stored = readStored(o.dataDir, spec.name);
    const pems = readPems(o.dataDir, spec.name);
    if (stored && pems && sameDomains(stored.domains, spec.domains)) {
      if (JSON.stringify(stored.spec) !== JSON.stringify(spec)) {
        storeCertificate({ dataDir: o.dataDir, root: o.root, spec, keyPem: pems.keyPem, chainPem: pems.chainPem, source: stored.source, ...(stored.directory ? { directory: stored.directory } : {}), now: new Date(stored.issuedAt) });
        wrote.push(spec.name);
      } else publish(o.root, spec, pems.keyPem, pems.chainPem); // the hand-off copy may be missing (a new CLAUDE_ROOT)
      continue;
    }
    const { keyPem, certPem } = await selfSigned(spec.domains, { now: o.now, days: SELF_SIGNED_DAYS });
    storeCertificate({ dataDir: o.dataDir, root: o.root, spec, keyPem, chainPem: certPem, source: spec.provider === 'self-signed' ? 'self-signed' : 'placeholder', now: o.now });
    wrote.push(spec.name);
  }
  return wrote;
}

/**
 * After a successful apply: a certificate security.yaml no longer names is retired, no longer
 * listed, renewed or watched (its files stay, the key still 0600; asking for it again starts
 * afresh with a placeholder). Returns the names retired.
 */
export function retireUnlisted(securityYaml: string | undefined, dataDir: string): string[] {
  const names = new Set(certSpecs(securityYaml).map((s) => s.name));
  const out: string[] = [];
  for (const c of listStored(dataDir)) {
    if (names.has(c.spec.name)) continue;
    retire(dataDir, c.spec.name);
    out.push(c.spec.name);
  }
  return out;
}

export interface RenewOptions {
  dataDir: string;
  root: string;
  now: Date;
  acme: AcmeSettings;
  /** Only these certificates (default: every stored one). */
  names?: string[];
  /** Renew even when not due. */
  force?: boolean;
  /** Renew certificates with auto_renew: false too (an explicit `claude certs renew`). */
  includeManualRenew?: boolean;
  /**
   * Reload the services that mount a renewed certificate and wait until they present it
   * (default: SIGHUP through Docker, then runtime/certs/reload.ts's bounded wait).
   */
  reload?: (dir: string, want: ReloadWant) => Promise<ReloadOutcome>;
  log?: (line: string) => void;
}

export interface RenewResult {
  name: string;
  /** `issued`: the first real certificate; `renewed`; `current`: not due; `skipped`: manual, or auto_renew off; `failed`. */
  action: 'issued' | 'renewed' | 'current' | 'skipped' | 'failed';
  notAfter?: string;
  /** Why it was due, or why it failed. */
  reason: string;
  /** The services reloaded: they present the new certificate and their old workers are gone. */
  reloaded: string[];
  /** The services signalled that did not present it within the wait, and what was still seen. */
  unconfirmed: { service: string; why: string }[];
}

/** Why a stored certificate needs a new one, or null when it does not. */
export function dueReason(c: StoredCert, now: Date): string | null {
  if (c.source === 'placeholder') return 'not issued yet (a self-signed placeholder is served)';
  if (!sameDomains(c.domains, c.spec.domains)) return `its names (${c.domains.join(', ')}) differ from security.yaml (${c.spec.domains.join(', ')})`;
  const left = Date.parse(c.notAfter) - now.getTime();
  if (left <= 0) return `expired on ${c.notAfter}`;
  if (left <= c.spec.renewBeforeDays * DAY) return `expires on ${c.notAfter}, within renew_before_days (${c.spec.renewBeforeDays})`;
  return null;
}

/**
 * Orders (or, for `self-signed`, makes) a new certificate for each stored one that is due,
 * stores it and reloads the services that mount its directory. A failed order changes
 * nothing: the old files stay, and the result says why.
 */
export async function renewCertificates(o: RenewOptions): Promise<RenewResult[]> {
  const out: RenewResult[] = [];
  const reload = o.reload ?? reloadMounting;
  for (const c of listStored(o.dataDir)) {
    if (o.names && !o.names.includes(c.spec.name)) continue;
    const spec = c.spec;
    if (spec.provider === 'manual') {
      out.push({ name: spec.name, action: 'skipped', reason: 'provider manual: your own files', reloaded: [], unconfirmed: [] });
      continue;
    }
    const why = dueReason(c, o.now) ?? (o.force ? 'renewal forced' : null);
    if (!why) {
      out.push({ name: spec.name, action: 'current', notAfter: c.notAfter, reason: `valid until ${c.notAfter}; renewed ${spec.renewBeforeDays} days before`, reloaded: [], unconfirmed: [] });
      continue;
    }
    if (!spec.autoRenew && c.source !== 'placeholder' && !o.includeManualRenew) {
      out.push({ name: spec.name, action: 'skipped', notAfter: c.notAfter, reason: `${why}; auto_renew is off (renew with 'claude certs renew ${spec.name}')`, reloaded: [], unconfirmed: [] });
      continue;
    }
    try {
      let stored: StoredCert;
      let reused: string[] = [];
      if (spec.provider === 'self-signed') {
        const { keyPem, certPem } = await selfSigned(spec.domains, { now: o.now, days: SELF_SIGNED_DAYS });
        stored = storeCertificate({ dataDir: o.dataDir, root: o.root, spec, keyPem, chainPem: certPem, source: 'self-signed', now: o.now });
      } else {
        const { keyPem, chainPem, reusedValidation } = await orderCertificate({ spec, dataDir: o.dataDir, root: o.root, settings: o.acme, ...(o.log ? { log: o.log } : {}) });
        reused = reusedValidation;
        stored = storeCertificate({ dataDir: o.dataDir, root: o.root, spec, keyPem, chainPem, source: 'acme', directory: o.acme.directoryUrl, now: o.now });
      }
      const r = await reload(handoffDir(o.root, spec.name), { serial: stored.serial, domains: stored.domains }).catch((e: Error): ReloadOutcome => {
        o.log?.(`certificate ${spec.name}: stored, but reloading the services that mount it failed: ${e.message}`);
        return { reloaded: [], unconfirmed: [] };
      });
      out.push({ name: spec.name, action: c.source === 'placeholder' ? 'issued' : 'renewed', notAfter: stored.notAfter, reason: reused.length ? `${why}; the CA reused its earlier validation of ${reused.join(', ')}, no challenge answered` : why, reloaded: r.reloaded, unconfirmed: r.unconfirmed });
    } catch (e) {
      out.push({ name: spec.name, action: 'failed', notAfter: c.notAfter, reason: (e as Error).message, reloaded: [], unconfirmed: [] });
    }
  }
  if (o.names) for (const n of o.names) if (!out.some((r) => r.name === n)) out.push({ name: n, action: 'failed', reason: `no certificate named ${n} has been applied (security.yaml spec.certificates, then an apply)`, reloaded: [], unconfirmed: [] });
  return out;
}

/**
 * certificate-expiry anomalies: a certificate still a placeholder (warning), within its
 * renew_before_days (warning: renewal is due and has not happened), within 7 days of expiry
 * or expired (critical).
 */
export function certificateAnomalies(dataDir: string, now: Date): Anomaly[] {
  const out: Anomaly[] = [];
  for (const c of listStored(dataDir)) {
    const days = Math.floor((Date.parse(c.notAfter) - now.getTime()) / DAY);
    const names = c.spec.domains.join(', ');
    if (c.source === 'placeholder') {
      out.push({ kind: 'certificate-expiry', certificate: c.spec.name, severity: 'warning', message: `certificate ${c.spec.name} (${names}) is not issued yet: a self-signed placeholder is served until the ACME order succeeds ('claude certs renew ${c.spec.name}' says why it fails)` });
    } else if (days < 0) {
      out.push({ kind: 'certificate-expiry', certificate: c.spec.name, severity: 'critical', message: `certificate ${c.spec.name} (${names}) expired on ${c.notAfter}` });
    } else if (days < 7 || days < c.spec.renewBeforeDays) {
      out.push({ kind: 'certificate-expiry', certificate: c.spec.name, severity: days < 7 ? 'critical' : 'warning', message: `certificate ${c.spec.name} (${names}) expires in ${days} day${days === 1 ? '' : 's'} (${c.notAfter}); renewal is due (renew_before_days ${c.spec.renewBeforeDays})` });
    }
  }
  return out;
}
