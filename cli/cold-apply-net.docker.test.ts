/**
 * A cold `claude apply` (its cold-start bundle, dist/bundle/cold/apply.cjs) talks to the Docker
 * Engine over node:net and has not loaded node:http when it serves, nor when a second apply
 * that removes the container finalizes (session 35, docs/runtime.md "The cold CLI's apply"):
 * the create and start with their JSON bodies, the stop and remove (runtime/drivers/engine-get.ts
 * `callOnce`), and the health command's GET from the host (runtime/health.ts `httpAnswer`).
 * The real bin/claude on the real dockerd: a web container with a published port and an HTTP
 * health command is applied, serves, and is then removed by a second apply. The container and
 * the temp dir carry this run's tag and are removed.
 */
import { afterAll, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLAUDE_BIN, tempHost, writeServices } from '../runtime/testutil/cli-host.js';
import { removeDockerByName } from '../runtime/testutil/docker-cleanup.js';
import { freePort } from '../runtime/testutil/ports.js';

const tag = `capn${randomBytes(3).toString('hex')}`;
const host = tempHost('cold-apply-net', tag);
afterAll(() => {
  removeDockerByName(tag);
  host.remove();
}, 60_000);

it('a cold apply creates, starts, health-checks and removes over node:net, with no node:http loaded on the way', async () => {
  const port = await freePort();
  writeServices(
    host,
    `    - name: ${tag}-web
      image: claude-os-local/web:latest
      ports:
        - host: ${port}
          container: 80
          host_ip: 127.0.0.1
      healthcheck:
        test: "wget -q -O- http://127.0.0.1/ >/dev/null"
`,
  );
  const preload = join(host.base, 'preload.cjs');
  // whether Node's http module is loaded when the trace marks serving, and when the finalize begins (the marks go to fd 2 with fs.writeSync)
  writeFileSync(
    preload,
    "const fs = require('node:fs'); const w = fs.writeSync; const said = (l) => w(2, '\\n' + l + ' HTTP ' + process.moduleLoadList.includes('NativeModule http') + '\\n');\n" +
      "fs.writeSync = function (fd, s) { const r = w.apply(this, arguments); const t = fd === 2 ? String(s) : ''; if (/ http 200/.test(t)) said('SERVING'); if (/finalize: old containers/.test(t)) said('FINALIZING'); return r; };\n" +
      "process.on('exit', () => w(2, '\\nNET ' + process.moduleLoadList.includes('NativeModule net') + '\\n'));\n",
  );
  // node on bin/claude as its sh part runs it (CLAUDE_DAEMON=0: no daemon's worker)
  const apply = () => spawnSync(process.execPath, ['-r', preload, CLAUDE_BIN, 'apply', '--yes'], { env: { ...host.env, CLAUDE_DAEMON: '0', NODE_DEBUG: 'module', CLAUDE_TRACE: '1', NO_COLOR: '1' }, cwd: host.base, encoding: 'utf8', timeout: 180_000, maxBuffer: 256 << 20 });
  const r = apply();
  expect(r.status, r.stdout + r.stderr.slice(-3000)).toBe(0);
  expect(r.stderr).toContain(join('dist', 'bundle', 'cold', 'apply.cjs'));
  expect(r.stdout).toMatch(new RegExp(`✓ Started ${tag}-web .*\\(healthy\\)`));
  // no node:http when it serves (the state commit after it may load isomorphic-git's helpers)
  expect(r.stderr, String(r.stderr.match(/\n(SERVING|FINALIZING) HTTP \w+/g))).toContain('\nSERVING HTTP false\n');
  expect(r.stderr).toContain('\nNET true\n');
  // it serves, and Docker has what the create's body said
  const res = await fetch(`http://127.0.0.1:${port}/`);
  expect(res.status).toBe(200);
  const inspect = JSON.parse(spawnSync('docker', ['inspect', `${tag}-web`], { encoding: 'utf8' }).stdout) as { State: { Running: boolean }; HostConfig: { PortBindings: Record<string, { HostIp: string; HostPort: string }[]> } }[];
  expect(inspect[0]?.State.Running).toBe(true);
  expect(inspect[0]?.HostConfig.PortBindings['80/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: String(port) }]);
  // and the stop and remove of the next apply go the same way
  writeFileSync(join(host.stateDir, 'services.yaml'), 'apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata:\n  name: test\nspec:\n  services: []\n');
  const gone = apply();
  expect(gone.status, gone.stdout + gone.stderr.slice(-3000)).toBe(0);
  expect(gone.stderr).toContain('\nFINALIZING HTTP false\n');
  expect(spawnSync('docker', ['ps', '-aq', '--filter', `name=^/${tag}-web$`], { encoding: 'utf8' }).stdout.trim()).toBe('');
}, 400_000);
