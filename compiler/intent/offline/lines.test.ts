import { describe, expect, it } from 'vitest';
import { runOfflineEngine } from './engine.js';
import { foldAddedServiceLines } from './lines.js';

const NOW = new Date('2026-05-01T10:00:00Z');
const said = (message: string) =>
  runOfflineEngine({ message, files: {}, history: [], secretNames: [], imageCatalog: {}, now: NOW })
    .explanation.split('\n')
    .filter((l) => /^ {2}[+~] /.test(l))
    .map((l) => l.trim());

// A service this request adds is said once: a later clause's port, image, memory or CPU
// change is part of its + line (it was a second ~ line under a + line that said the old port).
describe('a new service is said once, as the request leaves it', () => {
  it.each([
    ['set up a web server with nginx on port 8080', ['+ nginx: nginx:alpine → port 8080 (container 80)']],
    ['deploy registry.local:5000/team/api:1.2 and call it api. host port 9000 -> container 3000', ['+ api: registry.local:5000/team/api:1.2 → port 9000 (container 3000)']],
    ['Add Redis with a 512 MB memory limit and half a CPU', ['+ redis: redis:7-alpine → port 127.0.0.1:6379, volume redis-data (/data/redis), memory limit 512Mi, CPU limit 0.5 cores']],
    ['add redis but keep it off the host', ['+ redis: redis:7-alpine, volume redis-data (/data/redis), no host port (reachable by name from the services on its network only)']],
    ['update nginx to 1.27.3', ['+ nginx: nginx:1.27.3-alpine → port 80']],
    ['bump nginx to 2 replicas', ['+ nginx: nginx:alpine, 2 replicas, no host port (2 containers cannot share a host port)']],
  ])('%s', (message, lines) => {
    expect(said(message)).toEqual(lines);
  });

  it('a service that was there keeps its ~ line', () => {
    const lines = foldAddedServiceLines(['+ web: nginx:alpine → port 80', '~ db: memory limit 1Gi (was 512Mi)'], ['web'], () => ({ name: 'web', image: 'nginx:alpine', ports: [{ host: 80, container: 80 }] }) as never);
    expect(lines).toEqual(['+ web: nginx:alpine → port 80', '~ db: memory limit 1Gi (was 512Mi)']);
  });
});
