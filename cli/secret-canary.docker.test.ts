/**
 * The secret canary, end to end on the real dockerd: `claude secret set` a random value,
 * apply a service that uses it, replace that container (so a snapshot records the old
 * container's environment), then a failing apply that uses it too (so errors, rollback and
 * the journal see it). The plain value must reach the container's environment and nowhere
 * else: no file under the data dir, the state dir (git objects decompressed with
 * `git cat-file`) or the root, and no command's output (--json or not).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { claude, MANIFEST, newTestRun, request, type TestRun } from './testutil/requests.js';

let run: TestRun;
const CANARY = `canary-${randomBytes(12).toString('hex')}`;

function servicesWithSecret(name: string, command: string, entrypoint?: string): string {
  return [
    'apiVersion: claude.os/v1',
    'kind: ServiceManifest',
    'metadata:',
    '  name: test',
    'spec:',
    '  services:',
    `    - name: ${name}`,
    '      image: claude-os-local/busybox:latest',
    `      command: ${JSON.stringify(command)}`,
    ...(entrypoint ? [`      entrypoint: [${JSON.stringify(entrypoint)}]`] : []),
    '      environment:',
    '        DB_PASSWORD: ${secrets.canary_pw}',
    '        PLAIN: visible',
    '',
  ].join('\n');
}

/** Every regular file under `dir` (symlinks not followed). */
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

/** Files (and the contents of .gz files) that hold the canary. */
function leaksIn(dir: string): string[] {
  const hits: string[] = [];
  for (const f of filesUnder(dir)) {
    const buf = readFileSync(f);
    let text = buf.toString('latin1');
    if (f.endsWith('.gz') || f.endsWith('.tgz')) {
      try {
        text += gunzipSync(buf).toString('latin1');
      } catch {
        /* not gzip after all */
      }
    }
    if (text.includes(CANARY)) hits.push(f);
  }
  return hits;
}

/** Every object in the state repo, decompressed (loose and packed). */
function gitObjectsWithCanary(stateDir: string): string[] {
  if (!existsSync(join(stateDir, '.git'))) return [];
  const list = execFileSync('git', ['-C', stateDir, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname)'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  const hits: string[] = [];
  for (const oid of list) {
    const body = execFileSync('git', ['-C', stateDir, 'cat-file', '-p', oid], { encoding: 'latin1', maxBuffer: 64 << 20 });
    if (body.includes(CANARY)) hits.push(oid);
  }
  expect(list.length).toBeGreaterThan(0);
  return hits;
}

function inspectEnv(name: string): string[] {
  return JSON.parse(execFileSync('docker', ['inspect', '-f', '{{json .Config.Env}}', name], { encoding: 'utf8' })) as string[];
}

function inspectLabel(name: string, label: string): string {
  return execFileSync('docker', ['inspect', '-f', `{{index .Config.Labels "${label}"}}`, name], { encoding: 'utf8' }).trim();
}

beforeAll(() => {
  run = newTestRun('claude-canary');
});
afterAll(() => run?.cleanup());

describe('a secret canary never leaves the container environment', () => {
  it('set → apply → replace → failed apply: plaintext only in the container env', async () => {
    const svc = run.n('db');
    const set = await claude(run, ['secret', 'set', 'canary_pw'], { input: CANARY });
    expect(set.code).toBe(0);
    expect(set.out + set.err).not.toContain(CANARY);

    const edit = (command: string, entrypoint?: string) => (files: Record<string, string>) => ({
      ...files,
      'manifest.yaml': files['manifest.yaml'] ?? MANIFEST,
      'services.yaml': servicesWithSecret(svc, command, entrypoint),
    });
    const a = await request(run, 'add a db with a password', edit('sleep 3600'));
    expect(a.status).toBe('applied');
    // the runtime did resolve it: the container has the plain value
    expect(inspectEnv(svc)).toContain(`DB_PASSWORD=${CANARY}`);

    // a replace: the snapshot records the running container's env (encrypted)
    const b = await request(run, 'change the db command', edit('sh -c \'echo "connecting with DB_PASSWORD=$DB_PASSWORD"; sleep 3601\''));
    expect(b.status).toBe('applied');
    expect(inspectEnv(svc)).toContain(`DB_PASSWORD=${CANARY}`);
    const snaps = filesUnder(join(run.paths.dataDir, 'snapshots')).filter((f) => /plan-[0-9a-f]+\.json$/.test(f) && !f.endsWith('.plan.json'));
    expect(snaps.some((f) => readFileSync(f, 'utf8').includes('"envEncrypted":"encrypted:v1:'))).toBe(true);

    // a failing replace (the command does not exist: docker start fails), rolled back
    const c = await request(run, 'break the db', edit('sleep 3602', '/no/such/binary'));
    expect(c.status).not.toBe('applied');
    expect(JSON.stringify(c)).not.toContain(CANARY);
    expect(inspectEnv(svc)).toContain(`DB_PASSWORD=${CANARY}`);

    const firstCommit = execFileSync('git', ['-C', run.paths.stateDir, 'rev-list', '--max-parents=0', 'HEAD'], { encoding: 'utf8' }).trim();
    const rollbackPlan = join(run.dir, 'rollback-plan.json');
    const outputs: string[] = [];
    for (const argv of [
      ['status'],
      ['status', '--json'],
      ['services'],
      ['services', '--json'],
      ['logs', svc],
      ['logs', svc, '--json'],
      ['events'],
      ['events', '--json'],
      ['audit', 'verify'],
      ['audit', 'verify', '--json'],
      ['history'],
      ['history', '--json'],
      ['diff'],
      ['diff', '--json'],
      ['jobs', '--json'],
      ['rollback', firstCommit, '--out', rollbackPlan, '--json'],
      ['show', rollbackPlan],
      ['show', rollbackPlan, '--json'],
      ['verify', rollbackPlan, '--json'],
      ['diagnose'],
      ['diagnose', '--json'],
      ['observe'],
      ['context', '--show', 'what is the db password?'],
      ['context', '--show', 'what is the db password?', '--json'],
      ['export', join(run.dir, 'export.tar.gz')],
    ]) {
      const r = await claude(run, argv);
      outputs.push(`$ claude ${argv.join(' ')}\n${r.out}${r.err}`);
    }
    const leakingCommands = outputs.filter((o) => o.includes(CANARY)).map((o) => o.split('\n')[0]);
    expect(leakingCommands).toEqual([]);
    // the commands did run and print something (a broken harness would pass vacuously)
    expect(outputs.find((o) => o.startsWith('$ claude services --json'))).toContain(svc);
    // the service printed its password: the observer shows the line, with the value redacted
    expect(outputs.find((o) => o.startsWith(`$ claude logs ${svc} --json`))).toContain('connecting with DB_PASSWORD=[redacted]');
    expect(inspectLabel(svc, 'claude.os/secret-env')).toBe('DB_PASSWORD');

    expect(leaksIn(run.paths.dataDir)).toEqual([]);
    expect(leaksIn(run.paths.stateDir)).toEqual([]);
    expect(leaksIn(run.paths.root)).toEqual([]);
    expect(leaksIn(run.dir)).toEqual([]);
    expect(gitObjectsWithCanary(run.paths.stateDir)).toEqual([]);
  }, 180_000);

  it('a stopped service that prints its secret and exits when started: the failure quotes its log, redacted', async () => {
    const db = run.n('db');
    const svc = run.n('boot');
    const dbCommand = 'sh -c \'echo "connecting with DB_PASSWORD=$DB_PASSWORD"; sleep 3601\'';
    const two = (state: 'running' | 'stopped') => (files: Record<string, string>) => {
      const one = servicesWithSecret(db, dbCommand);
      const second = servicesWithSecret(svc, 'sh -c \'echo "booting with DB_PASSWORD=$DB_PASSWORD"; sleep 1; exit 1\'').split('\n').slice(6).join('\n');
      const extra = `      state: ${state}\n      restart: "no"\n      healthcheck:\n        test: ["CMD", "false"]\n        interval: 1s\n`;
      return { ...files, 'services.yaml': one + second.replace(`      image:`, `${extra}      image:`) };
    };
    const created = await request(run, 'add a stopped boot service', two('stopped'));
    expect(created.status).toBe('applied');
    // the start is a container.start of the existing container: this apply resolves no secret itself
    const started = await request(run, 'start the boot service', two('running'));
    expect(started.status).not.toBe('applied');
    const text = JSON.stringify(started);
    expect(text).toContain('booting with DB_PASSWORD=[redacted]');
    expect(text).not.toContain(CANARY);
    // the failure reached the journal (the files scanned below), redacted
    expect(text).toMatch(/"t":"step\.fail"/);
    expect(leaksIn(run.paths.dataDir)).toEqual([]);
    expect(gitObjectsWithCanary(run.paths.stateDir)).toEqual([]);
  }, 180_000);
});
