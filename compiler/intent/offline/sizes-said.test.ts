import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { ConversationTurn, StateFiles } from '../provider.js';
import { sizeToBytes } from './nlu.js';

// Round 22, my own wording (issue 22, held-out 15's class "sizes and limits said every way"):
// a memory size in any unit people type ("768 MiB", "1.5 gigs", "half a gig", "512 megabytes"),
// a cpu share ("250 millicores", "a quarter of a cpu", "2 vcpus"), said after any verb that
// sets a limit ("cap X at …", "X should run with …", "let X use …"); and an environment value
// said in words ("TZ set to Europe/Paris in its environment", "set LOG_LEVEL to debug on the worker").
const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles = {}, history: ConversationTurn[] = []) => runOfflineEngine({ message, files, history, secretNames: [], imageCatalog: {}, now: NOW });
const after = (...requests: string[]): StateFiles => requests.reduce<StateFiles>((files, r) => ({ ...files, ...say(r, files).files }), {});
interface Svc { name: string; resources?: { memory?: string; cpu?: string }; environment?: Record<string, string> }
const svcs = (files: StateFiles): Svc[] => (parse(files['services.yaml'] ?? 'spec: {services: []}') as { spec: { services: Svc[] } }).spec.services;
const svc = (files: StateFiles, name: string) => svcs(files).find((s) => s.name === name);
const MI = 1024 ** 2;

describe('a memory size said every way', () => {
  const base = after('add grafana', 'add prometheus', 'run ghcr.io/acme/worker:1.4 as worker, no ports');
  it.each([
    ['grafana should run with 768 MiB', 'grafana', 768 * MI],
    ['cap prometheus at 1.5 gigs', 'prometheus', 1536 * MI],
    ['give the worker half a gig', 'worker', 512 * MI],
    ['worker: 512 megabytes of ram please', 'worker', 512 * MI],
    ['Grafana Should Have 2 GiB', 'grafana', 2048 * MI],
    ['let prometheus use up to one gig of memory', 'prometheus', 1024 * MI],
    ['prometheus needs three gigabytes', 'prometheus', 3072 * MI],
    ['cap grafanas memory at 768mib', 'grafana', 768 * MI],
    ['grafana ought to run with 640 mebibytes', 'grafana', 640 * MI],
    ['please could you make sure the worker runs with 1.5 GB, thanks', 'worker', 1536 * MI],
    ["raise grafana's memory to 1,5 GB", 'grafana', 1536 * MI],
  ])('%s', (message, name, bytes) => {
    const r = say(message, base);
    expect(r.refused, r.explanation).toBeUndefined();
    const files = { ...base, ...r.files };
    expect(sizeToBytes(svc(files, name)?.resources?.memory ?? '0'), r.explanation).toBe(bytes);
    for (const other of ['grafana', 'prometheus', 'worker'].filter((x) => x !== name)) expect(svc(files, other)).toEqual(svc(base, other));
  });
});

describe('a cpu share said every way', () => {
  const base = after('add grafana', 'add prometheus', 'run ghcr.io/acme/worker:1.4 as worker, no ports');
  it.each([
    ['cap prometheus at 250 millicores', 'prometheus', '250m'],
    ['give grafana a quarter of a cpu', 'grafana', '0.25'],
    ['prometheus should run with 2 vcpus', 'prometheus', '2'],
    ['limit the worker to 500m cpu', 'worker', '500m'],
    ['grafana: one and a half cores', 'grafana', '1.5'],
    ['250 millicores for grafana', 'grafana', '250m'],
    ['give prometheus 1.5 vCPU', 'prometheus', '1.5'],
    ['the worker can use two cores', 'worker', '2'],
    ['cap the worker at 300 millicpu', 'worker', '300m'],
    ['grafana should get a quarter of one core', 'grafana', '0.25'],
    ['give grafana one full core', 'grafana', '1'],
    ['prometheus can have 50% of a core', 'prometheus', '0.5'],
    ['worker: cpus 1.5, memory 2048M', 'worker', '1.5'],
  ])('%s', (message, name, cpu) => {
    const r = say(message, base);
    expect(r.refused, r.explanation).toBeUndefined();
    const files = { ...base, ...r.files };
    expect(svc(files, name)?.resources?.cpu, r.explanation).toBe(cpu);
    for (const other of ['grafana', 'prometheus', 'worker'].filter((x) => x !== name)) expect(svc(files, other)).toEqual(svc(base, other));
  });

  // From the review of round 22: millicores written the Kubernetes way were read as 500Mi of memory.
  it.each([
    ["set the worker's cpu limit to 500m", 'worker', '500m'],
    ['worker cpu: 250m', 'worker', '250m'],
    ['grafana cpu limit 750m', 'grafana', '750m'],
  ])('%s is a cpu share, and the memory is left as it was', (message, name, cpu) => {
    const r = say(message, base);
    const files = { ...base, ...r.files };
    expect(svc(files, name)?.resources?.cpu, r.explanation).toBe(cpu);
    expect(svc(files, name)?.resources?.memory).toBe(svc(base, name)?.resources?.memory);
  });
});

describe('an environment value said in words', () => {
  const base = after('run ghcr.io/acme/api:1.4.0 as api on port 8080', 'run ghcr.io/acme/worker:1.4 as worker, no ports');
  it.each([
    ['the api needs TZ set to Europe/Paris in its environment', 'api', 'TZ', 'Europe/Paris'],
    ['set LOG_LEVEL to debug on the worker', 'worker', 'LOG_LEVEL', 'debug'],
    ['env FOO=bar for api', 'api', 'FOO', 'bar'],
    ['the worker should have QUEUE set to jobs in its env', 'worker', 'QUEUE', 'jobs'],
    ['on the api, set the env var MAX_CONN to 50', 'api', 'MAX_CONN', '50'],
    ['worker needs the environment variable REGION set to eu-west-1', 'worker', 'REGION', 'eu-west-1'],
    ['put DEBUG=1 in the api environment', 'api', 'DEBUG', '1'],
    ['api: NODE_ENV should be set to production', 'api', 'NODE_ENV', 'production'],
    ['please set the LANG variable of the worker to en_US.UTF-8', 'worker', 'LANG', 'en_US.UTF-8'],
    ['add env var MODE with value fast to the api', 'api', 'MODE', 'fast'],
    ['TZ=Europe/Paris for the worker', 'worker', 'TZ', 'Europe/Paris'],
    ["the api's LOG_LEVEL should be debug", 'api', 'LOG_LEVEL', 'debug'],
  ])('%s', (message, name, key, value) => {
    const r = say(message, base);
    expect(r.refused, r.explanation).toBeUndefined();
    const files = { ...base, ...r.files };
    expect(svc(files, name)?.environment?.[key], r.explanation).toBe(value);
    for (const other of ['api', 'worker'].filter((x) => x !== name)) expect(svc(files, other)).toEqual(svc(base, other));
  });
});
