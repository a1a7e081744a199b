import { describe, expect, it } from 'vitest';
import { caseFailures } from '../../../fixtures/intent-eval/run.js';
import { passes } from '../../../test/offline-engine.js';

// Round 28: "a publish verb: expose / publish / make reachable / put on the internet / make
// public / let people reach X on N" is a host port for X (h21-186). The paradigm, from English,
// written before it was run (docs/intent.md "After round 28").
const API = ['run ghcr.io/acme/api:2.1 as api'];
export const PUBLISH: [string, number][] = [
  ['expose the api to the internet on port 443', 443],
  ['publish the api on 8443', 8443],
  ['make the api reachable on port 9000', 9000],
  ['put the api on the internet at port 8081', 8081],
  ['make the api public on 8080', 8080],
  ['make the api accessible on port 8080', 8080],
  ['expose api on 8080', 8080],
  ['api needs to be exposed on 8080', 8080],
  ['publish api port 8080', 8080],
  ['expose the api publicly on port 8443', 8443],
  ['map the api to host port 8080', 8080],
  ['give the api a public port 8080', 8080],
  ['bind the api to port 8080 on the host', 8080],
  ['xpose the api on 8080', 8080],
  ['i want the api exposed to the outside world on 8443', 8443],
];
/**
 * Still read as a firewall rule (allow the port from anywhere), the service left unpublished:
 * "reach", "the world", "from outside" and "open … up" are the firewall's words too (INTENT3's
 * area). Each asserts it still fails, so a fix that makes it pass has to say so.
 */
export const PUBLISH_GAPS: [string, number][] = [
  ['open the api up to the world on 7000', 7000],
  ['let people reach the api on 8080', 8080],
  ['the api should be reachable from outside on 8080', 8080],
  ['make api available to the world on 8080', 8080],
  ['can you expose api at :8080', 8080],
];

describe('a publish verb is a host port', () => {
  for (const [request, port] of PUBLISH) it(request, () => passes(request, [{ service: 'api', host_port: port }], API));
  for (const [request, port] of PUBLISH_GAPS) it(`${request} (still fails)`, () => expect(caseFailures(request, [{ service: 'api', host_port: port }], API)).not.toEqual([]));
});
