/**
 * The hosts the harm rounds' tables run on (harm31/harm32/outcome32.paradigm.test.ts), built once:
 * `base` (ASSETS_BASE with SSH allowed from anywhere and port 80 open), `solo` (alice the only
 * admin who can log in, carol without sudo), `admin` (the same with the admin called admin),
 * `admin2` (two admins, only alice with a key), `drop` (the default input policy drop). A round adds
 * its own hosts to what it gets back.
 */
import type { Proposal, StateFiles } from '../../provider.js';
import { ASSETS_BASE } from './assets-base.js';

export const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP8kL2mN4oQ6sU8wY0aC2eG4iK6mO8qS0uW2yA4cE6gI';
export const KEY2 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHr3dQ9xLm2vN8pK4sT6wY1zB5cF7hJ9kM3nP5qR7tV';

type Say = (message: string, files: StateFiles) => Proposal;

/** The files after each request in turn, each applied on the one before. */
export const on = (say: Say, files: StateFiles, ...requests: string[]): StateFiles =>
  requests.reduce<StateFiles>((f, r) => ({ ...f, ...say(r, f).files }), files);

const security = (users: string): string =>
  `# Users, SSH, secrets and certificates.\n\napiVersion: claude.os/v1\nkind: SecurityConfig\nmetadata:\n  name: security\nspec:\n  users:\n${users}`;

/** A round's hosts by name; `base` is always there. */
export type HarmBases = Record<string, StateFiles> & { base: StateFiles };

export function harmBases(say: Say): HarmBases {
  const base = on(say, ASSETS_BASE, 'allow ssh from anywhere', 'open port 80');
  return {
    base,
    solo: { ...base, 'security.yaml': security(`    - name: alice\n      sudo: true\n      shell: /bin/bash\n      ssh_keys:\n        - ${KEY} alice@laptop\n    - name: carol\n      shell: /bin/bash\n`) },
    admin: { ...base, 'security.yaml': security(`    - name: admin\n      sudo: true\n      shell: /bin/bash\n      ssh_keys:\n        - ${KEY} admin@laptop\n    - name: carol\n      shell: /bin/bash\n`) },
    admin2: { ...base, 'security.yaml': security(`    - name: admin\n      sudo: true\n      shell: /bin/bash\n    - name: alice\n      sudo: true\n      shell: /bin/bash\n      ssh_keys:\n        - ${KEY} alice@laptop\n`) },
    drop: on(say, base, 'set the default input policy to drop'),
  };
}
