/**
 * Secrets a proposal asks to have generated (`Proposal.generatedSecrets`): a template needs a
 * password the user has not set (a database, WordPress + MariaDB, the Grafana admin).
 *
 * The value is made and encrypted by the caller that holds the host key
 * (`IntentContext.generateSecret`, set by the CLI); this module only puts the encrypted
 * value into security.yaml (`spec.secrets`), so the provider, the plan, the logs and git
 * never see the plain value. The offline engine refers to it as `${secrets.NAME}`.
 */
import { randomBytes } from 'node:crypto';
import { isMap, isSeq, parseDocument } from 'yaml';

const EMPTY_SECURITY = 'apiVersion: claude.os/v1\nkind: SecurityConfig\nmetadata:\n  name: security\nspec:\n  secrets:\n';

/** A strong random value: 32 characters from 24 random bytes (192 bits), URL-safe. */
export function strongSecretValue(): string {
  return randomBytes(24).toString('base64url');
}

/** Names that can be generated: lowercase, as `claude secret set` accepts them. */
export function isGeneratableName(name: string): boolean {
  return /^[a-z][a-z0-9_]{0,62}$/.test(name);
}

/** security.yaml text with the given secrets added (names already there are left as they are). */
export function withSecrets(securityText: string | undefined, entries: { name: string; value: string }[]): string {
  const doc = parseDocument(securityText ?? EMPTY_SECURITY);
  const seq = doc.getIn(['spec', 'secrets'], true);
  const have = new Set<string>();
  if (isSeq(seq)) for (const item of seq.items) if (isMap(item) && typeof item.get('name') === 'string') have.add(item.get('name') as string);
  const fresh = entries.filter((e) => !have.has(e.name));
  if (fresh.length === 0) return securityText ?? doc.toString({ lineWidth: 0 });
  if (isSeq(seq)) for (const e of fresh) seq.items.push(doc.createNode({ name: e.name, value: e.value }));
  else doc.setIn(['spec', 'secrets'], doc.createNode(fresh.map((e) => ({ name: e.name, value: e.value }))));
  return doc.toString({ lineWidth: 0 });
}

/** Names of the secrets in security.yaml. */
export function secretNamesIn(securityText: string | undefined): string[] {
  if (!securityText) return [];
  const seq = parseDocument(securityText).getIn(['spec', 'secrets'], true);
  return isSeq(seq) ? seq.items.flatMap((i) => (isMap(i) && typeof i.get('name') === 'string' ? [i.get('name') as string] : [])) : [];
}

/**
 * The files after a proposal, as the flow keeps them between turns: the proposal's files on top,
 * and the secrets it asked to have generated declared in security.yaml with `value` (the CLI
 * stores an age-encrypted value, validate-proposal.ts; tests and checks pass a placeholder), so a
 * later turn that shares one compiles.
 */
export function filesAfterProposal<F extends Record<string, string | undefined>>(files: F, proposal: { files: Record<string, string | undefined>; generatedSecrets?: readonly { name: string }[] }, value: string): F {
  const merged = { ...files, ...proposal.files } as F;
  const names = (proposal.generatedSecrets ?? []).map((g) => g.name);
  if (names.length) (merged as Record<string, string | undefined>)['security.yaml'] = withSecrets(merged['security.yaml'], names.map((name) => ({ name, value })));
  return merged;
}
