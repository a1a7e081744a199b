/**
 * The operations said in plain words (cli/operations.ts): which messages run rollback, history
 * or logs, and which stay requests for the intent engine (a word in passing is not an order).
 */
import { describe, expect, it } from 'vitest';
import { operationArgv, operationRequest } from './operations.js';
import { sinceTime } from '../compiler/diagnose/operations.js';

const services = ['web', 'api', 'postgres', 'lw-cache'];
const op = (m: string) => operationRequest(m, services);

describe('operationRequest', () => {
  it('undo / roll back the last change goes one change back', () => {
    for (const m of ['undo the last change', 'Undo that', 'undo', 'please undo what you just did', 'revert the last change', 'roll back the previous deploy', 'rollback the latest commit pls', 'ok undo it', 'can you undo that?', 'put things back the way they were', 'go back to how it was before']) {
      expect(op(m), m).toMatchObject({ kind: 'rollback', rev: 'HEAD~1', undo: true });
    }
    // Only "undo that / it / this" or a bare "undo" is about what was just said (a waiting proposal).
    for (const m of ['Undo that', 'undo', 'ok undo it', 'can you undo that?', 'oops, undo']) expect(op(m), m).toMatchObject({ that: true });
    for (const m of ['undo the last change', 'revert the last change', 'please undo what you just did']) expect(op(m), m).not.toHaveProperty('that');
  });
  it('undo has one meaning however it is said: "roll it back", "go back" and the rest run `claude rollback HEAD~1` too (review 20 MED-2)', () => {
    for (const m of ['roll it back', 'Roll that back please', 'go back', 'take that back', 'put it back', 'change it back', 'that broke everything, go back', 'ugh, it broke everything, roll it back', 'revert that']) {
      expect(op(m), m).toMatchObject({ kind: 'rollback', rev: 'HEAD~1', undo: true });
    }
    // "it" / "that": what was just said, so a waiting proposal is dropped (none of it applied).
    for (const m of ['roll it back', 'take that back', 'put it back']) expect(op(m), m).toMatchObject({ that: true });
    expect(op('go back')).not.toHaveProperty('that');
  });
  it('a bare "roll back" picks from the list; "roll back to <commit>" names it', () => {
    for (const m of ['rollback', 'roll back', 'Roll back please', 'revert the config']) expect(op(m), m).toEqual({ kind: 'rollback', undo: false });
    expect(op('roll back to 3cc64a7d632f')).toEqual({ kind: 'rollback', rev: '3cc64a7d632f', undo: false });
    expect(op('revert to commit abcdef1')).toEqual({ kind: 'rollback', rev: 'abcdef1', undo: false });
    expect(op('go back to HEAD~2')).toEqual({ kind: 'rollback', rev: 'HEAD~2', undo: false });
  });
  it('history, with the span said', () => {
    expect(op('what changed today?')).toEqual({ kind: 'history', since: 'today' });
    expect(op('What did you change yesterday')).toEqual({ kind: 'history', since: 'yesterday' });
    expect(op('what has changed in the last 6 hours')).toEqual({ kind: 'history', since: '6h' });
    expect(op('what changed this week')).toEqual({ kind: 'history', since: '7d' });
    for (const m of ['show me the history', 'history', 'recent changes', 'show the recent changes', 'what changed recently?', 'who changed what', 'what did we do today']) expect(op(m)?.kind, m).toBe('history');
  });
  it('logs of a known service, with a line count', () => {
    expect(op('show me the logs of web')).toEqual({ kind: 'logs', service: 'web' });
    expect(op("show me the last 3 lines of lw-cache's logs")).toEqual({ kind: 'logs', service: 'lw-cache', lines: 3 });
    expect(op('last 20 lines of the api logs')).toEqual({ kind: 'logs', service: 'api', lines: 20 });
    expect(op('postgres logs')).toEqual({ kind: 'logs', service: 'postgres' });
    expect(op('logs for the api service')).toEqual({ kind: 'logs', service: 'api' });
    expect(op('what is web saying?')).toEqual({ kind: 'logs', service: 'web' });
    expect(op('show me the logs')).toEqual({ kind: 'logs' });
    expect(operationRequest('show me the logs', ['only'])).toEqual({ kind: 'logs', service: 'only' });
  });
  it('restore from a backup: the volume or service, and the backup when said', () => {
    expect(op('restore lw15db from the last backup')).toEqual({ kind: 'restore', name: 'lw15db' });
    expect(op('Restore postgres-data from backup 20261205T175737Z please')).toEqual({ kind: 'restore', name: 'postgres-data', backup: '20261205T175737Z' });
    expect(op("restore web's data from its backup")).toEqual({ kind: 'restore', name: 'web' });
    expect(op('restore the latest backup of the postgres')).toEqual({ kind: 'restore', name: 'postgres' });
    expect(op('restore backup 20261205T1757 of pg-data')).toEqual({ kind: 'restore', name: 'pg-data', backup: '20261205T1757' });
    expect(op("restore the db from last night's dump")).toEqual({ kind: 'restore', name: 'db' });
    for (const m of ['restore the firewall rules', 'restore postgres', 'back up postgres and restore it weekly', 'restore the default policy']) expect(op(m), m).toBeNull();
  });
  it('a request that only mentions these words stays a request', () => {
    for (const m of [
      'roll back postgres to 15',
      'undo the firewall rule for port 8080',
      'revert nginx to the old image',
      'keep the logs for a week',
      'send the logs of web to 10.0.0.5',
      'show me the logs of nginx', // no such service here: not an operation
      'set up log rotation',
      'what is running?',
      'scrub the history',
      'rewrite the history so nobody knows',
      'delete the logs of web',
      'undo the audit log',
      'the website is down',
    ]) expect(op(m), m).toBeNull();
  });
  it('the command each runs', () => {
    expect(operationArgv({ kind: 'rollback', rev: 'HEAD~1', undo: true }, { yes: true })).toEqual(['rollback', 'HEAD~1', '--yes']);
    expect(operationArgv({ kind: 'history', since: 'today' }, { stateDir: '/s' })).toEqual(['history', '--since', 'today', '--state-dir', '/s']);
    expect(operationArgv({ kind: 'history' })).toEqual(['history', '--limit', '10']);
    expect(operationArgv({ kind: 'logs', service: 'web', lines: 3 })).toEqual(['logs', 'web', '-n', '3']);
    expect(operationArgv({ kind: 'restore', name: 'pg-data', backup: '20261205T1757' }, { yes: true })).toEqual(['restore', 'pg-data', '20261205T1757', '--yes']);
  });
});

describe('history --since', () => {
  const now = new Date('2026-12-05T17:30:00');
  it('reads today, yesterday, spans and dates', () => {
    expect(sinceTime('today', now).getTime()).toBe(new Date('2026-12-05T00:00:00').getTime());
    expect(sinceTime('yesterday', now).getTime()).toBe(new Date('2026-12-04T00:00:00').getTime());
    expect(sinceTime('6h', now).getTime()).toBe(now.getTime() - 6 * 3600e3);
    expect(sinceTime('3d', now).getTime()).toBe(now.getTime() - 3 * 86400e3);
    expect(sinceTime('2026-12-01T09:00Z', now).toISOString()).toBe('2026-12-01T09:00:00.000Z');
    expect(sinceTime('2026-12-01', now).toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });
  it('says what it takes when it cannot read WHEN', () => {
    for (const w of ['soon', '6 parsecs', '12/01/2026', '']) expect(() => sinceTime(w, now), w).toThrow(/--since must be today, yesterday, a span such as 6h or 3d, or a date such as 2026-12-01, not '/);
  });
});
