/**
 * Helpers the offline engine's unit tests share (compiler/intent/offline/*.test.ts): one request
 * (`say`), several in a row (`after`), a conversation with its history (`talk`), a request held
 * to the eval's own checks (`passes`, fixtures/intent-eval/run.ts `caseFailures`), and the state
 * files read back (`doc`, `svc`, `rules`, `users`, `jobs`). Round 24 moved them here from the
 * test files that each carried a copy; a new test imports them instead of copying them.
 */
import { expect } from 'vitest';
import { parse } from 'yaml';
import { caseFailures, runConversation } from '../fixtures/intent-eval/run.js';
import { runOfflineEngine } from '../compiler/intent/offline/engine.js';
import type { ConversationTurn, Proposal, StateFiles } from '../compiler/intent/provider.js';

/** The CPU time this process spent on `f`, in ms (user and system, every thread). */
function cpuMs(f: () => unknown): number {
  const t0 = process.cpuUsage();
  f();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000;
}

/**
 * The shortest of `runs` timings of `f`, in ms of CPU time: a loaded machine adds time to a run,
 * never takes it away (the linearity tests compare n with 4n in the same run, never with the
 * clock alone). CPU time, not the wall clock: at load 30 on 2 cores the wall clock of a call is
 * mostly the time it waited for a core, so a ratio of two wall times measured the load (12x
 * ratios failed at load ~30 for linear code); the CPU time a call uses grows with its own work.
 */
export function shortestMs(f: () => unknown, runs = 3): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) best = Math.min(best, cpuMs(f));
  return best;
}

/**
 * The shortest time of each of two calls, measured in turns (a, b, a, b, …), so a busy moment
 * of the machine (CI runs other files beside this one) slows both, not only the one measured then.
 */
export function shortestPairMs(a: () => unknown, b: () => unknown, rounds = 4): [number, number] {
  let best: [number, number] = [Infinity, Infinity];
  for (let i = 0; i < rounds; i++) best = [Math.min(best[0], shortestMs(a, 1)), Math.min(best[1], shortestMs(b, 1))];
  return best;
}

/** The engine's clock in every unit test. */
export const NOW = new Date('2026-05-01T10:00:00Z');

/** One expectation of an eval case ({service, host_port}, {rule_for, source, action}, …). */
export type Expect = Record<string, unknown>;

/** One request on these files, with this history. */
export const say = (message: string, files: StateFiles = {}, history: ConversationTurn[] = []): Proposal =>
  runOfflineEngine({ message, files, history, secretNames: [], imageCatalog: {}, now: NOW });

/** The files after these requests, each on the files the one before left (no history). */
export const after = (...requests: string[]): StateFiles => requests.reduce<StateFiles>((files, r) => ({ ...files, ...say(r, files).files }), {});

/** The guard's refusal when the request is refused after `files` (a refusal changes no file), else undefined. */
export function refusalAfter(message: string, files: StateFiles): Proposal['refused'] {
  const p = say(message, files);
  if (p.refused) expect(p.files, message).toEqual({});
  return p.refused;
}

/** The request meets every expectation, after the requests `before` (the eval's own check). */
export const passes = (request: string, want: Expect[], before: string[] = []): void => expect(caseFailures(request, want, before)).toEqual([]);

/** A conversation: each turn sees the turns before it (user and reply) and the files they left. */
export function talk(turns: string[], files0: StateFiles = {}): { last: Proposal; files: StateFiles; replies: Proposal[] } {
  let files = files0;
  const history: ConversationTurn[] = [];
  const replies: Proposal[] = [];
  for (const message of turns) {
    const p = say(message, files, [...history]);
    replies.push(p);
    files = { ...files, ...p.files };
    history.push({ role: 'user', text: message }, { role: 'assistant', text: p.explanation });
  }
  return { last: replies[replies.length - 1]!, files, replies };
}

/** A state file, parsed (an empty object when it is not there). */
export const doc = (files: StateFiles, name: keyof StateFiles): any => parse(files[name] ?? '{}') ?? {};
export const svc = (files: StateFiles, name: string) =>
  (doc(files, 'services.yaml').spec?.services ?? []).find((s: { name: string }) => s.name === name) as
    | { name: string; image: string; state?: string; ports?: { host?: number; container: number; host_ip?: string }[]; labels?: Record<string, string>; command?: unknown; networks?: string[]; environment?: Record<string, string> }
    | undefined;
export const rules = (files: StateFiles) => (doc(files, 'network.yaml').spec?.firewall?.rules ?? []) as { name: string; port?: unknown; source?: unknown; action: string; protocol?: string }[];
export const users = (files: StateFiles) => (doc(files, 'security.yaml').spec?.users ?? []) as { name: string; sudo?: boolean; groups?: string[] }[];
export const jobs = (files: StateFiles) => (doc(files, 'scheduled.yaml').spec?.jobs ?? []) as { name: string; schedule: string; container?: string; command: unknown }[];

/**
 * What fails of the last turn of a conversation checked as an eval case (`before`: earlier
 * commands; `turns`: one conversation, each turn sees the ones before it). Round 28's paradigm
 * tables (frames.test.ts) write their turns this way.
 */
export function lastTurnFailures(before: string[], turns: string[], want: Expect[]): string[] {
  const results = runConversation({ id: 'unit', request: '', before, turns: turns.map((request, i) => ({ request, expect: i === turns.length - 1 ? want : [] })) });
  return results[results.length - 1]!.failures;
}
