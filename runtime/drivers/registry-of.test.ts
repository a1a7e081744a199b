import { expect, it } from 'vitest';
import { registryOf } from './docker.js';

it('names the registry of an image reference as Docker resolves it', () => {
  expect(registryOf('grafana/grafana:latest')).toBe('docker.io');
  expect(registryOf('nginx')).toBe('docker.io');
  expect(registryOf('ghcr.io/owner/app:1')).toBe('ghcr.io');
  expect(registryOf('localhost/app')).toBe('localhost');
  expect(registryOf('registry.local:5000/app@sha256:' + '0'.repeat(64))).toBe('registry.local:5000');
});
