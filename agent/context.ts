/**
 * What the agent gets from its caller (the CLI, the API server, a daemon): plain values.
 * The agent never reads argv, never writes to the process streams and never exits; the
 * CLI's CommandContext and the server's request context both satisfy this shape.
 */
export interface AgentContext {
  /** The environment (CLAUDE_STATE_DIR, CLAUDE_DATA_DIR, CLAUDE_ROOT, SSH_CONNECTION, …). */
  env: Record<string, string | undefined>;
  /** The working directory relative paths are resolved against. */
  cwd: string;
  /** The clock, injected. */
  now: () => Date;
}
