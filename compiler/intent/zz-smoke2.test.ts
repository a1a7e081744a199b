import { test } from 'vitest';
import { runOfflineEngine } from './offline/engine.js';
import { splitClauses } from './offline/nlu.js';
test('smoke', () => {
  const msg = 'add user alice with sudo and ssh key ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@laptop';
  const p = runOfflineEngine({ message: msg, files: {}, history: [], secretNames: [], imageCatalog: {}, now: new Date('2026-01-01T00:00:00Z') });
  console.log(JSON.stringify(p, null, 1));
});
