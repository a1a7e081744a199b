import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { transpileForChild, type ChildBuild } from '../testutil/transpile-child.js';
import { tempDirs } from '../testutil/tempdirs.js';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import {
  StateRepoDamagedError,
  StateRepoNotFoundError,
  UnknownRevisionError,
  authorFromEnv,
  formatCommitMessage,
  inspectStateRepo,
  openStateRepo,
  parseCommitMessage,
  repairStateRepo,
} from './repo.js';

const builds: ChildBuild[] = [];
afterAll(() => {
  for (const b of builds) b.cleanup();
});
const tmp = tempDirs('claude-state-test-');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  tmp.cleanup();
});
const tempDir = tmp.make;

/** A clock that starts at a fixed time and moves one minute per call. */
function clock(start = Date.parse('2026-01-02T03:04:05Z')): () => Date {
  let t = start;
  return () => {
    const d = new Date(t);
    t += 60_000;
    return d;
  };
}

const alice = authorFromEnv({ SUDO_USER: 'alice', USER: 'root' }, { hostname: 'box' });
const svc = (name: string) => `apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata: {name: ${name}}\nspec: {}\n`;
const manifest = 'apiVersion: claude.os/v1\nkind: SystemManifest\nmetadata: {name: host}\nspec: {}\n';

function gitCli(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', `safe.directory=${dir}`, '-C', dir, ...args], { encoding: 'utf8' });
}

describe('authorFromEnv', () => {
  it('prefers the API user, then SUDO_USER, then USER, then the account the process runs as', () => {
    expect(alice).toEqual({ name: 'alice', email: 'alice@box' });
    expect(authorFromEnv({ USER: 'bob' }, { hostname: 'h' })).toEqual({ name: 'bob', email: 'bob@h' });
    expect(authorFromEnv({ SUDO_USER: 'alice', USER: 'root' }, { apiUser: 'api-carol', hostname: 'h' }).name).toBe('api-carol');
    expect(authorFromEnv({}, { hostname: 'h' }).name).toBe(userInfo().username);
  });
});

describe('commit messages', () => {
  it('round-trips multi-line values and truncates the subject to 72 characters', () => {
    const request = 'set up nginx, postgres and redis with a very long explanation that goes past the limit\n\nSummary: not a trailer';
    const msg = formatCommitMessage({ request, planId: 'p-1', summary: 'add 3 services\nopen port 80' });
    const subject = msg.split('\n')[0] as string;
    expect(subject.length).toBeLessThanOrEqual(72);
    expect(subject.endsWith('…')).toBe(true);
    expect(parseCommitMessage(msg)).toEqual({ request, planId: 'p-1', summary: 'add 3 services\nopen port 80' });
  });

  it('reads a foreign commit message as its subject', () => {
    expect(parseCommitMessage('manual edit\n\nsome text\n')).toEqual({ request: 'manual edit', planId: null, summary: '' });
  });
});

describe('state repo', () => {
  it('is initialised on first use, on branch main', async () => {
    const dir = join(tempDir(), 'claude.d');
    await expect(openStateRepo(dir, { create: false })).rejects.toBeInstanceOf(StateRepoNotFoundError);
    const repo = await openStateRepo(dir, { now: clock() });
    expect(readFileSync(join(dir, '.git', 'HEAD'), 'utf8').trim()).toBe('ref: refs/heads/main');
    expect(await repo.headCommit()).toBeNull();
    expect(await repo.history()).toEqual([]);
    expect(existsSync(join(dir, '.claude-init.lock'))).toBe(false);
  });

  it('commits the state files with the request, plan id, summary and author, and lists them newest first', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'not state');
    const repo = await openStateRepo(dir, { now: clock() });
    const c1 = await repo.commitState(
      { 'services.yaml': svc('web'), 'manifest.yaml': manifest },
      { request: 'set up nginx', planId: 'plan-aaa', summary: '1 service added', author: alice },
    );
    const bob = authorFromEnv({ USER: 'bob' }, { hostname: 'box' });
    const c2 = await repo.commitState(
      { 'manifest.yaml': manifest },
      { request: 'stop all services\nplease', planId: 'plan-bbb', summary: '1 service removed', author: bob },
    );
    expect(await repo.headCommit()).toBe(c2);
    expect(existsSync(join(dir, 'services.yaml'))).toBe(false);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('not state');

    const h = await repo.history();
    expect(h).toEqual([
      {
        commit: c2,
        parents: [c1],
        time: '2026-01-02T03:05:05.000Z',
        author: { name: 'bob', email: 'bob@box' },
        request: 'stop all services\nplease',
        planId: 'plan-bbb',
        summary: '1 service removed',
      },
      {
        commit: c1,
        parents: [],
        time: '2026-01-02T03:04:05.000Z',
        author: { name: 'alice', email: 'alice@box' },
        request: 'set up nginx',
        planId: 'plan-aaa',
        summary: '1 service added',
      },
    ]);
    expect(await repo.history({ limit: 1 })).toHaveLength(1);
    expect(await repo.commitState({ 'notes.txt': 'x' }, { request: 'r', planId: 'p', summary: '', author: alice }).catch((e: Error) => e.message)).toMatch(
      /unknown state file name 'notes.txt'/,
    );
  });

  it('returns the files at an older commit by oid, prefix, HEAD~N and HEAD^', async () => {
    const repo = await openStateRepo(tempDir(), { now: clock() });
    const meta = { planId: 'p', summary: 's', author: alice };
    const c1 = await repo.commitState({ 'services.yaml': svc('v1') }, { ...meta, request: 'one' });
    await repo.commitState({ 'services.yaml': svc('v2'), 'manifest.yaml': manifest }, { ...meta, request: 'two' });
    await repo.commitState({ 'services.yaml': svc('v3') }, { ...meta, request: 'three' });
    const first = { 'services.yaml': svc('v1') };
    expect(await repo.filesAt(c1)).toEqual(first);
    expect(await repo.filesAt(c1.slice(0, 7))).toEqual(first);
    expect(await repo.filesAt('HEAD~2')).toEqual(first);
    expect(await repo.filesAt('HEAD^^')).toEqual(first);
    expect(await repo.filesAt('main~1')).toEqual({ 'manifest.yaml': manifest, 'services.yaml': svc('v2') });
    expect(await repo.filesAt('HEAD')).toEqual({ 'services.yaml': svc('v3') });
    await expect(repo.filesAt('HEAD~3')).rejects.toBeInstanceOf(UnknownRevisionError);
    await expect(repo.filesAt('deadbeef')).rejects.toThrow(/not a commit id or a branch/);
  });

  it('reports which state files differ from HEAD', async () => {
    const dir = tempDir();
    const repo = await openStateRepo(dir, { now: clock() });
    expect(await repo.status()).toEqual([]);
    await repo.commitState({ 'services.yaml': svc('a'), 'manifest.yaml': manifest }, { request: 'r', planId: 'p', summary: '', author: alice });
    expect(await repo.status()).toEqual([]);
    writeFileSync(join(dir, 'services.yaml'), svc('b'));
    writeFileSync(join(dir, 'network.yaml'), 'x: 1\n');
    rmSync(join(dir, 'manifest.yaml'));
    expect(await repo.status()).toEqual([
      { file: 'manifest.yaml', change: 'deleted' },
      { file: 'network.yaml', change: 'added' },
      { file: 'services.yaml', change: 'modified' },
    ]);
  });

  it('serialises concurrent commits: all land, one after the other', async () => {
    const repo = await openStateRepo(tempDir(), { now: clock() });
    const oids = await Promise.all(
      Array.from({ length: 5 }, (_, i) => repo.commitState({ 'services.yaml': svc(`s${i}`) }, { request: `req ${i}`, planId: `p${i}`, summary: '', author: alice })),
    );
    const h = await repo.history();
    expect(h).toHaveLength(5);
    expect(new Set(h.map((e) => e.commit))).toEqual(new Set(oids));
    for (let i = 0; i < h.length - 1; i++) expect(h[i]?.parents).toEqual([h[i + 1]?.commit]);
  });

  it('serialises commits from 10 processes: ten commits, none lost', async () => {
    const dir = tempDir();
    await openStateRepo(dir);
    const build = transpileForChild(
      ['runtime/state/repo.ts'],
      `import { openStateRepo } from './runtime/state/repo.js';
const [dir, i] = process.argv.slice(2);
const repo = await openStateRepo(dir);
await repo.commitState({ 'services.yaml': 'n: ' + i + '\\n' }, { request: 'request ' + i, planId: 'plan-' + i, summary: '', author: { name: 'p' + i, email: 'p' + i + '@box' } });
`,
    );
    builds.push(build);
    await Promise.all(Array.from({ length: 10 }, (_, i) => promisify(execFile)(process.execPath, [build.script, dir, String(i)])));
    const repo = await openStateRepo(dir);
    const h = await repo.history();
    expect(h.map((e) => e.planId).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `plan-${i}`).sort());
    for (let i = 0; i < h.length - 1; i++) expect(h[i]?.parents).toEqual([h[i + 1]?.commit]);
    gitCli(dir, 'fsck', '--full', '--strict');
    expect(await inspectStateRepo(dir)).toEqual([]);
  }, 240_000 /* 4-5 s on a quiet machine; ten node processes took over 60 s at load 25 */);

  it('is readable by the real git CLI (log, trailers, fsck, status, reflog)', async () => {
    const dir = tempDir();
    const repo = await openStateRepo(dir, { now: clock() });
    const c1 = await repo.commitState({ 'services.yaml': svc('web') }, { request: 'set up nginx', planId: 'plan-1', summary: 'add web', author: alice });
    const c2 = await repo.commitState({ 'services.yaml': svc('web2') }, { request: 'rename web', planId: 'plan-2', summary: 'change web', author: alice });
    expect(gitCli(dir, 'log', '--format=%H %an <%ae> %s').trim().split('\n')).toEqual([
      `${c2} alice <alice@box> rename web`,
      `${c1} alice <alice@box> set up nginx`,
    ]);
    expect(gitCli(dir, 'log', '-1', '--format=%(trailers:key=Plan-Id,valueonly)').trim()).toBe('plan-2');
    expect(gitCli(dir, 'show', `${c1}:services.yaml`)).toBe(svc('web'));
    gitCli(dir, 'fsck', '--full', '--strict');
    expect(gitCli(dir, 'status', '--porcelain')).toBe('');
    expect(gitCli(dir, 'reflog', '--format=%H').trim().split('\n')).toEqual([c2, c1]);
  });
});

describe('damage detection and repair', () => {
  async function repoWithCommit() {
    const dir = tempDir();
    const repo = await openStateRepo(dir, { now: clock() });
    const oid = await repo.commitState({ 'services.yaml': svc('web') }, { request: 'set up nginx', planId: 'p1', summary: '', author: alice });
    return { dir, oid };
  }

  it('detects a stale index.lock, names it with the repair command, and repairs it', async () => {
    const { dir } = await repoWithCommit();
    const lock = join(dir, '.git', 'index.lock');
    writeFileSync(lock, '');
    // A fresh lock may belong to a running git command: not damage.
    expect(await inspectStateRepo(dir)).toEqual([]);
    const old = new Date(Date.now() - 120_000);
    utimesSync(lock, old, old);
    const err = await openStateRepo(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateRepoDamagedError);
    const msg = (err as Error).message;
    expect(msg).toContain('.git/index.lock');
    expect(msg).toMatch(/stale lock file: \d+ s old and no process holds it/);
    expect(msg).toContain('claude recover --repair-state');
    expect(msg).toContain(`rm ${lock}`);
    const r = await repairStateRepo(dir);
    expect(r.repaired.map((p) => p.path)).toEqual(['.git/index.lock']);
    expect(r.remaining).toEqual([]);
    expect(existsSync(lock)).toBe(false);
    const repo = await openStateRepo(dir);
    expect(await repo.history()).toHaveLength(1);
  });

  it('does not call an old lock stale while a live process holds it open', async () => {
    const { dir } = await repoWithCommit();
    const lock = join(dir, '.git', 'HEAD.lock');
    writeFileSync(lock, '');
    const old = new Date(Date.now() - 120_000);
    utimesSync(lock, old, old);
    const holder = spawn('sh', ['-c', 'exec 3<"$0"; echo ready; exec sleep 30', lock], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(holder);
    await new Promise<void>((r) => holder.stdout?.once('data', () => r()));
    expect(await inspectStateRepo(dir)).toEqual([]);
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    expect((await inspectStateRepo(dir)).map((p) => p.kind)).toEqual(['stale-lock']);
  });

  it('detects an empty object file and says how to repair it', async () => {
    const { dir, oid } = await repoWithCommit();
    const obj = join(dir, '.git', 'objects', oid.slice(0, 2), oid.slice(2));
    truncateSync(obj, 0);
    const err = await openStateRepo(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateRepoDamagedError);
    const e = err as StateRepoDamagedError;
    expect(e.problems).toEqual([
      { kind: 'empty-object', path: `.git/objects/${oid.slice(0, 2)}/${oid.slice(2)}`, detail: expect.stringContaining('empty object file'), autoRepair: false },
    ]);
    expect(e.message).toContain('find .git/objects -type f -empty -delete');
    expect(e.message).toContain('git update-ref refs/heads/main <last-good-commit>');
    // Nothing to repair automatically: the object stays reported.
    expect((await repairStateRepo(dir)).remaining.map((p) => p.kind)).toEqual(['empty-object']);
  });

  it('detects a corrupt object and a HEAD pointing at a missing commit', async () => {
    const { dir, oid } = await repoWithCommit();
    const obj = join(dir, '.git', 'objects', oid.slice(0, 2), oid.slice(2));
    rmSync(obj, { force: true });
    writeFileSync(obj, 'not zlib data');
    expect((await inspectStateRepo(dir)).map((p) => [p.kind, p.path])).toEqual([['corrupt-object', `.git/objects/${oid.slice(0, 2)}/${oid.slice(2)}`]]);

    const { dir: dir2 } = await repoWithCommit();
    writeFileSync(join(dir2, '.git', 'refs', 'heads', 'main'), '1234567890123456789012345678901234567890\n');
    const probs = await inspectStateRepo(dir2);
    expect(probs.map((p) => p.kind)).toEqual(['missing-object']);
    expect(probs[0]?.detail).toContain('the HEAD commit 1234567890123456789012345678901234567890 is missing');

    const { dir: dir3 } = await repoWithCommit();
    writeFileSync(join(dir3, '.git', 'refs', 'heads', 'main'), '');
    expect((await inspectStateRepo(dir3)).map((p) => [p.kind, p.path, p.detail])).toEqual([['bad-ref', '.git/refs/heads/main', 'the ref file is empty']]);
  });

  it('checks only the object dirs that changed since its last check: a new empty object, a corrupt or emptied HEAD object and, after a reboot, any empty object are still found', async () => {
    const { dir } = await repoWithCommit();
    const repo = await openStateRepo(dir, { now: clock(Date.parse('2026-01-03T00:00:00Z')) });
    for (let i = 0; i < 5; i++) await repo.commitState({ 'services.yaml': svc(`web${i}`) }, { request: `change ${i}`, planId: `p${i + 2}`, summary: '', author: alice });
    const objects = join(dir, '.git', 'objects');
    const fanout = () => readdirSync(objects); // the 2-hex-digit dirs, info/ and pack/
    // every object dir settled (written more than 2 s ago), as after earlier applies
    const past = new Date(Date.now() - 60_000);
    const settle = (d: string) => utimesSync(join(objects, d), past, past);
    fanout().forEach(settle);
    const seenFile = join(dir, '.git', 'claude-objects-seen.json');
    expect(await inspectStateRepo(dir)).toEqual([]);
    const seen = JSON.parse(readFileSync(seenFile, 'utf8')) as { boot: string; dirs: Record<string, string> };
    expect(Object.keys(seen.dirs).sort()).toEqual(fanout().sort());

    // an object of an older commit emptied in place (its dir untouched) is not looked at by the
    // quick check: that is the bound. The deep one (import, recover) still reads every file.
    const head = gitCli(dir, 'rev-parse', 'HEAD').trim();
    const oldTree = gitCli(dir, 'rev-parse', 'HEAD~3^{tree}').trim();
    const oldPath = join(objects, oldTree.slice(0, 2), oldTree.slice(2));
    const oldGood = readFileSync(oldPath);
    truncateSync(oldPath, 0);
    settle(oldTree.slice(0, 2));
    expect(await inspectStateRepo(dir)).toEqual([]);
    expect((await inspectStateRepo(dir, { deep: true })).map((p) => [p.kind, p.path])).toEqual([['empty-object', `.git/objects/${oldTree.slice(0, 2)}/${oldTree.slice(2)}`]]);
    // ...and after a reboot (another boot id) every dir is scanned again
    writeFileSync(seenFile, JSON.stringify({ ...seen, boot: 'another-boot' }));
    expect((await inspectStateRepo(dir)).map((p) => p.kind)).toEqual(['empty-object']);
    rmSync(oldPath);
    writeFileSync(oldPath, oldGood);
    expect(await inspectStateRepo(dir, { deep: true })).toEqual([]);

    // a crash between create and write: a new, empty object file (its dir's mtime changes)
    const fake = 'ab'.repeat(20);
    mkdirSync(join(objects, fake.slice(0, 2)), { recursive: true });
    writeFileSync(join(objects, fake.slice(0, 2), fake.slice(2)), '');
    expect((await inspectStateRepo(dir)).map((p) => [p.kind, p.path])).toContainEqual(['empty-object', `.git/objects/ab/${fake.slice(2)}`]);
    rmSync(join(objects, fake.slice(0, 2), fake.slice(2)));
    settle(fake.slice(0, 2));

    // HEAD's commit corrupted in place, its dir's mtime as it was: read, so found
    const headPath = join(objects, head.slice(0, 2), head.slice(2));
    const good = readFileSync(headPath);
    rmSync(headPath);
    writeFileSync(headPath, 'not zlib data');
    settle(head.slice(0, 2));
    expect((await inspectStateRepo(dir)).map((p) => [p.kind, p.path])).toEqual([['corrupt-object', `.git/objects/${head.slice(0, 2)}/${head.slice(2)}`]]);
    // HEAD's commit emptied in place: reported as empty, as the full scan would
    truncateSync(headPath, 0);
    settle(head.slice(0, 2));
    expect((await inspectStateRepo(dir)).map((p) => [p.kind, p.path])).toEqual([['empty-object', `.git/objects/${head.slice(0, 2)}/${head.slice(2)}`]]);
    rmSync(headPath);
    writeFileSync(headPath, good);
    settle(head.slice(0, 2));
    expect(await inspectStateRepo(dir)).toEqual([]);
  });

  it('does not take a ref write in flight in another process for damage', async () => {
    // CI at load 25 met this: one process's durableWriteFile had created its temp file beside
    // refs/heads/main (still empty) when another process opened the repository.
    const { dir, oid } = await repoWithCommit();
    const heads = join(dir, '.git', 'refs', 'heads');
    writeFileSync(join(heads, `.main.${process.pid}.6e40a82e.tmp`), '');
    writeFileSync(join(heads, '.main.1.00000000.tmp'), oid.slice(0, 20)); // half written, then a crash
    expect(await inspectStateRepo(dir)).toEqual([]);
    await expect(openStateRepo(dir)).resolves.toBeDefined();
    // A real ref with the same content is still damage.
    writeFileSync(join(heads, 'feature'), '');
    expect((await inspectStateRepo(dir)).map((p) => [p.kind, p.path])).toEqual([['bad-ref', '.git/refs/heads/feature']]);
  });
});
