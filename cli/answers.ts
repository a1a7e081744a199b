/**
 * The answers to an approval prompt, read the way a person means them: one table of words for
 * every `[yes/no]` and `[yes/no/modify]` prompt of the CLI. Pure text, no I/O of its own (the
 * commands that start cold import it without node:readline).
 */
import type { LineReader } from './prompt.js';

/**
 * What a person meant at an approval prompt (`[yes/no]`, `[yes/no/modify]`); docs/cli.md
 * "Answering the approval prompt" lists the words. An answer that is none of them clearly is
 * `unclear`: the prompt asks again and nothing is applied, dropped or changed.
 */
export type Approval =
  | { answer: 'yes' }
  /** `said`: no, n, nope, cancel, q, not yet…; `empty`: an empty line; `end`: end of input (Ctrl-D). */
  | { answer: 'no'; why: 'said' | 'empty' | 'end' }
  /** `change`: what to change, when it was said at once ("use port 8080 instead"); absent after a bare "modify". */
  | { answer: 'modify'; change?: string }
  | { answer: 'unclear'; why: string };

const YES = new Set(['y', 'yes', 'yep', 'yeah', 'yup', 'ok', 'okay', 'sure', 'apply', 'apply it', 'do it', 'go', 'go ahead', 'lgtm', 'yes do it', 'yes go ahead', 'ok do it', 'ok go ahead', 'sure go ahead', 'yes apply it']);
const NO = new Set(['n', 'no', 'nope', 'nah', 'cancel', 'q', 'quit', 'exit', 'abort', 'stop', 'no thanks', 'never mind', 'nevermind', 'dont', "don't", 'do not', 'no cancel', 'no dont',
  // Not now: the proposal is not applied, and nothing changes (ask again when it suits).
  'not yet', 'not now', 'not right now', 'not today', 'later', 'maybe later', 'no not yet', 'no not now']);
/** "Wait", "hold on": the person is still reading; asked again, and nothing is applied meanwhile. */
const PAUSE = new Set(['wait', 'hold on', 'hang on', 'wait a moment', 'wait a sec', 'wait a second', 'hold on a sec', 'hang on a sec', 'one moment', 'one sec', 'one second', 'just a moment', 'just a sec', 'just a second', 'a moment', 'not sure', "i'm not sure", 'im not sure', 'let me think']);
/** After "don't": the words that make it a no with more ("don't apply it"), not a change ("don't publish its port"). */
const NOT_A_CHANGE = new Set(['apply', 'do', 'it', 'that', 'this', 'proceed', 'go', 'bother', 'want', 'need', 'run', 'touch', 'change', 'know', 'care', 'think', 'worry', 'yet']);
const MODIFY = new Set(['m', 'modify', 'change', 'edit', 'change it', 'modify it', 'refine']);
/** Polite words that change nothing about the answer: "yes please", "no, thanks!". */
const FILLER = /(?:\s+(?:please|pls|plz|thanks|thank\s+you|thx|ty))+$/;
/** The first word of a line typed to the shell by mistake ("echo $USER", "docker ps"), never a change to a proposal. */
const SHELL_WORDS = new Set(['sudo', 'ls', 'cd', 'cat', 'echo', 'docker', 'systemctl', 'journalctl', 'git', 'claude', 'vi', 'vim', 'nano', 'less', 'more', 'tail', 'head', 'top', 'htop', 'ps', 'pwd', 'whoami', 'curl', 'wget', 'apt', 'apt-get', 'ssh', 'man', 'clear', 'grep', 'df', 'du', 'free', 'ip', 'nft', 'iptables', 'npm', 'node', 'export', 'source', 'tmux', 'ping']);

/** Reads one line typed at an approval prompt (null: the input ended). `modify`: the prompt offers modify. */
export function readApproval(line: string | null, o: { modify: boolean }): Approval {
  if (line === null) return { answer: 'no', why: 'end' };
  const raw = line.trim();
  if (raw === '') return { answer: 'no', why: 'empty' };
  const words = raw.toLowerCase().replace(/[.!,;:]+/g, ' ').replace(/\s+/g, ' ').trim();
  const plain = words.replace(FILLER, '').trim() || words;
  if (YES.has(plain)) return { answer: 'yes' };
  if (NO.has(plain)) return { answer: 'no', why: 'said' };
  const choices = o.modify ? 'type yes to apply, no to cancel, or modify to say what to change' : 'type yes or no';
  if (o.modify && MODIFY.has(plain)) return { answer: 'modify' };
  // "modify: use port 8080", "change: add redis too": the change said after the word.
  const said = /^(?:m|modify|change)\s*:\s*(.+)$/i.exec(raw) ?? /^modify\s+(.+)$/i.exec(raw);
  if (o.modify && said) return { answer: 'modify', change: said[1]!.trim() };
  if (PAUSE.has(plain)) return { answer: 'unclear', why: `Take your time: nothing is applied until you answer; ${choices}.` };
  const first = plain.split(' ')[0]!;
  if (/[$`|;&<>\\]/.test(raw) || SHELL_WORDS.has(first)) return { answer: 'unclear', why: `"${raw}" looks like a shell command, not an answer; ${choices}.` };
  // "don't publish its port", "do not expose redis": a change said in the negative, not a no
  // ("don't apply it", "don't do that" still say no and more, and are asked again).
  const negated = /^(?:dont|don't|do not)\s+(\S+)/.exec(plain)?.[1];
  if (o.modify && negated && !NOT_A_CHANGE.has(negated) && !/[?]$/.test(raw)) return { answer: 'modify', change: raw };
  if (YES.has(first) || NO.has(first) || negated) return { answer: 'unclear', why: `"${raw}" says ${YES.has(first) ? 'yes' : 'no'} and more; ${choices}${o.modify ? ' (then say the change on its own)' : ''}.` };
  if (!o.modify) return { answer: 'unclear', why: `"${raw}" is neither yes nor no; ${choices}.` };
  if (!/\s/.test(plain)) return { answer: 'unclear', why: `"${raw}" is not an answer I know; ${choices}.` };
  if (raw.endsWith('?')) return { answer: 'unclear', why: `"${raw}" is a question; questions are not answered here. ${choices[0]!.toUpperCase()}${choices.slice(1)}.` };
  // Several words that read as a request: the change to make ("use port 8080 instead").
  return { answer: 'modify', change: raw };
}

/**
 * Asks `question` until the answer is clear (readApproval); an unclear answer is said, with
 * the choices, and the question asked again. Ends as `no` at the end of input (Ctrl-D);
 * Ctrl-C rejects with Cancelled, as at every prompt (cli/prompt.ts LineReader.next).
 */
export async function askApproval(reader: LineReader, question: string, o: { modify: boolean }): Promise<Exclude<Approval, { answer: 'unclear' }>> {
  let prompt = question;
  for (;;) {
    const line = await reader.next(prompt);
    const a = readApproval(line, o);
    if (a.answer !== 'unclear') return a;
    prompt = `${a.why}\n${question}`;
  }
}
