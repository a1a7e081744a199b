import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { ConversationTurn, StateFiles } from '../provider.js';

// MEND-22's walkthrough (tmux, bin/claude): "set up nginx …, postgres … and redis …, with daily
// backups", then at the approval prompt "modify" and "keep only 3 backups". The reply said
// "Already so, so there is nothing to change: … last 7 kept": "only" (and "just", "at most")
// between "keep" and the count hid the retention, and a false "already so" tells the person it
// is done when it is not.
const NOW = new Date('2026-05-01T10:00:00Z');
const run = (message: string, files: StateFiles = {}, history: ConversationTurn[] = []) => runOfflineEngine({ message, files, history, secretNames: [], imageCatalog: {}, now: NOW });
const kept = (files: StateFiles) =>
  Object.fromEntries(((parse(files['storage.yaml'] ?? '{}') as { spec?: { volumes?: { name: string; backup?: { retain?: number } }[] } }).spec?.volumes ?? []).map((v) => [v.name, v.backup?.retain]));

describe('"keep only 3 backups" sets the count kept (it said "already so")', () => {
  const base = 'set up nginx called mw22-web on port 18431, postgres called mw22-db and redis called mw22-cache, with daily backups';
  const p = run(base);
  const history: ConversationTurn[] = [
    { role: 'user', text: base },
    { role: 'assistant', text: p.explanation },
  ];
  it.each(['keep only 3 backups', 'keep just 3 backups', 'keep at most 3 backups', 'keep no more than 3 backups', 'keep 3 backups', 'only keep 3 backups'])('%s', (message) => {
    const q = run(message, p.files, history);
    expect(q.explanation).not.toContain('Already so');
    expect(kept({ ...p.files, ...q.files }), q.explanation).toEqual({ 'mw22-cache-data': 3, 'mw22-db-data': 3 });
  });
  it('said with the request', () => {
    expect(kept(run(`${base}, keep only 3`).files)).toEqual({ 'mw22-cache-data': 3, 'mw22-db-data': 3 });
  });
  it('"keep no more than 3 backups" turned every backup off ("no … backups"); "no more backups" still does', () => {
    expect(run('keep no more than 3 backups', p.files, history).explanation).not.toContain('backups off');
    expect(run('no more backups for mw22-cache', p.files, history).explanation).toContain('~ volume mw22-cache-data: backups off');
  });
});
