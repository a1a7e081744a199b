import { it } from 'vitest';
import { readFileSync } from 'node:fs';
import { after, say } from '../../../test/offline-engine.js';
it('probe', () => {
  const base = after('add nginx', 'add user deploy', 'add user alice with sudo', 'add user bob');
  const lines = readFileSync('/tmp/h32/probe.txt', 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  for (const l of lines) {
    const p = say(l, base);
    console.log(`${p.refused ? 'REFUSED' : 'ok     '} | ${l}\n    ${String(p.refused ? JSON.stringify(p.refused) : p.explanation ?? '').replace(/\n/g, ' ').slice(0, 300)}`);
  }
}, 600000);
