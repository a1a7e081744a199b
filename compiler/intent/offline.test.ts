/**
 * The offline provider through the whole intent pipeline (vetting, compile, intent check):
 * every spec request comes out "proposed", never stopped by the intent check by mistake.
 */
import { describe, expect, it } from 'vitest';
import { OfflineProvider } from './offline.js';
import { proposeValidated } from './validate-proposal.js';
import type { ConversationTurn, IntentContext, StateFiles } from './provider.js';
import { secretNamesIn, strongSecretValue } from './generated-secrets.js';

/** As the CLI does: a strong value encrypted with age to a host key made for the test. */
async function generator(): Promise<{ generate: (name: string) => Promise<string>; plain: string[] }> {
  const { generateX25519Identity, identityToRecipient, Encrypter } = await import('age-encryption');
  const recipient = await identityToRecipient(await generateX25519Identity());
  const plain: string[] = [];
  return {
    plain,
    generate: async () => {
      const value = strongSecretValue();
      plain.push(value);
      const e = new Encrypter();
      e.addRecipient(recipient);
      return 'encrypted:v1:' + Buffer.from(await e.encrypt(value)).toString('base64');
    },
  };
}

async function run(messages: string[], gen?: (name: string) => Promise<string>): Promise<{ status: string; files: StateFiles; questions: string[]; explanation: string }[]> {
  const p = new OfflineProvider();
  let files: StateFiles = {};
  const history: ConversationTurn[] = [];
  const out = [];
  for (const message of messages) {
    const ctx: IntentContext = { message, files, history: [...history], secretNames: secretNamesIn(files['security.yaml']), imageCatalog: {}, now: new Date('2026-05-01T00:00:00Z'), ...(gen ? { generateSecret: gen } : {}) };
    const r = await proposeValidated(p, ctx);
    out.push({ status: r.status, files: r.files, questions: r.questions, explanation: r.proposal.explanation });
    files = r.merged;
    history.push({ role: 'user', text: message }, { role: 'assistant', text: r.proposal.explanation });
  }
  return out;
}

describe('offline provider through vetting', () => {
  const flows: string[][] = [
    ['set up a basic web server'],
    ['I need a complete web application stack: nginx for frontend, PostgreSQL for database, Redis for caching, and set up automatic daily backups'],
    ['set up a web server with nginx', 'lock down the system, only allow SSH from 10.0.0.0/8', 'also allow web traffic from anywhere'],
    ['lock down SSH to only allow connections from 10.0.0.0/8 and enable fail2ban'],
    ['I need a PostgreSQL database', 'with daily backups', 'and a connection limit of 100'],
    ['set up nginx', 'scale web to 3 replicas', 'stop all services'],
    ["add a service called 'broken' using image 'nonexistent:latest'"],
    ['add a monitoring stack with prometheus and grafana', 'open port 9090 to 192.168.1.0/24'],
    ['I need a PostgreSQL database', 'make postgres accessible from 10.1.0.0/16'],
  ];
  for (const flow of flows) {
    it(flow.join(' / '), async () => {
      for (const r of await run(flow, (await generator()).generate)) {
        expect(r.questions, flow.join(' / ')).toEqual([]);
        expect(r.status).toBe('proposed');
      }
    });
  }

  it('a template password is generated: encrypted in security.yaml, referenced by name, never in plain text', async () => {
    const g = await generator();
    const [r] = await run(['set up wordpress'], g.generate);
    expect(r!.status).toBe('proposed');
    expect(g.plain).toHaveLength(2); // the mariadb root password and WordPress's own user's (MEND-22)
    expect(r!.files['services.yaml']).toMatch(/MARIADB_ROOT_PASSWORD: \$\{secrets\.mariadb_root_password\}/);
    expect(r!.files['security.yaml']).toMatch(/name: mariadb_root_password\n\s+value: encrypted:v1:/);
    expect(r!.explanation).toMatch(/claude secret set mariadb_root_password/);
    const everything = JSON.stringify(r);
    expect(everything).not.toContain(g.plain[0]!);
    // Without a generator (no host key), the user is asked to set it instead.
    const [n] = await run(['set up wordpress']);
    expect(n!.status).toBe('answer');
    expect(n!.questions.join('\n')).toMatch(/claude secret set mariadb_root_password/);
  });

  it('a repair request is answered honestly: the engine is deterministic', async () => {
    const r = await new OfflineProvider().propose({ message: 'x', files: {}, history: [], secretNames: [], imageCatalog: {}, now: new Date(0), repair: { attempt: 1, previous: {}, problems: ['services.yaml:1:1: error CLA1001: the file is empty'] } });
    expect(r.refused).toBeDefined();
    expect(r.explanation).toMatch(/CLA1001/);
  });

  it('"give redis only 5mb of memory": told the value cannot be given and why, not that the engine has a bug (the lead\'s walkthrough, C)', async () => {
    const files: StateFiles = { 'services.yaml': 'apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata:\n  name: t\nspec:\n  services:\n    - name: redis\n      image: redis:7\n' };
    const r = await proposeValidated(new OfflineProvider(), { message: 'give redis only 5mb of memory', files, history: [], secretNames: [], imageCatalog: {}, now: new Date(0) });
    expect(r.status).toBe('refused');
    expect(r.proposal.explanation).toMatch(/^That cannot be done as asked:\n  services\.yaml:\d+:\d+: error CLA3059: service redis: memory 5Mi is under 6Mi/);
    expect(r.proposal.explanation).not.toMatch(/bug/);
  });
});
