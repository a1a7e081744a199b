/**
 * The CNI plugin runner's limits: a plugin that does not finish in time is stopped and the
 * error says so (before, a killed plugin gave "CNI bridge ADD … failed: " with nothing after
 * it: the image's boot test hit that under emulation on a busy machine). The plugin here is a
 * real executable in a temp dir that sleeps; the temp dir is removed at the end. And a bridge
 * made with real `ip` in a network namespace the test makes (and deletes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cni, CniError, type CniNetwork, type PortMapping } from './cni.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'claude-cni-'));
  writeFileSync(join(dir, 'loopback'), '#!/bin/sh\nexec sleep 30\n');
  chmodSync(join(dir, 'loopback'), 0o755);
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A plugin that notes when it starts and ends in `log`, takes 300 ms, and answers `out`. */
function recordingPlugin(name: string, log: string, out: string): void {
  writeFileSync(join(dir, name), `#!/bin/sh\ncat > /dev/null\necho "start ${name} $CNI_CONTAINERID" >> ${log}\nsleep 0.3\necho "end ${name} $CNI_CONTAINERID" >> ${log}\necho '${out}'\n`);
  chmodSync(join(dir, name), 0o755);
}

describe('CNI plugin calls', () => {
  it("attaches share one check of the network's rules; no portmap (the driver publishes ports in nftables) or firewall plugin, no per-container masquerade; bridge calls overlap", async () => {
    const log = join(dir, 'calls.log');
    recordingPlugin('bridge', log, '{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.99.0.2/24"}]}');
    recordingPlugin('firewall', log, '{"cniVersion":"0.4.0"}');
    recordingPlugin('portmap', log, '{"cniVersion":"0.4.0"}');
    // iptables as the plugins' host has it, recording: no rule is there yet (-C fails), adding works
    writeFileSync(join(dir, 'iptables'), `#!/bin/sh\ncat /dev/null\necho "iptables $*" >> ${log}\ncase " $* " in *" -C "*) exit 1 ;; esac\nexit 0\n`);
    chmodSync(join(dir, 'iptables'), 0o755);
    writeFileSync(join(dir, 'bridge'), readFileSync(join(dir, 'bridge'), 'utf8').replace('cat > /dev/null', `cat > ${dir}/bridge-conf-$CNI_CONTAINERID.json`));
    const path = process.env.PATH;
    process.env.PATH = `${dir}:${path}`;
    try {
      const cni = new Cni(dir, join(dir, 'ipam'));
      const net: CniNetwork = { name: 'n', bridge: 'br-n', subnet: '10.99.0.0/24', internal: false };
      await Promise.all(['a', 'b', 'c'].map((id) => cni.attach(net, id, `ns-${id}`, 'eth0')));
      const lines = readFileSync(log, 'utf8').trim().split('\n');
      expect(lines.filter((l) => l.includes(' portmap '))).toEqual([]);
      expect(lines.filter((l) => l.includes(' firewall '))).toEqual([]);
      // the three bridge ADDs ran side by side (all started before the first ended)
      expect(lines.filter((l) => l.includes(' bridge ')).slice(0, 3).every((l) => l.startsWith('start bridge'))).toBe(true);
      // one check and one add per shared rule, for the three attaches together
      const ipt = lines.filter((l) => l.startsWith('iptables '));
      expect(ipt).toEqual([
        "iptables -w -t nat -C POSTROUTING -s 10.99.0.0/24 ! -d 10.99.0.0/24 -m comment --comment claude-os network n -j MASQUERADE",
        "iptables -w -t nat -A POSTROUTING -s 10.99.0.0/24 ! -d 10.99.0.0/24 -m comment --comment claude-os network n -j MASQUERADE",
        "iptables -w -t filter -C FORWARD -s 10.99.0.0/24 -m comment --comment claude-os network n -j ACCEPT",
        "iptables -w -t filter -I FORWARD -s 10.99.0.0/24 -m comment --comment claude-os network n -j ACCEPT",
        "iptables -w -t filter -C FORWARD -d 10.99.0.0/24 -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment claude-os network n -j ACCEPT",
        "iptables -w -t filter -I FORWARD -d 10.99.0.0/24 -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment claude-os network n -j ACCEPT",
        "iptables -w -t filter -C FORWARD -d 10.99.0.0/24 -m conntrack --ctstate DNAT -m comment --comment claude-os network n -j ACCEPT",
        "iptables -w -t filter -I FORWARD -d 10.99.0.0/24 -m conntrack --ctstate DNAT -m comment --comment claude-os network n -j ACCEPT",
      ]);
      // the bridge plugin makes no masquerade chain per container
      const confs = ['a', 'b', 'c'].map((id) => JSON.parse(readFileSync(join(dir, `bridge-conf-${id}.json`), 'utf8')) as { ipMasq: boolean });
      expect(confs.map((c) => c.ipMasq)).toEqual([false, false, false]);
      // an attachment whose ports portmap published (before session 16) has them removed by portmap's DEL
      const ports: PortMapping[] = [{ hostPort: 18080, containerPort: 80, protocol: 'tcp' }];
      await cni.detach(net, 'old', 'ns-old', 'eth0', ports, null);
      await cni.detach(net, 'new', 'ns-new', 'eth0', [], null);
      const after = readFileSync(log, 'utf8').trim().split('\n');
      expect(after.filter((l) => l.startsWith('start portmap'))).toEqual(['start portmap old']);
    } finally {
      process.env.PATH = path;
    }
  });

  it('a bridge whose `ip -batch` fails after the link was added is removed, and the error says why (review L7)', async () => {
    const ns = `claude-cnit-${randomBytes(3).toString('hex')}`;
    execFileSync('ip', ['netns', 'add', ns]);
    try {
      const cni = new Cni(dir, join(dir, 'ipam'), undefined, ns);
      const bridge = `claudet${randomBytes(2).toString('hex')}`;
      // `/33` passes the subnet's shape, and ip refuses the address after `link add` ran
      const err = await cni.claimBridge(bridge, '10.231.7.0/33').then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(CniError);
      expect((err as Error).message).toMatch(new RegExp(`^ip could not make bridge ${bridge} for 10\\.231\\.7\\.0/33: .+`));
      expect(await cni.linkExists(bridge)).toBe(false);
      expect(execFileSync('ip', ['netns', 'exec', ns, 'ip', '-o', 'link', 'show'], { encoding: 'utf8' })).not.toContain(bridge);
    } finally {
      execFileSync('ip', ['netns', 'del', ns]);
    }
  });

  it('a plugin that outlives the limit is stopped, and the error names the plugin, the call and the limit', async () => {
    const cni = new Cni(dir, join(dir, 'ipam'), 500);
    const t0 = Date.now();
    const err = await cni.loopback('c1', 'claude-cni-test-none').then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(CniError);
    expect((err as Error).message).toBe('CNI loopback ADD for c1 on lo did not finish within 0.5 s and was stopped (is the machine overloaded?)');
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it("the namespaces of creates made together are made by one `ip -batch` (real `ip`, counted), also when asked on turns of their own; when the batch fails, the others are made and the error names the one that failed", async () => {
    // `ip` as the driver finds it on PATH: notes its arguments, then runs the real one
    const real = execFileSync('sh', ['-c', 'command -v ip'], { encoding: 'utf8' }).trim();
    const calls = join(dir, 'ip-calls.log');
    writeFileSync(join(dir, 'ip'), `#!/bin/sh\necho "$*" >> ${calls}\nexec ${real} "$@"\n`);
    chmodSync(join(dir, 'ip'), 0o755);
    const tag = randomBytes(3).toString('hex');
    const names = ['a', 'b', 'c'].map((x) => `claude-nsbatch-${tag}-${x}`);
    const path = process.env.PATH;
    process.env.PATH = `${dir}:${path}`;
    const cni = new Cni(dir, join(dir, 'ipam'));
    try {
      await Promise.all(names.map((n) => cni.createNetns(n)));
      expect(names.filter((n) => cni.netnsExists(n))).toEqual(names);
      expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual(['-batch -']);
      // asked again: nothing to do, no `ip` run
      await Promise.all(names.map((n) => cni.createNetns(n)));
      expect(readFileSync(calls, 'utf8').trim().split('\n')).toHaveLength(1);

      // asked on turns of their own (as a plan's creates begin): fewer `ip` runs than namespaces
      rmSync(calls);
      const turns = ['f', 'g', 'h'].map((x) => `claude-nsbatch-${tag}-${x}`);
      names.push(...turns);
      const asked: Promise<void>[] = [];
      for (const n of turns) {
        asked.push(cni.createNetns(n));
        await new Promise((r) => setImmediate(r));
      }
      await Promise.all(asked);
      expect(turns.filter((n) => cni.netnsExists(n))).toEqual(turns);
      expect(readFileSync(calls, 'utf8').trim().split('\n').length).toBeLessThan(turns.length);

      // a name `ip` refuses (a slash) beside a good one: the good one is made, the bad one's error names it
      rmSync(calls);
      const good = `claude-nsbatch-${tag}-d`;
      names.push(good);
      const bad = `claude-nsbatch-${tag}/e`;
      const [g, b] = await Promise.allSettled([cni.createNetns(good), cni.createNetns(bad)]);
      expect(g.status).toBe('fulfilled');
      expect(cni.netnsExists(good)).toBe(true);
      expect(b.status === 'rejected' && (b.reason as Error).message).toMatch(new RegExp(`^ip netns add ${bad} failed: `));
    } finally {
      process.env.PATH = path;
      for (const n of names) if (cni.netnsExists(n)) execFileSync('ip', ['netns', 'del', n]);
    }
  });
});
