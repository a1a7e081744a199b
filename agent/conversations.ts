/**
 * Conversation history in the data dir: one JSON-lines file per conversation under
 * `<data dir>/conversations/`, one line per turn, appended durably. `claude "<msg>"` starts
 * a conversation of its own; the REPL keeps one for the whole session.
 * Typed secrets are masked before anything is written (see maskTypedSecrets).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { appendLineDurable } from '../common/fsutil.js';
import { maskTypedSecrets } from '../compiler/intent/context.js';
import type { ConversationTurn } from '../compiler/intent/provider.js';

export interface StoredTurn {
  at: string;
  role: 'user' | 'assistant';
  text: string;
  provider?: string;
  /** proposed, applied, refused, answer, invalid, ask, declined, failed */
  status?: string;
  files?: string[];
  planId?: string;
}

export interface ConversationInfo {
  id: string;
  started: string;
  turns: number;
  first: string;
}

export function conversationsDir(dataDir: string): string {
  return join(dataDir, 'conversations');
}

export function newConversationId(now: Date): string {
  return `${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
}

export function appendTurn(dataDir: string, id: string, turn: StoredTurn): void {
  const dir = conversationsDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  appendLineDurable(join(dir, `${id}.jsonl`), JSON.stringify({ ...turn, text: maskTypedSecrets(turn.text) }));
}

export function readTurns(dataDir: string, id: string): StoredTurn[] {
  const p = join(conversationsDir(dataDir), `${id}.jsonl`);
  if (!/^[A-Za-z0-9-]+$/.test(id) || !existsSync(p)) return [];
  return readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as StoredTurn];
      } catch {
        return [];
      }
    });
}

/** Newest first. */
export function listConversations(dataDir: string): ConversationInfo[] {
  const dir = conversationsDir(dataDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => f.slice(0, -6))
    .sort()
    .reverse()
    .map((id) => {
      const turns = readTurns(dataDir, id);
      return { id, started: turns[0]?.at ?? '', turns: turns.length, first: turns.find((t) => t.role === 'user')?.text ?? '' };
    });
}

export function toHistory(turns: StoredTurn[]): ConversationTurn[] {
  return turns.map((t) => ({ role: t.role, text: t.text, at: t.at }));
}

/** The conversations as text for `claude history --conversations`. */
export function renderConversations(dataDir: string, limit?: number): string[] {
  const list = listConversations(dataDir).slice(0, limit ?? Infinity);
  if (list.length === 0) return ['No conversations yet.'];
  const out: string[] = [];
  for (const c of list) {
    out.push(`${c.started}  ${c.id}  (${c.turns} turn${c.turns === 1 ? '' : 's'})`);
    for (const t of readTurns(dataDir, c.id)) {
      const head = t.role === 'user' ? '  > ' : '    ';
      const tail = t.role === 'assistant' && t.status ? ` [${t.status}${t.planId ? ` ${t.planId}` : ''}]` : '';
      // The first line that says something (skip headings such as "Proposed changes:").
      const lines = t.text.split('\n').map((l) => l.trim()).filter((l) => l && !/^proposed changes:$/i.test(l));
      const first = (lines.slice(0, 2).join('; ') || '').slice(0, 160);
      out.push(`${head}${first}${tail}`);
    }
  }
  return out;
}
