/**
 * Test helper: the web + postgres + redis stack the runtime's integration suites apply (the
 * shared apply suite on both backends, runtime/testutil/apply-suite.ts, and the containerd
 * driver's own test), as container specs, and a redis PING through a published port.
 * Each service is on the run's network under its service name (`postgres`, `redis`, `web`),
 * publishes its port on 127.0.0.1 (free ports, testutil/ports.ts) and has the health check
 * the suites wait for. A suite adds what it needs per service with `pg`, `redis`, `web`.
 * `redisPing` and `tcpAccepts` check a published port from the host.
 */
import { connect } from 'node:net';
import type { ContainerSpec } from '../../plan/types.js';
import { containerSpec, health } from './plans.js';

export interface StackPorts {
  web: number;
  pg: number;
  redis: number;
}

export interface StackSpecs {
  pg: ContainerSpec;
  redis: ContainerSpec;
  web: ContainerSpec;
}

type Extra = Partial<Omit<ContainerSpec, 'name' | 'image' | 'configHash'>>;

/** The three specs, named by `n` (the run's suffix), on `network`, publishing `ports` on 127.0.0.1. */
export function stackSpecs(n: (x: string) => string, network: string, ports: Partial<StackPorts>, extra: { pg?: Extra; redis?: Extra; web?: Extra } = {}): StackSpecs {
  const publish = (host: number | undefined, container: number) => (host === undefined ? [] : [{ host, container, protocol: 'tcp' as const, hostIp: '127.0.0.1' }]);
  return {
    pg: containerSpec({
      name: n('postgres'),
      service: 'postgres',
      image: 'claude-os-local/postgres:latest',
      env: { POSTGRES_USER: 'app', POSTGRES_DB: 'app', POSTGRES_HOST_AUTH_METHOD: 'trust' },
      ports: publish(ports.pg, 5432),
      networks: [{ name: network, aliases: ['postgres'] }],
      healthcheck: health('pg_isready -U app -h 127.0.0.1'),
      ...extra.pg,
    }),
    redis: containerSpec({
      name: n('redis'),
      service: 'redis',
      image: 'claude-os-local/redis:latest',
      ports: publish(ports.redis, 6379),
      networks: [{ name: network, aliases: ['redis'] }],
      healthcheck: health('redis-cli ping | grep -q PONG'),
      command: ['redis-server', '--protected-mode', 'no', '--save', ''],
      ...extra.redis,
    }),
    web: containerSpec({
      name: n('web'),
      service: 'nginx',
      image: 'claude-os-local/web:latest',
      ports: publish(ports.web, 80),
      networks: [{ name: network, aliases: ['web'] }],
      healthcheck: health('wget -q -O- http://127.0.0.1/ >/dev/null'),
      ...extra.web,
    }),
  };
}

/** Redis's answer to PING on 127.0.0.1:`port` (a published port). */
export function redisPing(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => s.write('PING\r\n'));
    s.setTimeout(3000, () => reject(new Error('redis timeout')));
    s.once('data', (b) => {
      s.destroy();
      resolve(b.toString().trim());
    });
    s.once('error', reject);
  });
}

/** Whether something accepts a TCP connection on 127.0.0.1:`port` within 3 s (a published port answering). */
export function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.setTimeout(3000, () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(false));
  });
}
