/**
 * Lockouts judged by the outcome, not the wording (review 22, HIGH-1 and HIGH-3): the guard's
 * readers (guard.ts, harm.ts, harm-classes.ts, assets.ts) judge what a request says; these two
 * checks judge what the proposal would leave, however the request was worded.
 * - `adminsLost`: two or more users with sudo today, none in the proposed security.yaml
 *   ("remove the users alice and bob" where they are the only admins).
 * - `sshLost`: a way in over ssh today (no firewall, an accept policy, or an accept rule that
 *   covers port 22), none in the proposed network.yaml (a drop policy and no accept rule for 22:
 *   "set the default policy to drop, allow 443, and close port 22").
 * Pure: parses the two files' text, no I/O. docs/intent.md "The lead, round 29".
 */
import { parse } from 'yaml';
import type { StateFiles } from '../provider.js';

type User = { name?: unknown; sudo?: unknown; groups?: unknown };
type Rule = { action?: unknown; port?: unknown; state?: unknown; interface?: unknown };
type Firewall = { enabled?: unknown; default_input_policy?: unknown; rules?: unknown };

function specOf(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const doc = parse(text) as { spec?: Record<string, unknown> } | null;
    return doc?.spec ?? {};
  } catch {
    return undefined; // a file that does not parse is the compiler's to report, not a lockout
  }
}

/** The users who can administer the machine: sudo, or in the sudo or wheel group. */
function admins(text: string | undefined): string[] | undefined {
  const spec = specOf(text);
  if (spec === undefined) return undefined;
  const users = Array.isArray(spec.users) ? (spec.users as User[]) : [];
  return users.filter((u) => u.sudo === true || (Array.isArray(u.groups) && u.groups.some((g) => g === 'sudo' || g === 'wheel'))).map((u) => String(u.name));
}

/** The admins today when the proposal leaves none; undefined when one is left or none was there. */
export function adminsLost(current: StateFiles, proposed: StateFiles): string[] | undefined {
  if (proposed['security.yaml'] === undefined) return undefined;
  const before = admins(current['security.yaml']);
  const after = admins(proposed['security.yaml']);
  // Two or more admins, none left: one request took every admin's rights at once. Taking the one
  // admin's sudo ("take sudo away from kim", the eval's and the tests' decision since round 4) is
  // planned as before; the wording guard refuses "the last admin" said as such.
  return before !== undefined && after !== undefined && before.length > 1 && after.length === 0 ? before : undefined;
}

const covers22 = (port: unknown): boolean => {
  if (port === undefined || port === null) return true;
  if (typeof port === 'number') return port === 22;
  if (Array.isArray(port)) return port.some(covers22);
  const m = /^(\d+)\s*[-:]\s*(\d+)$/.exec(String(port).trim());
  return m ? Number(m[1]) <= 22 && 22 <= Number(m[2]) : String(port).trim() === '22' || /^ssh$/i.test(String(port).trim());
};

/** Whether ssh from outside gets in under this network.yaml; undefined when the file does not parse. */
function sshOpen(text: string | undefined): boolean | undefined {
  if (text === undefined) return true; // no network.yaml: no firewall of ours
  const spec = specOf(text);
  if (spec === undefined) return undefined;
  const fw = (spec.firewall ?? {}) as Firewall;
  if (fw.enabled === false || fw.default_input_policy !== 'drop') return true;
  const rules = Array.isArray(fw.rules) ? (fw.rules as Rule[]) : [];
  return rules.some((r) => r.action === 'accept' && r.state === undefined && r.interface === undefined && covers22(r.port));
}

/** True when ssh gets in today and the proposed network.yaml shuts it out. */
export function sshLost(current: StateFiles, proposed: StateFiles): boolean {
  if (proposed['network.yaml'] === undefined) return false;
  return sshOpen(current['network.yaml']) === true && sshOpen(proposed['network.yaml']) === false;
}
