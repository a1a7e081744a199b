import { afterEach, expect, test } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../testutil/cli.js';
import { tempDirs } from '../../runtime/testutil/tempdirs.js';

const tmp = tempDirs('claude-confirm-');
afterEach(() => tmp.cleanup());

async function run(argv: string[], env: Record<string, string>, now: Date) {
  const { code, out } = await runCli(argv, { env, cwd: '/', now: () => now });
  return { code, out };
}

/** A pending record as applyConfirmed writes it (no nft needed to confirm). */
function pending(dataDir: string, id: string, deadline: number): string {
  const dir = join(dataDir, 'journal');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `firewall-pending-${id}.prev.nft`), 'table inet claude {}\ndelete table inet claude\n');
  const rec = join(dir, `firewall-pending-${id}.json`);
  writeFileSync(rec, JSON.stringify({ version: 1, id, createdAt: '', deadline, previous: 'absent', previousRulesetFile: `firewall-pending-${id}.prev.nft`, previousHash: null, newRulesetSha256: '', applierPid: 1 }));
  return rec;
}

test('claude confirm settles a pending change inside its window, and refuses an expired one', async () => {
  const dataDir = tmp.make();
  const env = { CLAUDE_DATA_DIR: dataDir };
  const t = Date.parse('2026-07-08T09:10:11Z');
  expect(await run(['confirm'], env, new Date(t))).toEqual({ code: 0, out: 'no firewall change is waiting for confirmation\n' });

  const live = pending(dataDir, 'aaa', t + 30_000);
  const old = pending(dataDir, 'bbb', t - 1);
  const r = await run(['confirm'], env, new Date(t));
  expect(r.code).toBe(0);
  expect(r.out).toContain('✓ confirmed firewall change aaa');
  expect(r.out).toContain('✗ firewall change bbb passed its deadline');
  expect(existsSync(live)).toBe(false);
  expect(existsSync(old)).toBe(true); // left for the watchdog / claude recover
  expect(readFileSync(join(dataDir, 'journal', 'firewall-confirm.log'), 'utf8')).toMatch(/ aaa confirmed by confirm\n$/);

  const only = await run(['confirm', '--json'], env, new Date(t));
  expect(only.code).toBe(1);
  expect(JSON.parse(only.out)).toEqual({ confirmed: [], expired: [{ id: 'bbb', deadline: new Date(t - 1).toISOString() }] });
});
