// "remove the memory limit on redis" removed redis (found by HARM in round 26): a limit said
// after a removal verb is the limit, and the service stays.
import { describe, expect, it } from 'vitest';
import { after, say, svc } from '../../../test/offline-engine.js';

const base = after('set up redis with 256mb of memory and 1 cpu', 'add nginx on port 8080');
const redisAfter = (message: string) => {
  const r = say(message, base);
  return svc({ ...base, ...r.files }, 'redis') as { resources?: { memory?: string; cpu?: unknown } } | undefined;
};

describe('a limit removed, the service kept', () => {
  it.each([
    ['remove the memory limit on redis', { cpu: '1' }],
    ["remove redis's memory limit", { cpu: '1' }],
    ['take off the memory cap on redis', { cpu: '1' }],
    ['lift the RAM limit from redis please', { cpu: '1' }],
    ['redis should have no memory limit', { cpu: '1' }],
    ['unlimited memory for redis', { cpu: '1' }],
    ['drop the cpu limit from redis', { memory: '256Mi' }],
    ['get rid of the core limit on redis', { memory: '256Mi' }],
    ['remove the memory and cpu limits on redis', undefined],
    ["drop redis's cpu and memory caps", undefined],
  ])('%s', (message, resources) => {
    const redis = redisAfter(message);
    expect(redis).toBeDefined();
    expect(redis!.resources).toEqual(resources);
  });
  it.each([
    ['drop the redis memory limit to 128 MiB', '128Mi'],
    ['lower the memory cap on redis to 100mb', '100Mi'],
  ])('a new value is a change, not a removal: %s', (message, memory) => {
    expect(redisAfter(message)?.resources?.memory).toBe(memory);
  });
  it('"remove redis" still removes it', () => {
    expect(redisAfter('remove redis')).toBeUndefined();
  });
  it('a limit that is not there is said as already so', () => {
    const once = say('remove the memory limit on redis', base);
    const files = { ...base, ...once.files };
    const again = say('remove the memory limit on redis', files);
    expect(again.explanation).toMatch(/Already so[^\n]*\n\s+redis: no memory limit/);
  });
});
