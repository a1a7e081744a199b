/**
 * The observation layer's facts: what the host, the Docker Engine and the runtime's own
 * event log say right now. Everything here is read, never written to the system. Strings
 * that come from the outside (container names, images, log lines, health output, process
 * names) are untrusted: renderers and the state summary treat them as data.
 *
 * Units: bytes for sizes, percent as 0–100 numbers, times as ISO 8601 UTC strings.
 *
 * The runtime's observer (runtime/observe/) makes them; they live in plan/, the shared layer,
 * because the compiler's diagnosis-to-fix step (compiler/diagnose/) reads them too and the
 * compiler never imports the runtime.
 */

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
export type HealthState = 'none' | 'starting' | 'healthy' | 'unhealthy';

export interface PortBinding {
  /** Host port; absent when the port is not published. */
  host?: number;
  container: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  hostIp?: string;
}

export interface HealthProbe {
  start: string;
  exitCode: number;
  /** Output of the health command (untrusted). */
  output: string;
}

export interface ContainerFacts {
  id: string;
  name: string;
  image: string;
  /** True when the image the container was created from is still present locally. */
  imagePresent: boolean;
  /** `claude.os/managed=true` and this instance's `claude.os/host` (plan/types.ts managedBy). */
  managed: boolean;
  /** Managed by another Claude.OS instance: its host id ('' when unlabelled: an older version's). Unset otherwise. */
  foreignHost?: string;
  service?: string;
  replica?: number;
  configHash?: string;
  status: ContainerStatus;
  health: HealthState;
  /** Consecutive failed health checks. */
  failingStreak: number;
  /** The last health probes (oldest first, at most 5). */
  healthLog: HealthProbe[];
  exitCode?: number;
  /** The engine's error for the last start attempt (e.g. "port is already allocated"). */
  error?: string;
  oomKilled: boolean;
  restartCount: number;
  restartPolicy: string;
  startedAt?: string;
  finishedAt?: string;
  /** The main process's pid on the host (running containers only). */
  pid?: number;
  /** The memory limit (bytes); absent when unlimited. */
  memoryLimit?: number;
  /** Ports requested in HostConfig (published or not yet bound when the container is down). */
  ports: PortBinding[];
  labels: Record<string, string>;
  /** One-shot stats; only for running containers. */
  stats?: { cpuPercent?: number; memoryBytes: number; memoryLimitBytes?: number; cpuTotalNs: number; systemCpuNs: number; onlineCpus: number; /** Bytes received and sent on the container's interfaces (lo excluded), since it started. */ netRxBytes?: number; netTxBytes?: number };
}

export interface DiskFacts {
  mount: string;
  totalBytes: number;
  usedBytes: number;
  /** Free to unprivileged writers (statfs bavail); used + available is df's capacity. */
  availableBytes?: number;
  usagePercent: number;
}

export interface InterfaceFacts {
  name: string;
  /** CIDR addresses (IPv4 first). */
  addresses: string[];
  state: 'up' | 'down';
}

export interface HostFacts {
  hostname: string;
  uptimeS: number;
  bootTime: string;
  cpuCores: number;
  /** Busy CPU since the previous sample (absent without one). */
  cpuPercent?: number;
  /** Cumulative /proc/stat jiffies for a later delta. */
  cpuTimes: { busy: number; total: number };
  load1: number;
  memTotalBytes: number;
  memAvailableBytes: number;
  memUsedBytes: number;
  /** /proc/pressure/memory "some avg10" (absent when the kernel has no PSI). */
  memPressureSome10?: number;
  disks: DiskFacts[];
  interfaces: InterfaceFacts[];
  primaryIp?: string;
  dnsServers: string[];
}

/** A listening socket on the host (from /proc/net/{tcp,tcp6,udp,udp6}). */
export interface Listener {
  protocol: 'tcp' | 'udp';
  address: string;
  port: number;
  inode: number;
  /** The process holding the socket, when /proc/<pid>/fd shows it (needs the right to read it). */
  pid?: number;
  process?: string;
}

/** A running container that publishes a host port. */
export interface PortHolder {
  container: string;
  id: string;
  managed: boolean;
  /** Managed by another Claude.OS instance (its host id; '' when unlabelled). */
  foreignHost?: string;
  service?: string;
  image: string;
  /** The container's main process on the host. */
  pid?: number;
  hostPort: number;
  protocol: PortBinding['protocol'];
  hostIp?: string;
}

/** One event: from Docker, from the runtime's events.jsonl, or derived by the observer. */
export interface ObsEvent {
  /** ISO time. */
  time: string;
  /** docker: container.start, container.stop, container.die, container.oom, container.health_status, …; runtime: reconcile.*. */
  type: string;
  source: 'docker' | 'runtime';
  /** Container name (docker events) or target (runtime events). */
  container?: string;
  service?: string;
  exitCode?: number;
  /** health_status value, or a short detail. */
  detail?: string;
  planId?: string;
}

export interface LogLine {
  /** ISO time as Docker recorded it. */
  time: string;
  stream: 'stdout' | 'stderr';
  /** Untrusted text. */
  text: string;
}

/** What the desired state says about a service, when the caller knows it (compiler side, or a plan). */
export interface DesiredService {
  name: string;
  state: 'running' | 'stopped';
  enabled: boolean;
  replicas: number;
  dependsOn: string[];
  image: string;
  ports: PortBinding[];
  memoryLimit?: number;
}

export interface Facts {
  collectedAt: string;
  host: HostFacts;
  /** Every container on the engine, managed or not, sorted by name. */
  containers: ContainerFacts[];
  /** Local image references (repo:tag), sorted. */
  images: string[];
  listeners: Listener[];
  /** Every running container (managed or not) that publishes a host port, sorted by port. */
  portHolders: PortHolder[];
  /** Recent events, oldest first. */
  events: ObsEvent[];
  /** Last log lines per container name (only those asked for). */
  logs: Record<string, LogLine[]>;
  firewall?: { present: boolean; hash: string | null };
  /** The desired services, when known; without them the analyzers infer from labels only. */
  desired?: DesiredService[];
  /** TCP probes of the published ports of running managed containers: "container:port" → answered. */
  probes?: Record<string, boolean>;
  /** Anything the collector could not read (docker down, /proc unreadable), for honest output. */
  errors: string[];
}

export type Severity = 'critical' | 'warning' | 'info';

export interface Anomaly {
  kind: 'crash-loop' | 'oom-killed' | 'unhealthy' | 'disk-full' | 'memory-pressure' | 'port-not-answering' | 'certificate-expiry' | 'disk-fill-predicted' | 'memory-leak-predicted';
  severity: Severity;
  service?: string;
  container?: string;
  /** certificate-expiry: the certificate's name (security.yaml spec.certificates). */
  certificate?: string;
  message: string;
}
