import { describe, expect, it } from 'vitest';
import { after, say, svc } from '../../../test/offline-engine.js';

// Review 20 HIGH-2: compose's "127.0.0.1:8081:8080" lost its address, so a port the request bound
// to this machine only was published on every address of the host (the plan said just "→ port
// 8081"). The address is now carried to the port's host_ip, inline and in a pasted fragment.
describe('a port bound to an address in compose-speak keeps its address', () => {
  const PASTED = 'services:\n  adminer:\n    image: adminer:4\n    ports:\n      - "127.0.0.1:8081:8080"';

  it.each([
    ['inline', 'add adminer (image adminer:4, ports 127.0.0.1:8081:8080)', 'adminer', 8081, 8080],
    ['a pasted fragment', PASTED, 'adminer', 8081, 8080],
    ['inline, a service of the catalogue', 'add a service metrics (image prom/prometheus:v2.50.0, ports 127.0.0.1:9090:9090)', 'metrics', 9090, 9090],
    ['said as Docker says it', 'run adminer:4 as adminer on 127.0.0.1:8081:8080', 'adminer', 8081, 8080],
  ])('%s', (_how, request, name, host, container) => {
    const p = say(request);
    expect(svc(p.files, name)?.ports, p.explanation).toEqual([{ host, container, host_ip: '127.0.0.1' }]);
    expect(p.explanation).toContain(`127.0.0.1:${host}`);
  });

  it('a port with no address, or 0.0.0.0, is published on every address as before', () => {
    expect(svc(say('add adminer (image adminer:4, ports 8081:8080)').files, 'adminer')?.ports).toEqual([{ host: 8081, container: 8080 }]);
    expect(svc(say('add adminer (image adminer:4, ports 0.0.0.0:8081:8080)').files, 'adminer')?.ports).toEqual([{ host: 8081, container: 8080 }]);
  });

  it('an address that is no address is not read as one', () => {
    const files = after('run adminer:4 as adminer on port 8081');
    expect(svc({ ...files, ...say('add adminer2 (image adminer:4, ports 999.0.0.1:8082:8080)', files).files }, 'adminer2')?.ports?.some((p) => p.host_ip !== undefined) ?? false).toBe(false);
  });
});
