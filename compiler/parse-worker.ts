/**
 * The worker thread of compiler/parse-split.ts: reads the second half of a large state file's
 * services list (compiler/parse-fast.ts fastParseItems), posts the answer on the port it was
 * given, then wakes the parsing thread, which waits on `flag`. Whatever happens, it answers:
 * a failure is `null` (the parsing thread then reads that half itself).
 * Must not: import anything but the fast path (a worker's start is paid on every large plan).
 */
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { fastParseItems, type TailAnswer } from './parse-fast.js';
import type { ParseLimits } from './parse.js';

/** What the worker posts (structured clone): the items, or 'declined', or null (not read: the parsing thread reads them). */
export type WorkerAnswer = Exclude<TailAnswer, undefined> | null;

const { text, indent, depth, lim, port, flag } = workerData as { text: string; indent: number; depth: number; lim: ParseLimits; port: MessagePort; flag: Int32Array };
let answer: WorkerAnswer = null;
try {
  answer = fastParseItems(text, indent, depth, lim) ?? null;
} finally {
  port.postMessage(answer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  port.close();
}
