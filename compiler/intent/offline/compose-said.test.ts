import { describe, expect, it } from 'vitest';
import { after, passes, say, svc } from '../../../test/offline-engine.js';

// Round 26 (intent3), in my own words: compose's vocabulary, inline and pasted, read by one reader (compose.ts).
describe('compose-speak', () => {
  const worker = ['run ghcr.io/acme/worker:2.3.1 as worker'];
  const apiDb = ['run ghcr.io/acme/api:2.3.1 as api on port 3000', 'run postgres:16 as db', 'add redis'];

  it('replicas said as compose says them', () => {
    for (const r of ['deploy.replicas: 3 for the worker', 'worker deploy.replicas=3', 'replicas: 3 on worker', 'set deploy.replicas: 3 for worker please', 'DEPLOY.REPLICAS: 3 for worker']) passes(r, [{ service: 'worker', replicas: 3 }], worker);
  });

  it('a command as an argv array stays an array', () => {
    for (const r of ['command: ["python", "-m", "app.worker"] for worker', 'worker command: ["python","-m","app.worker"]', "set the worker's command to ['python', '-m', 'app.worker']", 'Command: ["python", "-m", "app.worker"] for the worker service'])
      passes(r, [{ service: 'worker', command: ['python', '-m', 'app.worker'] }], worker);
  });

  it('mem_limit and depends_on', () => {
    passes('mem_limit: 768m for worker', [{ service: 'worker', memory: '768Mi' }], worker);
    for (const r of ['api should depends_on redis too', 'api depends_on: redis', 'make api depends-on redis', 'api: depends_on redis']) passes(r, [{ service: 'api', depends_on: 'redis' }, { unchanged: 'db' }], apiDb);
  });

  it('HOST:CONTAINER after an image keeps the tag and publishes the host port', () => {
    passes('nginx:1.25-alpine with 8080:80', [{ service: 'nginx', image: 'nginx:1.25-alpine', host_port: 8080 }]);
    passes('caddy:2.8 on 8443:443', [{ service: 'caddy', image: 'caddy:2.8', host_port: 8443 }]);
    passes('ghcr.io/acme/web:1.0 8081:8080, call it web', [{ service: 'web', image: 'ghcr.io/acme/web:1.0', host_port: 8081 }]);
    // A time of day is no port.
    expect(say('back up postgres daily at 23:30', after('set up postgres')).files['storage.yaml']).toMatch(/30 23 \* \* \*/);
  });

  it('a network called X', () => {
    for (const r of ['networks: put api and db on a network called backend', 'put api and db on a network named backend', 'attach api and db to a network called backend']) passes(r, [{ service: 'api', network: 'backend' }, { service: 'db', network: 'backend' }], apiDb);
  });

  it('services listed with their settings in parentheses', () => {
    passes('services: api (image ghcr.io/acme/api:2.3.1, ports 3000:3000, depends_on db) and db (postgres:16)', [
      { service: 'api', image: 'ghcr.io/acme/api:2.3.1', host_port: 3000, depends_on: 'db' },
      { service: 'db', image: 'postgres:16' },
    ]);
    // A port in parentheses is no service listed ("its site (port 8090) …").
    passes('the agency wants its site (port 8090) open only to the office, 198.51.100.7/32', [{ rule_for: 8090, source: '198.51.100.7/32', action: 'accept' }]);
    // One image in parentheses is the grammar's own form, an address in parentheses no service.
    passes('shop (ghcr.io/acme/shop:4) on 8085 talking to redis', [{ service: 'shop', host_port: 8085, depends_on: 'redis' }]);
    passes('let the lab (10.20.0.0/16) reach port 9443', [{ rule_for: 9443, source: '10.20.0.0/16', action: 'accept' }]);
    passes('web (ghcr.io/acme/web:4, 8080:80, replicas 2), cache (redis:7-alpine)', [{ service: 'web', replicas: 2, image: 'ghcr.io/acme/web:4' }, { service: 'cache', image: 'redis:7-alpine' }]);
  });

  it('a pasted docker-compose fragment', () => {
    const yml = `here is my compose file:
services:
  app:
    image: ghcr.io/acme/app:1.4
    ports:
      - "8000:8000"
    environment:
      - LOG_LEVEL=info
    depends_on:
      - cache
  cache:
    image: redis:7-alpine
`;
    passes('services:\n  worker:\n    image: ghcr.io/acme/worker:3\n    deploy:\n      replicas: 3\n    mem_limit: 512m\n', [{ service: 'worker', replicas: 3, image: 'ghcr.io/acme/worker:3', memory: '512Mi' }]);
    passes(yml, [{ service: 'app', image: 'ghcr.io/acme/app:1.4', host_port: 8000, depends_on: 'cache', env: { LOG_LEVEL: 'info' } }, { service: 'cache', image: 'redis:7-alpine' }]);
  });

  it('a pasted fragment with a key the reader does not know is read as typed (and the dangerous one refused)', () => {
    const bad = `services:\n  debug:\n    image: alpine\n    privileged: true\n    pid: host\n`;
    expect(say(bad).refused).toBeDefined();
    expect(say('services: debug (alpine, privileged: true)').refused).toBeDefined();
  });
});
