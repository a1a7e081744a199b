/**
 * What `claude plan` says when the plan it just made fails the check apply would make
 * (plan/inspect.ts inspectPlan): one CLA4009 diagnostic per failed check, placed at the state
 * file line the failure comes from when there is one, so a person sees what failed, where and
 * how to fix it before anything is written.
 *
 * Which checks stop the command: the envelope, the schema, the signatures, the expiry and the
 * host. A plan that fails one of them can never be applied, whoever signs it (the compiler made
 * a plan its own schema refuses, the host key's files were changed, the clock moved). The trust
 * and the policy are approvals still to collect (`claude sign` adds them): the plan is written
 * and its text says what is missing, as before.
 *
 * Where: a schema problem's JSON pointer into the payload is followed to the state file that
 * holds it. `/desired/files/<file>…` is that file; `/steps/<n>…` is the entry the step's target
 * names (a service, a network, a volume, a job, …), found in the plan's own desired files and
 * parsed again on this error path only. A pointer that leads to no state file (the plan's clock,
 * its id) is said without a position.
 */
import { DiagnosticSink, type Diagnostic, type SourcePos } from './diagnostics.js';
import { parseFile, type ParsedFile } from './parse.js';
import type { CheckLine } from '../plan/inspect.js';
import type { PlanPayload } from '../plan/types.js';

/** The checks whose failure means the plan can never be applied (see the module comment). */
export const FATAL_CHECKS: ReadonlySet<CheckLine['check']> = new Set(['envelope', 'schema', 'signatures', 'expiry', 'host']);

const HINTS: Record<string, string> = {
  envelope: 'this is a bug in Claude.OS (the signed envelope it made does not read back); nothing was written: report it with this message',
  schema: 'this is a bug in Claude.OS: the state files passed their checks but the plan made from them does not match schemas/plan.schema.json, so no runtime would apply it; nothing was written. Change or remove what the line names to plan meanwhile, and report the bug with this message',
  signatures: "the host key's signature does not verify with the trusted copy of it: the files under the data dir's keys/ were changed. Compare keys/host.pub with `claude keys list`, remove the wrong trusted key (claude keys remove KEYID) and plan again",
  expiry: 'the clock moved while the plan was made; check the system clock (timedatectl) and plan again',
  host: "the data dir's host-id changed while the plan was made; plan again",
};

/** A schema problem line (plan/schema.ts: "instancePath: message") split; a line without a pointer keeps its text. */
function splitProblem(p: string): { pointer: string; message: string } {
  const m = /^(\/[^:]*): (.*)$/s.exec(p);
  return m ? { pointer: m[1]!, message: m[2]! } : { pointer: '', message: p };
}

/** The lists of named entries a step target's kind may live in, per state file. */
const TARGET_LISTS: Record<string, [file: string, path: string[]][]> = {
  container: [['services.yaml', ['spec', 'services']]],
  image: [['services.yaml', ['spec', 'services']]],
  network: [['services.yaml', ['spec', 'networks']]],
  volume: [
    ['services.yaml', ['spec', 'volumes']],
    ['storage.yaml', ['spec', 'volumes']],
  ],
  mount: [['storage.yaml', ['spec', 'mounts']]],
  schedule: [['scheduled.yaml', ['spec', 'jobs']]],
  firewall: [['network.yaml', ['spec', 'firewall']]],
  host: [['security.yaml', ['spec']]],
};

/**
 * Where in the plan's desired state files the value at `pointer` (into the payload) comes
 * from, or undefined (module comment, "Where"). `parsed` caches the files parsed again.
 */
export function stateFilePos(payload: Pick<PlanPayload, 'desired' | 'steps'>, pointer: string, parsed: Map<string, ParsedFile | undefined> = new Map()): SourcePos | undefined {
  const parts = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const files = payload.desired?.files ?? {};
  const parse = (name: string): ParsedFile | undefined => {
    if (!parsed.has(name)) parsed.set(name, typeof files[name] === 'string' ? parseFile({ name, text: files[name] }, new DiagnosticSink()) : undefined);
    return parsed.get(name);
  };
  if (parts[0] === 'desired' && parts[1] === 'files' && parts[2] !== undefined && parts[2] in files) return { file: parts[2], line: 1, column: 1 };
  if (parts[0] !== 'steps' || !/^\d+$/.test(parts[1] ?? '')) return undefined;
  const step = payload.steps[Number(parts[1])];
  if (!step || typeof step.target !== 'string') return undefined;
  const slash = step.target.indexOf('/');
  const kind = step.target.slice(0, slash);
  const name = step.target.slice(slash + 1);
  const service = (step.params as { spec?: { service?: unknown } } | undefined)?.spec?.service;
  const names = new Set([name, ...(typeof service === 'string' ? [service] : []), name.replace(/-\d+$/, '')]);
  let fallback: SourcePos | undefined;
  for (const [file, path] of TARGET_LISTS[kind] ?? []) {
    const f = parse(file);
    if (!f) continue;
    let v: unknown = f.value;
    for (const k of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    if (Array.isArray(v)) {
      const i = v.findIndex((e) => e && typeof e === 'object' && names.has((e as { name?: unknown }).name as string));
      if (i >= 0) return f.positions.nearest([...path, i]);
    }
    fallback ??= f.positions.nearest(path);
  }
  return fallback;
}

/**
 * The CLA4009 diagnostics for the failed checks of `checks` that stop `claude plan` (FATAL_CHECKS),
 * sorted as the sink sorts; empty when the plan may be written.
 */
export function planCheckDiagnostics(checks: readonly CheckLine[], payload: Pick<PlanPayload, 'desired' | 'steps'> | undefined, schemaProblems: readonly string[] = []): Diagnostic[] {
  const sink = new DiagnosticSink();
  const parsed = new Map<string, ParsedFile | undefined>();
  for (const c of checks) {
    if (c.ok || !FATAL_CHECKS.has(c.check)) continue;
    if (c.check === 'schema' && schemaProblems.length) {
      for (const p of schemaProblems) {
        const { pointer, message } = splitProblem(p);
        const pos = payload && pointer ? stateFilePos(payload, pointer, parsed) : undefined;
        sink.report('CLA4009', pos, { check: c.check, detail: `${pointer ? `the plan's ${pointer}` : 'the plan'} ${message}`, hint: HINTS.schema! });
      }
      continue;
    }
    sink.report('CLA4009', undefined, { check: c.check, detail: c.detail, hint: HINTS[c.check] ?? 'plan again' });
  }
  return sink.sorted();
}
