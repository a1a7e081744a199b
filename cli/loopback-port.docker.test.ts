/**
 * A port published on loopback only (host_ip 127.0.0.1) is shown with its address and "(this
 * machine only)" by `claude status` and by "what is running?" in the REPL; one published on
 * every address stays a plain number. Before, both showed the bare number, as if the port were
 * open to the network. The observed summary carries the address (`ports: [8080,
 * "127.0.0.1:5433"]`, common/host-port.ts). The real bin/claude in a real terminal (tmux) on
 * the real dockerd. The container, the tmux server and the temp dir carry this run's tag and
 * are removed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { tempHost, tmuxTerminal, writeServices, type TempHost } from '../runtime/testutil/cli-host.js';
import { removeAfterAll } from '../runtime/testutil/cli-cleanup.js';
import { freePort } from '../runtime/testutil/ports.js';

const tag = `lbpt${randomBytes(3).toString('hex')}`;
const name = `${tag}-web`;
const term = tmuxTerminal(`claude-lbpt-${tag}`);
let host: TempHost;
let local: number;
let open: number;

beforeAll(async () => {
  host = tempHost('loopback-port', tag);
  local = await freePort();
  open = await freePort();
  writeServices(
    host,
    `    - name: ${name}
      image: claude-os-local/web:latest
      ports:
        - host: ${local}
          container: 80
          host_ip: 127.0.0.1
        - host: ${open}
          container: 80
`,
  );
  const applied = host.claude('apply', '--yes');
  if (applied.status !== 0) throw new Error(applied.stdout + applied.stderr);
}, 300_000);

removeAfterAll(term, tag, () => host);

describe('a port published on loopback only says so', () => {
  it('claude status and "what is running?" show 127.0.0.1:PORT (this machine only); a port on every address is a plain number', async () => {
    term.runClaude(['status'], { env: host.env, cwd: host.base, width: 200, height: 60 });
    let s = await term.exited('0');
    const row = s.split('\n').find((l) => l.trimStart().startsWith(name)) ?? s;
    expect(row).toContain(`127.0.0.1:${local} (this machine only)`);
    expect(row).toMatch(new RegExp(`(^|[ ,])${open}($|[ ,])`));
    expect(row).not.toMatch(new RegExp(`(^|[ ,])${local}($|[ ,])`));

    term.runClaude([], { env: host.env, cwd: host.base, width: 200, height: 60 });
    await term.waitFor('claude>', (x) => x.trimEnd().endsWith('claude>'), 120_000);
    term.type('what is running?');
    s = await term.waitFor('the answer', (x) => x.includes('1 service defined') && x.trimEnd().endsWith('claude>'), 120_000);
    const line = s.split('\n').find((l) => l.trimStart().startsWith(name)) ?? s;
    expect(line).toContain(`127.0.0.1:${local} (this machine only)`);
    expect(line).toMatch(new RegExp(`ports .*\\b${open}\\b`));
    term.tmux('send-keys', '-t', `claude-lbpt-${tag}`, 'C-d');
    await term.exited('0');
  }, 400_000);

  it('claude services --json: one shape per port, {port, host_address?, protocol}; the table as before', async () => {
    term.runClaude(['services', '--json'], { env: host.env, cwd: host.base, width: 200, height: 60 });
    const screen = await term.exited('0');
    const json = JSON.parse(screen.slice(screen.indexOf('{'), screen.lastIndexOf('}') + 1)) as { services: { service: string; ports: unknown[] }[] };
    const row = json.services.find((r) => r.service === name);
    expect(row?.ports).toEqual([...[{ port: local, host_address: '127.0.0.1', protocol: 'tcp' }, { port: open, protocol: 'tcp' }].sort((a, b) => a.port - b.port)]);
    term.runClaude(['services'], { env: host.env, cwd: host.base, width: 200, height: 60 });
    const table = (await term.exited('0')).split('\n').find((l) => l.includes(name)) ?? '';
    expect(table).toContain(`127.0.0.1:${local} (this machine only)`);
  }, 120_000);
});
