/**
 * The intent layer's one interface: a provider turns a request (with its context) into
 * proposed state files. It never executes anything, never sees a secret's value and can
 * never approve: whatever it returns goes through `validate-proposal.ts` and the full
 * compiler, and then the user (or `--yes`) decides.
 *
 * Implementations:
 *   - `anthropic.ts`          Anthropic Messages API through @anthropic-ai/sdk, tool use
 *   - `openai-compatible.ts`  llama.cpp / Ollama / vLLM / OpenAI `/v1/chat/completions`
 *   - `offline.ts`            the built-in rule-based engine (the default)
 *   - replay                  tests point the real clients at `replay.ts`'s local server
 */
import type { StateFileName } from '../model.js';

export type StateFiles = Partial<Record<StateFileName, string>>;

export interface ConversationTurn {
  role: 'user' | 'assistant';
  text: string;
  /** ISO time; display only. */
  at?: string;
}

/** One service as the observer sees it (names and log lines are untrusted text). */
export interface SummaryService {
  name: string;
  image: string;
  state: string;
  health?: string;
  /** A number on every address of the host, `ADDR:PORT` on one (common/host-port.ts). */
  ports?: (number | string)[];
  memoryMb?: number;
  cpuPercent?: number;
  restartCount?: number;
  exitCode?: number;
}

export interface SummaryEvent {
  time: string;
  type: string;
  service?: string;
  text?: string;
}

/** The "current state summary" (spec: claude-observe's state summary format). */
export interface StateSummary {
  generatedAt?: string;
  hostname?: string;
  uptime?: string;
  primaryIp?: string;
  resources?: { cpuCores?: number; cpuPercent?: number; memoryTotalMb?: number; memoryUsedMb?: number; diskTotalGb?: number; diskUsedGb?: number };
  services: SummaryService[];
  events?: SummaryEvent[];
  alerts?: { severity: string; message: string }[];
  /** Last log lines per service. */
  logs?: Record<string, string[]>;
  /** Local images present (repo:tag), when known. */
  images?: string[];
}

/** Where the state summary comes from; the observation layer implements it. */
export interface StateSummarySource {
  summary(): Promise<StateSummary> | StateSummary;
}

/** Everything a provider may use. Secrets appear only as names. */
export interface IntentContext {
  message: string;
  /** The current (working) state files, full text as on disk. Context assembly redacts secrets. */
  files: StateFiles;
  history: ConversationTurn[];
  summary?: StateSummary;
  /** Names of the secrets defined in security.yaml (never values). */
  secretNames: string[];
  /** Upstream image ref → local image (stdlib-templates/images/catalog.json, when present). */
  imageCatalog: Record<string, string>;
  now: Date;
  /** Set when asking the provider to repair its previous proposal. */
  repair?: RepairRequest;
  /**
   * Generates a strong random value for a secret the proposal needs and returns it
   * encrypted to the host key (`encrypted:v1:…`); the plain value never leaves it. Set by
   * the CLI (it has the host key); without it, generated secrets are not possible.
   */
  generateSecret?: (name: string) => Promise<string>;
}

export interface RepairRequest {
  attempt: number;
  /** The previous proposal's files, as proposed. */
  previous: StateFiles;
  /** The rendered diagnostics and refusals that must be fixed. */
  problems: string[];
}

export interface Proposal {
  /** Full new contents of each state file that changes; files left out are unchanged. */
  files: StateFiles;
  /** What the change does, for the user. */
  explanation: string;
  /** Set when the request was refused; `files` is then empty. */
  refused?: { reason: string };
  /** Questions for the user (the request was unclear); `files` is then usually empty. */
  questions?: string[];
  /** Things the user should know before approving (blocked ports, default passwords, …). */
  warnings?: string[];
  /** Which provider produced it: offline, anthropic, openai-compatible. */
  provider: string;
  /** False when nothing in the request was understood (the explanation says what can be asked). */
  understood?: boolean;
  /** The reply could not be read (e.g. tool arguments that are not JSON): sent back for a repair. */
  problems?: string[];
  /**
   * Secrets the proposal refers to as `${secrets.NAME}` that do not exist yet and should be
   * generated (a strong random value, encrypted to the host key by the flow, never seen by
   * the provider). Only names; the offline engine sets it for template passwords.
   */
  generatedSecrets?: { name: string; purpose: string }[];
  /**
   * Something the request asked to have done now that is not a change to the state files,
   * offered to the person: a backup now of one of `volumes` (the backed-up volumes the request
   * could mean; more than one: which is asked). Nothing is run by the provider: the CLI asks
   * ("Back up postgres-data now? [yes/no]") and runs what `claude backups run` runs
   * (cli/operations.ts offerBackupNow). `said`: the explanation's line that names the
   * command, left out where the CLI asks instead. Set by the offline engine only, and only
   * when nothing else changes.
   */
  offer?: { kind: 'backup-now'; volumes: string[]; said: string };
}

export interface IntentProvider {
  readonly name: string;
  propose(ctx: IntentContext): Promise<Proposal>;
}

/** A provider's transport or protocol failure (not a user error in the files). */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/**
 * The longest request read, in characters (the API's limit too): a page of text, ten times a
 * long request in any eval set (the longest is ~400). What is pasted beyond that is a file or a
 * log, not a request, and the offline engine's time grows with a request's length.
 */
export const MAX_REQUEST_CHARS = 4000;

/** A request longer than `MAX_REQUEST_CHARS` is not read: a plain error, nothing changed. */
export function checkRequestLength(message: string): void {
  const n = message.trim().length;
  if (n > MAX_REQUEST_CHARS) {
    throw new ProviderError(
      `the request is ${n} characters long; at most ${MAX_REQUEST_CHARS} are read, so it was not read and nothing was changed`,
      'say it in fewer words or in several requests, or edit the state files directly and run `claude plan`',
    );
  }
}
