/** The closing lines of an apply: "Reachable:" uses the host's primary address (runtime/observe/host.ts). */
import { describe, expect, it } from 'vitest';
import { reachableLines } from './apply.js';

describe('Reachable lines', () => {
  it('the Reachable lines use it for a port published on every address, and the bound address otherwise', () => {
    expect(reachableLines([{ service: 'nginx', container: 'nginx', port: 80, protocol: 'tcp', hostIp: null }, { service: 'postgres', container: 'postgres', port: 5432, protocol: 'tcp', hostIp: '127.0.0.1' }], '192.168.1.20')).toEqual(['nginx: http://192.168.1.20', 'postgres: 127.0.0.1:5432']);
  });
});
