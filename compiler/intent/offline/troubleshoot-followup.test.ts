import { describe, expect, it } from 'vitest';
import { runOfflineEngine } from './engine.js';
import type { StateFiles, StateSummary } from '../provider.js';

// Found in the lead's tmux walkthrough (2026-12-05): "the website is slow, what is going on"
// answered the first clause and then said 'Not done: "what is going on" (I did not understand
// that part)'. A question that only asks about the problem just named belongs to it.
const NOW = new Date('2026-05-01T10:00:00Z');
const CATALOG = { nginx: 'claude-os-local/web:latest', 'nginx:alpine': 'claude-os-local/web:latest', redis: 'claude-os-local/redis:latest' };
const run = (message: string, files: StateFiles = {}, summary?: StateSummary) =>
  runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: CATALOG, now: NOW, ...(summary ? { summary } : {}) });
const withNginx = () => {
  const p = run('set up nginx on port 8086 and redis');
  return p.files;
};
const healthy: StateSummary = { services: [{ name: 'nginx', image: 'nginx:alpine', state: 'running', health: 'healthy' }, { name: 'redis', image: 'redis:7-alpine', state: 'running', health: 'healthy' }], logs: { nginx: ['GET / 200'] } };
const down: StateSummary = { services: [{ name: 'nginx', image: 'nginx:alpine', state: 'exited', exitCode: 137 }, { name: 'redis', image: 'redis:7-alpine', state: 'running', health: 'healthy' }], logs: {} };

describe('a question after a complaint belongs to it', () => {
  it.each([
    'the website is slow, what is going on',
    'the site is really slow. whats going on?',
    'nginx is down, what happened',
    'nginx keeps crashing - any idea why?',
    "website's broken, what's wrong",
    'the web is unreachable. can you check',
    'nginx seems down, please look into it',
    "what's going on? the website is down",
    'site is slow... why',
    'NGINX IS DOWN!! WHAT HAPPENED',
  ])('%s', (message) => {
    const summary = /slow/i.test(message) ? healthy : down;
    const p = run(message, withNginx(), summary);
    const text = [p.explanation, ...(p.questions ?? [])].join('\n');
    expect(text).not.toMatch(/did not understand/);
    expect(text).toMatch(/nginx/);
    expect(p.refused).toBeUndefined();
  });

  it('an order in the same request still acts: "nginx is down, what happened? fix it" restarts it', () => {
    const p = run('nginx is down, what happened? fix it', withNginx(), down);
    expect(p.explanation).not.toMatch(/did not understand/);
    expect(p.files['services.yaml']).toMatch(/restarted-at/);
  });

  it('a question about something else is not swallowed: "nginx is down, what is the timezone"', () => {
    const p = run('nginx is down, what is the timezone', withNginx(), down);
    expect([p.explanation, ...(p.questions ?? [])].join('\n')).toMatch(/time ?zone/i);
  });
});
