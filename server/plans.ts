/**
 * The API's saved plans: `<data dir>/api/plans/<id>.json` is the signed plan file itself
 * (the DSSE envelope, so `claude show`, `claude sign` and `claude apply` work on it too) and
 * `<id>.meta.json` beside it says where it came from (conversation, kind, messages) and what
 * became of it (applied, refused, failed). The plan view the API returns is made here.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../common/fsutil.js';
import { renderPlan } from '../plan/show.js';
import { parseEnvelope } from '../plan/envelope.js';
import { inspectPlan } from '../plan/inspect.js';
import { loadTrustedKeys } from '../plan/keys.js';
import { confirmNotes, evaluatePolicy, requiredRoles, stepsNeedingConfirmation } from '../plan/policy.js';
import { planReview, type PlanReview } from '../plan/review.js';
import type { PlanPayload } from '../plan/types.js';
import { compareCodePoints } from '../common/order.js';

/** Plan ids as the planner makes them (`plan-` and hex); nothing else names a file here. */
export const PLAN_ID = /^plan-[0-9a-f]{8,64}$/;

export interface PlanMeta {
  id: string;
  /** What made it: a request in a conversation, a troubleshooting fix, or a rollback. */
  kind: 'intent' | 'diagnose' | 'rollback' | 'action';
  conversationId: string | null;
  /** The messages that built it, first to last (refinements included). */
  messages: string[];
  createdAt: string;
  /** proposed → applying → applied | incomplete | rolled-back | needs-attention | refused; superseded when refined; cancelled by the user. */
  status: 'proposed' | 'applying' | 'applied' | 'incomplete' | 'rolled-back' | 'needs-attention' | 'refused' | 'superseded' | 'cancelled';
  /** The state commit the apply made. */
  stateCommit?: string | null;
  /** Why it was refused or failed (the runtime's words). */
  error?: { clause?: string; message: string; hint?: string };
  /** Rollback plans: the commit they restore. */
  rollbackTo?: string;
}

export interface PlanRisk {
  step: string;
  risk: 'security' | 'destructive';
  description: string;
}

/** What the API returns for a plan. */
export interface PlanView {
  id: string;
  /** The signed plan file (review it offline: claude show FILE; co-sign: claude sign FILE --key ADMIN.key). */
  file: string;
  request: string;
  createdAt: string;
  expiresAt: string;
  /** "1 to create, 0 to update, 0 to delete", and the payload's summary. */
  summary: string;
  counts: PlanPayload['summary'];
  /** The rendered Proposed Changes box (claude show). */
  show: string;
  steps: { id: string; op: string; target: string; risk: string; description: string }[];
  risks: PlanRisk[];
  /** Security or destructive steps: apply needs `confirmSecurity: true` besides `approve: true`. */
  needsConfirmation: boolean;
  /** Policy P2 (users, SSH keys, sudo, sshd): an admin key must co-sign the file before apply. */
  needsAdminSignature: boolean;
  /** Signature requirements not met yet (P1, P2). */
  missingSignatures: string[];
  noChanges: boolean;
  /** The structured review: per resource the fields that change old → new, risks, exposure (plan/review.ts). */
  review: PlanReview;
  /** Signatures present, with their role and trust (for the review's details). */
  signatures: { keyid: string; role: string | null; status: string }[];
  meta: PlanMeta;
}

export function plansDir(dataDir: string): string {
  return join(dataDir, 'api', 'plans');
}

export function planFile(dataDir: string, id: string): string {
  if (!PLAN_ID.test(id)) throw new Error(`not a plan id: ${id}`);
  return join(plansDir(dataDir), `${id}.json`);
}

function metaFile(dataDir: string, id: string): string {
  return join(plansDir(dataDir), `${id}.meta.json`);
}

export function savePlan(dataDir: string, envelopeText: string, meta: PlanMeta): string {
  mkdirSync(plansDir(dataDir), { recursive: true, mode: 0o700 });
  const file = planFile(dataDir, meta.id);
  writeFileAtomic(file, envelopeText, 0o600);
  writeFileAtomic(metaFile(dataDir, meta.id), JSON.stringify(meta, null, 2) + '\n', 0o600);
  return file;
}

export function updateMeta(dataDir: string, id: string, change: Partial<PlanMeta>): PlanMeta | null {
  const meta = readMeta(dataDir, id);
  if (!meta) return null;
  const next = { ...meta, ...change };
  writeFileAtomic(metaFile(dataDir, id), JSON.stringify(next, null, 2) + '\n', 0o600);
  return next;
}

export function readMeta(dataDir: string, id: string): PlanMeta | null {
  if (!PLAN_ID.test(id)) return null;
  try {
    return JSON.parse(readFileSync(metaFile(dataDir, id), 'utf8')) as PlanMeta;
  } catch {
    return null;
  }
}

/** The plan file's text, or null when there is no such API plan. */
export function readPlanText(dataDir: string, id: string): string | null {
  if (!PLAN_ID.test(id)) return null;
  const f = planFile(dataDir, id);
  return existsSync(f) ? readFileSync(f, 'utf8') : null;
}

/** The payload of a plan file (not verified: for display; the runtime verifies before it acts). */
export function payloadOf(text: string): PlanPayload {
  return JSON.parse(Buffer.from(parseEnvelope(text).payload, 'base64').toString('utf8')) as PlanPayload;
}

export function summaryLine(p: Pick<PlanPayload, 'summary' | 'steps'>): string {
  if (p.steps.length === 0) return 'No changes: the system already matches.';
  const s = p.summary;
  return `${s.create} to create, ${s.update} to update, ${s.delete} to delete`;
}

/**
 * What the second confirmation (`confirmSecurity: true`) covers: the security and destructive
 * steps, and a security.yaml change the plan notes (plan/policy.ts confirmNotes), which the
 * runtime's V9 also confirms.
 */
export function planRisks(payload: Pick<PlanPayload, 'steps' | 'display'>): PlanRisk[] {
  return [
    ...stepsNeedingConfirmation(payload).map((s) => ({ step: s.id, risk: s.risk as PlanRisk['risk'], description: s.description })),
    ...confirmNotes(payload).map((description) => ({ step: 'state:security.yaml', risk: 'security' as const, description })),
  ];
}

/** The view of a saved plan: the show text, its risks and what approval it needs. */
export function planView(dataDir: string, text: string, meta: PlanMeta, o: { now: Date; hostId: string; baseFiles?: Record<string, string> }): PlanView {
  const report = inspectPlan(text, { trusted: loadTrustedKeys(dataDir), now: o.now, hostId: o.hostId });
  const payload = report.payload ?? payloadOf(text);
  const roles = report.signatures.filter((s) => s.status === 'valid' && s.role).map((s) => s.role!);
  const policy = evaluatePolicy(payload, roles);
  const review = planReview(payload, o.baseFiles ?? {});
  const risks = planRisks(payload);
  return {
    id: payload.id,
    file: planFile(dataDir, payload.id),
    request: payload.request,
    createdAt: payload.createdAt,
    expiresAt: payload.expiresAt,
    summary: summaryLine(payload),
    counts: payload.summary,
    show: renderPlan(payload, report, review),
    steps: payload.steps.map((s) => ({ id: s.id, op: s.op, target: s.target, risk: s.risk, description: s.description })),
    risks,
    needsConfirmation: risks.length > 0,
    needsAdminSignature: requiredRoles(payload).includes('admin'),
    missingSignatures: policy.missingSignatures,
    noChanges: payload.steps.length === 0,
    review,
    signatures: report.signatures.map((s) => ({ keyid: s.keyid, role: s.role ?? null, status: s.status })),
    meta,
  };
}

/** The saved API plans, newest first. */
export function listPlans(dataDir: string, limit = 50): PlanMeta[] {
  const dir = plansDir(dataDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.meta.json'))
    .map((f) => readMeta(dataDir, f.slice(0, -'.meta.json'.length)))
    .filter((m): m is PlanMeta => m !== null)
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : compareCodePoints(a.id, b.id)))
    .slice(0, limit);
}
