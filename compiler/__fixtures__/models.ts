/**
 * Test helpers: ResolvedModel and ObservedState values built directly (the planner's inputs),
 * so planner tests do not depend on parse/check/resolve.
 */
import type { ResolvedModel, ResolvedService } from '../model.js';
import type { ObservedState } from '../../plan/types.js';

export function model(over: Partial<ResolvedModel> = {}): ResolvedModel {
  return {
    files: {},
    safety: { requireApproval: true, autoApproveCategories: [], restrictedFiles: ['security.yaml'], rollbackOnHealthFailure: true, confirmTimeoutMs: 60_000 },
    reconcile: { intervalMs: 60_000, debounceMs: 500, drift: 'self_heal', ignore: [], backoff: { firstMs: 60_000, maxMs: 3_600_000 } },
    notifications: { minSeverity: 'info' },
    images: { aliases: {}, pull: false },
    api: { enabled: false, port: 7440 },
    networks: [],
    services: [],
    volumes: [],
    mounts: [],
    firewall: null,
    interfaces: [],
    users: [],
    secrets: [],
    certificates: [],
    jobs: [],
    ...over,
  };
}

export function service(name: string, over: Partial<ResolvedService> = {}): ResolvedService {
  return {
    name,
    image: `${name}:1`,
    resolvedImage: `claude-test/${name}:1`,
    replicas: 1,
    state: 'running',
    enabled: true,
    ports: [],
    mounts: [],
    environment: {},
    secretRefs: [],
    resources: {},
    healthcheck: null,
    restart: 'unless-stopped',
    networks: [],
    dependsOn: [],
    labels: {},
    ...over,
  };
}

export function emptyObserved(over: Partial<ObservedState> = {}): ObservedState {
  return {
    hostId: 'host-test',
    stateCommit: null,
    networks: [],
    volumes: [],
    images: [],
    containers: [],
    firewall: { present: false, hash: null },
    hostFilesHash: null,
    scheduleHash: null,
    ...over,
  };
}

/** The spec's web stack (nginx → postgres, redis), resolved by hand. */
export function webStack(): ResolvedModel {
  return model({
    files: { 'services.yaml': 'apiVersion: claude.os/v1\nkind: ServiceManifest\n# (abridged)\n', 'storage.yaml': 'apiVersion: claude.os/v1\nkind: StorageConfig\n# (abridged)\n' },
    networks: [{ name: 'webstack', driver: 'bridge', internal: false }],
    volumes: [
      { name: 'postgres', path: '/data/postgres' },
      { name: 'redis', path: '/data/redis' },
      { name: 'www', path: '/data/www' },
    ],
    services: [
      service('nginx', {
        image: 'nginx:1.25',
        resolvedImage: 'claude-test/web:1',
        ports: [
          { host: 80, container: 80, protocol: 'tcp' },
          { host: 443, container: 443, protocol: 'tcp' },
        ],
        mounts: [{ source: '/data/www', target: '/usr/share/nginx/html', readonly: true, volume: 'www' }],
        environment: { NGINX_WORKER_PROCESSES: 'auto' },
        healthcheck: { test: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'], intervalMs: 30_000, timeoutMs: 10_000, retries: 3, startPeriodMs: 10_000 },
        restart: 'always',
        networks: ['webstack'],
        dependsOn: ['postgres', 'redis'],
      }),
      service('postgres', {
        image: 'postgres:16-alpine',
        resolvedImage: 'claude-test/postgres:1',
        ports: [{ host: 5432, container: 5432, protocol: 'tcp' }],
        mounts: [{ source: '/data/postgres', target: '/var/lib/postgresql/data', readonly: false, volume: 'postgres' }],
        environment: { POSTGRES_DB: 'app', POSTGRES_PASSWORD: '${secrets.postgres_password}', POSTGRES_USER: 'app' },
        secretRefs: ['postgres_password'],
        healthcheck: { test: ['CMD-SHELL', 'pg_isready -U app'], intervalMs: 30_000, timeoutMs: 10_000, retries: 3, startPeriodMs: 0 },
        restart: 'always',
        networks: ['webstack'],
      }),
      service('redis', {
        image: 'redis:7-alpine',
        resolvedImage: 'claude-test/redis:1',
        ports: [{ host: 6379, container: 6379, protocol: 'tcp' }],
        mounts: [{ source: '/data/redis', target: '/data', readonly: false, volume: 'redis' }],
        command: ['redis-server', '--appendonly', 'yes'],
        restart: 'always',
        networks: ['webstack'],
      }),
    ],
    secrets: [{ name: 'postgres_password', value: 'encrypted:v1:AAAA' }],
  });
}
