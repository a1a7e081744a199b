/**
 * What an analyzer returns: a finding with its evidence and, when a change of the state
 * files can fix it, a fix hint. Analyzers never fix anything; the compiler side
 * (compiler/diagnose/) turns fix hints into proposed state files, which then go through
 * the normal plan → approve → apply path. Shared layer (plan/): the runtime's analyzers
 * write these, the compiler's fix builder reads them.
 */
import type { Severity } from './observed.js';

export type AnalyzerName =
  | 'not-running'
  | 'port-conflict'
  | 'orphan'
  | 'missing-image'
  | 'unhealthy'
  | 'oom-killed'
  | 'crash-loop'
  | 'dependency-down'
  | 'disk-full'
  | 'port-not-answering'
  | 'slow'
  | 'observer';

/** A piece of evidence. `lines` hold untrusted text (log lines, health output) as data. */
export interface Evidence {
  label: string;
  lines: string[];
}

/** Who holds a host port. */
export interface PortHolderInfo {
  /** A container holding it (managed or not). */
  container?: string;
  managed?: boolean;
  /** The holder is managed by another Claude.OS instance: its host id ('' when unlabelled, an older version's). */
  foreignHost?: string;
  /** For a managed holder: its service. */
  service?: string;
  /** The holder's process: the container's main process, or the host process holding the socket. */
  pid?: number;
  process?: string;
}

/**
 * A fix, as a change to the desired state (or an honest "do this by hand"):
 *   reapply        the state files already say how it should be; planning them again
 *                  starts what is stopped and removes orphans (no file changes)
 *   free-port      the port's holder is a managed orphan: re-applying removes it
 *   move-port      move this service's host port to `suggested` (services.yaml change)
 *   raise-memory   raise the service's memory limit (services.yaml change)
 *   raise-cpu      raise the service's CPU limit (services.yaml change; a throttled service)
 *   raise-pg-connections  postgres: `-c max_connections=N` in the service's command, and the
 *                  memory limit that needs (services.yaml change)
 *   manual         nothing in the state files can fix it; `action` says what to do
 */
export type FixHint =
  | { kind: 'reapply'; service?: string; reason: 'start' | 'remove-orphan' }
  | { kind: 'move-port'; service: string; port: number; suggested: number; protocol: 'tcp' | 'udp' }
  | { kind: 'raise-memory'; service: string; currentBytes?: number; suggestedBytes: number }
  | { kind: 'raise-cpu'; service: string; currentCores?: number; suggestedCores: number }
  | { kind: 'raise-pg-connections'; service: string; current: number; suggested: number; memoryBytes?: number }
  | { kind: 'manual'; action: string };

export interface Finding {
  analyzer: AnalyzerName;
  /** Stable code (docs/observe.md, "Analyzers"). */
  code: string;
  severity: Severity;
  service?: string;
  container?: string;
  /** One line: what is wrong. */
  title: string;
  /** Plain language: why, and what it means for the user. */
  explanation: string;
  evidence: Evidence[];
  /** Fixes in order of preference; empty when there is nothing to propose. */
  fixes: FixHint[];
  /** Structured facts the fix builder and the LLM context may use. */
  data?: { port?: number; holder?: PortHolderInfo; exitCode?: number; dependsOn?: string; mount?: string; bottleneck?: 'cpu-throttled' | 'memory' | 'io' | 'host-overloaded' | 'connections' | 'long-queries' };
}

/** One line of the "Checking nginx... ✗ Container exited (exit code 1)" transcript. */
export interface Check {
  subject: string;
  ok: boolean;
  line: string;
}

export interface Diagnosis {
  /** The service asked about, if any. */
  service?: string;
  checks: Check[];
  /** Sorted: critical first, then by service, analyzer, title. */
  findings: Finding[];
  /** True when no critical or warning finding was made. */
  healthy: boolean;
}
