/**
 * The offline provider through the whole intent pipeline (vetting, compile, intent check):
 * every spec request comes out "proposed", never stopped by the intent check by mistake.
 */
import { describe, expect, it } from 'vitest';
import { OfflineProvider } from './offline.js';
import { proposeValidated } from './validate-proposal.js';
import type { ConversationTurn, IntentContext, StateFiles } from './provider.js';

async function run(messages: string[]): Promise<{ status: string; files: StateFiles; questions: string[] }[]> {
  const p = new OfflineProvider();
  let files: StateFiles = {};
  const history: ConversationTurn[] = [];
  const out = [];
  for (const message of messages) {
    const ctx: IntentContext = { message, files, history: [...history], secretNames: [], imageCatalog: {}, now: new Date('2026-05-01T00:00:00Z') };
    const r = await proposeValidated(p, ctx);
    out.push({ status: r.status, files: r.files, questions: r.questions });
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
      for (const r of await run(flow)) {
        expect(r.questions, flow.join(' / ')).toEqual([]);
        expect(r.status).toBe('proposed');
      }
    });
  }

  it('a repair request is answered honestly: the engine is deterministic', async () => {
    const r = await new OfflineProvider().propose({ message: 'x', files: {}, history: [], secretNames: [], imageCatalog: {}, now: new Date(0), repair: { attempt: 1, previous: {}, problems: ['services.yaml:1:1: error CLA1001: the file is empty'] } });
    expect(r.refused).toBeDefined();
    expect(r.explanation).toMatch(/CLA1001/);
  });
});
