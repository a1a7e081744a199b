/**
 * The catalogue of every compiler diagnostic, with a stable code (like TypeScript's
 * diagnosticMessages.json). Codes are never reused or renumbered; add new ones at the end
 * of their block. `{name}` placeholders are filled by `DiagnosticSink.report`.
 *
 * Blocks:  CLA1xxx parse · CLA2xxx schema check · CLA3xxx resolve · CLA4xxx plan
 *          CLA5xxx intent/proposals · CLA9xxx input/files
 */
import type { Severity } from './diagnostics.js';

export interface MessageEntry {
  severity: Severity;
  message: string;
  hint: string;
}

export const MESSAGES = {
  // ── input / files ────────────────────────────────────────────────────────
  CLA9001: { severity: 'error', message: 'state dir {dir} does not exist', hint: 'create it, or pass --state-dir DIR (or set CLAUDE_STATE_DIR)' },
  CLA9002: { severity: 'error', message: 'cannot read {file}: {reason}', hint: 'check the file permissions' },
  CLA9003: { severity: 'error', message: 'state dir {dir} has no state files', hint: 'add at least services.yaml, or run `claude "<what you want>"` to create one' },
  CLA9004: { severity: 'error', message: 'unknown state file name {name}', hint: 'only manifest.yaml, services.yaml, network.yaml, storage.yaml, security.yaml and scheduled.yaml are allowed' },
} as const satisfies Record<string, MessageEntry>;

export type DiagnosticCode = keyof typeof MESSAGES;
