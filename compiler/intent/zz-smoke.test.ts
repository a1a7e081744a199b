import { test } from 'vitest';
import { runOfflineEngine } from './offline/engine.js';
import { compileFiles } from '../compile.js';
import { renderDiagnostic } from '../diagnostics.js';
const catalog = { nginx: 'claude-os-local/web:latest', 'nginx:alpine': 'claude-os-local/web:latest', postgres: 'claude-os-local/postgres:latest', redis: 'claude-os-local/redis:latest' };
test('smoke', () => {
  let files: Record<string,string> = {};
  const history: any[] = [];
  for (const msg of [
    'I need a web application stack with nginx, PostgreSQL, and Redis',
    'set up automatic daily backups',
    'lock down the system, only allow SSH from 10.0.0.0/8',
    'also allow web traffic from anywhere',
    'scale web to 3 replicas',
    'stop all services',
    "add a service called 'broken' using image 'nonexistent:latest'",
    'add prometheus and grafana',
    'postgres with a connection limit of 100',
    'restart redis', 'limit redis to 512MB and half a cpu', 'set the hostname to web01', 'set timezone to new york',
    'add user alice with sudo and ssh key ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@laptop',
    'open port 8080 to 192.168.1.0/24',
  ]) {
    const p = runOfflineEngine({ message: msg, files, history, secretNames: [], imageCatalog: catalog, now: new Date('2026-01-01T00:00:00Z') });
    files = { ...files, ...p.files } as Record<string,string>;
    history.push({ role: 'user', text: msg });
    const r = compileFiles(files);
    console.log('=== ' + msg + ' files: ' + Object.keys(p.files).join(',') + ' Q: ' + (p.questions ?? []).join(' | ') + '\n' + r.diagnostics.map(renderDiagnostic).join('\n'));
  }
  console.log(files['network.yaml']);
});
