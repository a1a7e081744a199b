/**
 * Prometheus metrics (prom-client) from an observation. One registry per daemon, so tests
 * can run several side by side. Names follow Prometheus conventions (base units, `_bytes`,
 * `_percent` for 0–100 gauges).
 */
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Anomaly, Facts } from '../../plan/observed.js';

export class ObserveMetrics {
  readonly registry = new Registry();
  private readonly up: Gauge;
  private readonly health: Gauge;
  private readonly restarts: Gauge;
  private readonly cpu: Gauge;
  private readonly mem: Gauge;
  private readonly memLimit: Gauge;
  private readonly hostCpu: Gauge;
  private readonly hostMemUsed: Gauge;
  private readonly hostMemTotal: Gauge;
  private readonly disk: Gauge;
  private readonly anomalies: Gauge;
  private readonly lastRun: Gauge;

  constructor(opts: { processMetrics?: boolean } = {}) {
    const r = [this.registry];
    if (opts.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'claude_observe_' });
    this.up = new Gauge({ name: 'claude_service_up', help: '1 when the service container is running', labelNames: ['service', 'container'], registers: r });
    this.health = new Gauge({ name: 'claude_service_health', help: '1 for the current health state of the container', labelNames: ['service', 'container', 'state'], registers: r });
    this.restarts = new Gauge({ name: 'claude_service_restarts', help: 'Docker restart count of the container', labelNames: ['service', 'container'], registers: r });
    this.cpu = new Gauge({ name: 'claude_service_cpu_percent', help: 'CPU use of the container (100 = one core)', labelNames: ['service', 'container'], registers: r });
    this.mem = new Gauge({ name: 'claude_service_memory_bytes', help: 'Memory use of the container without page cache', labelNames: ['service', 'container'], registers: r });
    this.memLimit = new Gauge({ name: 'claude_service_memory_limit_bytes', help: 'Memory limit of the container', labelNames: ['service', 'container'], registers: r });
    this.hostCpu = new Gauge({ name: 'claude_host_cpu_percent', help: 'Host CPU busy (0-100, all cores)', registers: r });
    this.hostMemUsed = new Gauge({ name: 'claude_host_memory_used_bytes', help: 'Host memory in use (total - available)', registers: r });
    this.hostMemTotal = new Gauge({ name: 'claude_host_memory_total_bytes', help: 'Host memory', registers: r });
    this.disk = new Gauge({ name: 'claude_host_disk_used_percent', help: 'Filesystem use as df shows it', labelNames: ['mount'], registers: r });
    this.anomalies = new Gauge({ name: 'claude_anomalies', help: 'Anomalies detected at the last observation', labelNames: ['kind', 'severity'], registers: r });
    this.lastRun = new Gauge({ name: 'claude_observe_last_run_timestamp_seconds', help: 'When the last observation was made', registers: r });
  }

  update(f: Facts, anomalies: Anomaly[]): void {
    for (const g of [this.up, this.health, this.restarts, this.cpu, this.mem, this.memLimit, this.disk, this.anomalies]) g.reset();
    for (const c of f.containers) {
      if (!c.managed || !c.service) continue;
      const l = { service: c.service, container: c.name };
      this.up.set(l, c.status === 'running' ? 1 : 0);
      this.health.set({ ...l, state: c.health }, 1);
      this.restarts.set(l, c.restartCount);
      if (c.stats?.cpuPercent !== undefined) this.cpu.set(l, c.stats.cpuPercent);
      if (c.stats) this.mem.set(l, c.stats.memoryBytes);
      if (c.memoryLimit) this.memLimit.set(l, c.memoryLimit);
    }
    if (f.host.cpuPercent !== undefined) this.hostCpu.set(f.host.cpuPercent);
    this.hostMemUsed.set(f.host.memUsedBytes);
    this.hostMemTotal.set(f.host.memTotalBytes);
    for (const d of f.host.disks) this.disk.set({ mount: d.mount }, d.usagePercent);
    const counts = new Map<string, number>();
    for (const a of anomalies) counts.set(`${a.kind}\0${a.severity}`, (counts.get(`${a.kind}\0${a.severity}`) ?? 0) + 1);
    for (const [k, v] of counts) {
      const [kind, severity] = k.split('\0') as [string, string];
      this.anomalies.set({ kind, severity }, v);
    }
    this.lastRun.set(Date.parse(f.collectedAt) / 1000);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
