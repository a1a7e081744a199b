/**
 * The OCI runtime spec (opencontainers/runtime-spec, config.md and config-linux.md) for a
 * service, with the defaults Docker uses, so a service behaves the same on both backends:
 * Docker's default capability set, no `no_new_privs`, /proc, /dev, /dev/pts, /dev/shm,
 * /dev/mqueue, /sys (read only) and the cgroup tree, Docker's masked and read-only paths,
 * and per-container /etc/hosts, /etc/hostname and /etc/resolv.conf bind-mounted from the
 * driver's state dir.
 */

export const SPEC_TYPE_URL = 'types.containerd.io/opencontainers/runtime-spec/1/Spec';
export const PROCESS_TYPE_URL = 'types.containerd.io/opencontainers/runtime-spec/1/Process';

const CAPS = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

const MASKED = ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware'];
const READONLY = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

export interface ProcessOptions {
  args: string[];
  env: string[];
  cwd: string;
  uid: number;
  gid: number;
}

export function processSpec(p: ProcessOptions): Record<string, unknown> {
  return {
    terminal: false,
    user: { uid: p.uid, gid: p.gid },
    args: p.args,
    env: p.env,
    cwd: p.cwd,
    capabilities: { bounding: CAPS, effective: CAPS, permitted: CAPS },
    noNewPrivileges: false,
  };
}

export interface SpecOptions extends ProcessOptions {
  hostname: string;
  /** The network namespace to join (null: a new, empty one). */
  netnsPath: string | null;
  /** Bind mounts: host source → target. */
  binds: { source: string; target: string; readonly: boolean }[];
  readonlyRoot?: boolean;
  memoryBytes?: number;
  nanoCpus?: number;
  cgroupsPath: string;
}

export function runtimeSpec(o: SpecOptions): Record<string, unknown> {
  const period = 100_000;
  const resources: Record<string, unknown> = { devices: [{ allow: false, access: 'rwm' }] };
  if (o.memoryBytes !== undefined) resources.memory = { limit: o.memoryBytes };
  if (o.nanoCpus !== undefined) resources.cpu = { quota: Math.round((o.nanoCpus / 1e9) * period), period };
  return {
    ociVersion: '1.0.2-dev',
    process: processSpec(o),
    root: { path: 'rootfs', readonly: !!o.readonlyRoot },
    hostname: o.hostname,
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid', 'noexec', 'nodev'] },
      ...o.binds.map((b) => ({ destination: b.target, type: 'bind', source: b.source, options: ['rbind', 'rprivate', b.readonly ? 'ro' : 'rw'] })),
    ],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, o.netnsPath ? { type: 'network', path: o.netnsPath } : { type: 'network' }],
      resources,
      // As Docker (20.10+) does in a container's own network namespace: unprivileged users may bind
      // ports below 1024 (nginx as uid 101 on port 80) and send ICMP echo.
      sysctl: { 'net.ipv4.ip_unprivileged_port_start': '0', 'net.ipv4.ping_group_range': '0 2147483647' },
      cgroupsPath: o.cgroupsPath,
      maskedPaths: MASKED,
      readonlyPaths: READONLY,
    },
  };
}

/** The user of a process: `uid[:gid]` numbers, or names looked up in the image's /etc/passwd and /etc/group. */
export function resolveUser(user: string | undefined, passwd: string | null, group: string | null): { uid: number; gid: number } {
  if (!user) return { uid: 0, gid: 0 };
  const [u, g] = user.split(':') as [string, string | undefined];
  const pw = (passwd ?? '').split('\n').map((l) => l.split(':'));
  let uid: number;
  let gid: number | undefined;
  if (/^\d+$/.test(u)) {
    uid = Number(u);
    const row = pw.find((r) => r[2] === u);
    if (row) gid = Number(row[3]);
  } else {
    const row = pw.find((r) => r[0] === u);
    if (!row) throw new Error(`user '${u}' is not in the image's /etc/passwd`);
    uid = Number(row[2]);
    gid = Number(row[3]);
  }
  if (g !== undefined) {
    if (/^\d+$/.test(g)) gid = Number(g);
    else {
      const row = (group ?? '').split('\n').map((l) => l.split(':')).find((r) => r[0] === g);
      if (!row) throw new Error(`group '${g}' is not in the image's /etc/group`);
      gid = Number(row[2]);
    }
  }
  return { uid, gid: gid ?? 0 };
}
