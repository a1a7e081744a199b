/**
 * The secret canary, multi-line and encoded (issue 14, item 1), end to end on the real
 * dockerd: a PEM-like secret set with `claude secret set NAME --from-file F` and a
 * single-line token, both used in a service's environment. The service prints the PEM
 * (one log line per PEM line), the token in base64 (`echo | base64`), hex (`xxd -p`) and
 * URL-encoded, and the PEM in base64 (wrapped at 76 columns), then exits: the apply fails
 * and quotes its log. None of those forms may reach audit.jsonl, events.jsonl, the journal,
 * the conversations, `claude logs`, `claude context --show`, the apply error, or the
 * request sent to a provider (a local OpenAI-compatible server fed a recorded reply).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { claude, MANIFEST, newTestRun, request, type TestRun } from './testutil/requests.js';
import { loadReplayFixture, startReplayServer, type ReplayServer } from '../compiler/intent/replay.js';

let run: TestRun;
let server: ReplayServer;

const PEM_LINES = [
  `MIIEvQIBADANBgkqhkiG9w0BAQEFAASC${randomBytes(24).toString('base64')}`,
  `canaryline2${randomBytes(30).toString('base64')}`,
  `canaryline3${randomBytes(30).toString('hex')}`,
];
const PEM = ['-----BEGIN PRIVATE KEY-----', ...PEM_LINES, '-----END PRIVATE KEY-----'].join('\n');
const TOKEN = `tok/${randomBytes(10).toString('hex')}+x=y`;

/** Every form of the two secrets that must never leave the container. */
const FORMS: Record<string, string> = {
  ...Object.fromEntries(PEM_LINES.map((l, i) => [`pem line ${i + 1}`, l])),
  token: TOKEN,
  'token base64 (echo | base64)': Buffer.from(TOKEN + '\n').toString('base64'),
  'token base64 (printf)': Buffer.from(TOKEN).toString('base64'),
  'token hex': Buffer.from(TOKEN).toString('hex'),
  'token url-encoded': encodeURIComponent(TOKEN),
  'pem base64, first 76 columns': Buffer.from(PEM + '\n').toString('base64').slice(0, 76),
};

function leaksOf(text: string): string[] {
  return Object.entries(FORMS)
    .filter(([, v]) => text.includes(v) || text.includes(JSON.stringify(v).slice(1, -1)))
    .map(([k]) => k);
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    const st = lstatSync(p);
    if (st.isDirectory()) out.push(...filesUnder(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}

/** file → the forms it holds. */
function leakingFiles(dir: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of filesUnder(dir)) {
    const l = leaksOf(readFileSync(f, 'latin1'));
    if (l.length) out[f.slice(dir.length + 1)] = l;
  }
  return out;
}

beforeAll(async () => {
  run = newTestRun('claude-canary-enc');
  server = await startReplayServer(loadReplayFixture('openai-good').replies);
});
afterAll(async () => {
  await server?.close();
  run?.cleanup();
});

describe('multi-line and encoded secrets are redacted before anything is written or sent', () => {
  it('a failing service that prints its secrets in several encodings leaks none of them', async () => {
    const pemFile = join(run.dir, 'key.pem');
    writeFileSync(pemFile, PEM + '\n');
    expect((await claude(run, ['secret', 'set', 'tls_key', '--from-file', pemFile])).code).toBe(0);
    rmSync(pemFile);
    expect((await claude(run, ['secret', 'set', 'api_token'], { input: TOKEN })).code).toBe(0);

    const svc = run.n('leaky');
    const broken = run.n('broken');
    const script = (end: string) =>
      [
        'echo "starting"',
        'echo "$TLS_KEY"',
        'echo "$API_TOKEN" | base64',
        'printf %s "$API_TOKEN" | base64',
        'echo',
        'printf %s "$API_TOKEN" | xxd -p -c 256',
        'echo "url=$(printf %s "$API_TOKEN" | sed -e "s|/|%2F|g" -e "s|+|%2B|g" -e "s|=|%3D|g")"',
        'echo "$TLS_KEY" | base64',
        end,
      ].join('; ');
    const service = (name: string, end: string, extra: string[] = []) => [
      `    - name: ${name}`,
      '      image: claude-os-local/busybox:latest',
      `      command: ${JSON.stringify(`sh -c '${script(end)}'`)}`,
      ...extra,
      '      environment:',
      '        TLS_KEY: ${secrets.tls_key}',
      '        API_TOKEN: ${secrets.api_token}',
    ];
    const head = ['apiVersion: claude.os/v1', 'kind: ServiceManifest', 'metadata:', '  name: test', 'spec:', '  services:'];
    const one = [...head, ...service(svc, 'sleep 3600'), ''].join('\n');
    const two = [...head, ...service(svc, 'sleep 3600'), ...service(broken, 'sleep 1; exit 3', ['      restart: "no"', '      healthcheck:', '        test: ["CMD", "false"]', '        interval: 1s']), ''].join('\n');
    const manifest = MANIFEST.replace('spec:\n', `spec:\n  llm:\n    provider: local\n    base_url: ${server.origin}/v1\n`);
    const ok = await request(run, 'add the leaky service', (files) => ({ ...files, 'manifest.yaml': manifest, 'services.yaml': one }));
    expect(ok.status).toBe('applied');
    const failed = await request(run, 'add the broken service', (files) => ({ ...files, 'services.yaml': two }));
    expect(failed.status).not.toBe('applied');
    const failure = JSON.stringify(failed);
    // the failure did quote the service's log, with the secrets redacted
    expect(failure).toContain('[redacted]');
    expect(leaksOf(failure)).toEqual([]);

    const outputs: string[] = [];
    for (const argv of [
      ['logs', svc],
      ['logs', svc, '--json'],
      ['events'],
      ['events', '--json'],
      ['status', '--json'],
      ['diagnose', '--json'],
      ['audit', 'verify', '--json'],
      ['context', '--show', 'why does the leaky service fail?'],
      ['context', '--show', 'why does the leaky service fail?', '--json'],
      ['plan', 'add nginx on port 8080', '--out', join(run.dir, 'plan.json'), '--json'],
    ]) {
      const r = await claude(run, argv);
      outputs.push(`$ claude ${argv.join(' ')}\n${r.out}${r.err}`);
    }
    const leaking = outputs.filter((o) => leaksOf(o).length > 0).map((o) => `${o.split('\n')[0]}: ${leaksOf(o).join(', ')}`);
    expect(leaking).toEqual([]);
    // the commands ran and saw the log (a broken harness would pass vacuously)
    const logs = outputs.find((o) => o.startsWith(`$ claude logs ${svc} --json`))!;
    expect(logs).toContain('starting');
    expect(logs).toContain('[redacted]');
    expect(outputs.find((o) => o.startsWith('$ claude context --show why does the leaky service fail?\n'))).toContain('starting');

    // the provider was asked, and its request carried the log, redacted
    expect(server.requests.length).toBeGreaterThan(0);
    const sent = server.requests.map((r) => r.raw).join('\n');
    expect(sent).toContain('starting');
    expect(leaksOf(sent)).toEqual([]);

    expect(leakingFiles(run.paths.dataDir)).toEqual({});
    expect(leakingFiles(run.paths.stateDir)).toEqual({});
    expect(leakingFiles(run.dir)).toEqual({});
  }, 240_000);
});
