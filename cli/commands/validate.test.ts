import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../testutil/cli.js';
import { tempDirs } from '../../runtime/testutil/tempdirs.js';
import { packageRoot } from '../../common/paths.js';

const tmp = tempDirs('claude-validate-test-');
afterEach(() => tmp.cleanup());
const tempDir = tmp.make;

function run(argv: string[], env: Record<string, string> = {}, cwd = packageRoot()) {
  return runCli(argv, { env, cwd, now: () => new Date('2026-07-08T09:10:11Z') });
}

const fixture = (name: string) => join(packageRoot(), 'fixtures', 'states', name);

describe('claude validate', () => {
  it('accepts the spec example with its one warning (exit 0)', async () => {
    const r = await run(['validate', '--state-dir', 'fixtures/states/spec-example']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      'services.yaml:23:12: warning CLA3001: service nginx: image nginx:alpine already has the tag "alpine"; tag: "1.25" wins, so the image is nginx:1.25\n' +
        '  hint: write the tag in one place only: image: nginx with tag: "1.25", or image: nginx:1.25\n' +
        `${fixture('spec-example')}: valid (6 files, 3 services, 1 warning)\n`,
    );
    expect(r.err).toBe('');
  });

  it('reads CLAUDE_STATE_DIR when --state-dir is not given', async () => {
    const r = await run(['validate'], { CLAUDE_STATE_DIR: fixture('minimal') });
    expect(r).toMatchObject({ code: 0, out: `${fixture('minimal')}: valid (2 files, 1 service)\n` });
  });

  it('prints each error with its position and hint, then a summary (exit 1)', async () => {
    const r = await run(['validate', '--state-dir', 'fixtures/invalid/dependency-cycle']);
    expect(r.code).toBe(1);
    expect(r.out).toBe(
      'services.yaml:12:20: error CLA3006: services depend on each other in a cycle: api → db → web → api\n' +
        '  hint: remove one of these depends_on entries so that some service can start first\n' +
        `${join(packageRoot(), 'fixtures/invalid/dependency-cycle')}: invalid (1 error, 0 warnings)\n`,
    );
  });

  it('--json prints {ok, diagnostics}', async () => {
    const bad = await run(['validate', '--json', '--state-dir', 'fixtures/invalid/unknown-property']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out)).toEqual({
      ok: false,
      diagnostics: [
        {
          code: 'CLA2001',
          severity: 'error',
          file: 'services.yaml',
          line: 9,
          column: 7,
          message: 'unknown property "restart_policy" in services[web]',
          hint: expect.stringMatching(/^did you mean "restart"\?/),
        },
      ],
    });
    const good = await run(['validate', '--json', '--state-dir', fixture('web-stack')]);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.out)).toEqual({ ok: true, diagnostics: [] });
  });

  it('a missing dir, an empty dir and an unreadable file each get a clear message', async () => {
    const root = tempDir();
    const missing = await run(['validate', '--state-dir', join(root, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.out).toContain(`error CLA9001: state dir ${join(root, 'nope')} does not exist`);
    expect(missing.out).toContain('hint: create it, or pass --state-dir DIR');

    mkdirSync(join(root, 'empty'));
    const empty = await run(['validate', '--state-dir', join(root, 'empty')]);
    expect(empty.code).toBe(1);
    expect(empty.out).toContain(`error CLA9003: state dir ${join(root, 'empty')} has no state files`);

    const dir = join(root, 'unreadable');
    cpSync(fixture('minimal'), dir, { recursive: true });
    mkdirSync(join(dir, 'network.yaml'));
    const unreadable = await run(['validate', '--state-dir', dir]);
    expect(unreadable.code).toBe(1);
    expect(unreadable.out).toContain('network.yaml: error CLA9002: cannot read network.yaml: it is a directory');

    if (process.getuid?.() !== 0) {
      writeFileSync(join(dir, 'storage.yaml'), 'x: 1\n');
      chmodSync(join(dir, 'storage.yaml'), 0o000);
      expect((await run(['validate', '--state-dir', dir])).out).toContain('cannot read storage.yaml: permission denied');
    }
  });

  it('refuses unknown flags and arguments (exit 2)', async () => {
    const r = await run(['validate', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("Unknown option '--frobnicate'");
    expect((await run(['validate', 'extra'])).code).toBe(2);
  });
});
