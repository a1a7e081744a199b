/**
 * imageUsers (agent/images.ts): who needs each image of a plan, named in the warning about an
 * image this host cannot get. One pass for all the images; the names in step order, each once.
 */
import { describe, expect, it } from 'vitest';
import { containerSpec, makePlan, S } from '../runtime/testutil/plans.js';
import type { PlanStep } from '../plan/types.js';
import { imageUsers } from './images.js';

describe('imageUsers', () => {
  it('names the services and jobs of each image in step order, each once', () => {
    const web1 = containerSpec({ name: 'web-1', service: 'web', image: 'app:1' });
    const web2 = containerSpec({ name: 'web-2', service: 'web', image: 'app:1' });
    const api = containerSpec({ name: 'api', service: 'api', image: 'app:1' });
    const db = containerSpec({ name: 'db', service: 'db', image: 'postgres:16' });
    const replaced = containerSpec({ name: 'cache', service: 'cache', image: 'redis:7' });
    const replace: PlanStep = { ...S.create(replaced), id: 'container.replace:cache', op: 'container.replace', params: { spec: replaced } } as unknown as PlanStep;
    const jobs: PlanStep = {
      id: 'schedule.apply',
      op: 'schedule.apply',
      target: 'schedule/jobs',
      params: { jobs: [{ name: 'backup', image: 'postgres:16' }, { name: 'report', image: 'app:1' }] },
      dependsOn: [],
      risk: 'safe',
      phase: 6,
      inverse: null,
      description: 'Apply the schedule',
    } as unknown as PlanStep;
    const plan = makePlan([S.create(api), S.start(api), S.create(web1), S.create(db), jobs, S.create(web2), replace], { hostId: 'h', base: {} });
    const users = imageUsers(plan);
    expect(Object.fromEntries(users)).toEqual({
      'app:1': ['service api', 'service web', 'job report'],
      'postgres:16': ['service db', 'job backup'],
      'redis:7': ['service cache'],
    });
    expect(users.get('nginx:1')).toBeUndefined();
  });
});
