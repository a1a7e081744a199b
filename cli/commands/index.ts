/**
 * The command table. Each entry is loaded lazily so that `claude --version` and small
 * commands start fast. Add a command by adding one line here and one file beside it.
 */
import type { Command } from '../context.js';

/**
 * Commands another entry runs: bin/claude hands `claude serve` to the server's entry
 * (server/main.ts), because the CLI and the server never import each other. Listed here for
 * `claude help` only.
 */
export const OTHER_ENTRIES: Record<string, { summary: string; entry: string }> = {
  serve: { summary: 'serve the API and the web UI (plans; applies only approved plans)', entry: 'server/main.ts' },
};

export const COMMANDS: Record<string, () => Promise<Command>> = {
  ask: async () => (await import('./ask.js')).default,
  chat: async () => (await import('./chat.js')).default,
  learn: async () => (await import('./learn.js')).default,
  context: async () => (await import('./context.js')).default,
  apply: async () => (await import('./apply.js')).default,
  recover: async () => (await import('./recover.js')).default,
  unlock: async () => (await import('./unlock.js')).default,
  secret: async () => (await import('./secret.js')).default,
  validate: async () => (await import('./validate.js')).default,
  history: async () => (await import('./history.js')).default,
  audit: async () => (await import('./audit.js')).default,
  export: async () => (await import('./export.js')).default,
  import: async () => (await import('./import.js')).default,
  rollback: async () => (await import('./rollback.js')).default,
  diff: async () => (await import('./diff.js')).default,
  plan: async () => (await import('./plan.js')).default,
  show: async () => (await import('./show.js')).default,
  verify: async () => (await import('./verify.js')).default,
  sign: async () => (await import('./sign.js')).default,
  keys: async () => (await import('./keys.js')).default,
  confirm: async () => (await import('./confirm.js')).default,
  upgrade: async () => (await import('./upgrade.js')).default,
  status: async () => (await import('./status.js')).default,
  services: async () => (await import('./services.js')).default,
  logs: async () => (await import('./logs.js')).default,
  events: async () => (await import('./events.js')).default,
  diagnose: async () => (await import('./diagnose.js')).default,
  observe: async () => (await import('./observe.js')).default,
  supervise: async () => (await import('./supervise.js')).default,
  jobs: async () => (await import('./jobs.js')).default,
  backups: async () => (await import('./backups.js')).default,
  restore: async () => (await import('./restore.js')).default,
  reconcile: async () => (await import('./reconcile.js')).default,
  notifications: async () => (await import('./notifications.js')).default,
  health: async () => (await import('./health.js')).default,
  certs: async () => (await import('./certs.js')).default,
  cluster: async () => (await import('./cluster.js')).default,
};
