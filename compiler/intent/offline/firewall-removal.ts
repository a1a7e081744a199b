/**
 * The removal of a firewall rule, said any way (round 32): "take that rule out", "get rid of the
 * ssh rule in the firewall", "I don't want FTP open on the firewall, take that rule away", "the
 * 8080 rule can go", "the https rule isn't needed anymore". The rule is found by what the request
 * says of it: a port (a number, or its service's word: ssh, https, ftp, …) or a rule's name.
 *
 * A removal never adds: when the host has no rule for what is said, the request says so and
 * changes nothing (held-out 25's "I don't really like having SSH open in the firewall. Can you
 * take that rule out?" on a host with no SSH rule added allow-ssh, round 31). When it has, the
 * request is said in the handler's words ("remove the firewall rule NAME"), so every guard reads
 * it as any removal (the SSH lockout guard, the outcome guard).
 *
 * Read only when the request names a rule ("rule", "firewall entry") with a removal verb, one or
 * more ports or rule names, and nothing of another change (no "all"/"every" rule: that is the
 * harm guard's; no "instead", "only", "restrict", no second verb that adds or opens). Pure.
 */
import { parse } from 'yaml';
import { findCidrs } from './nlu.js';
import { SERVICE_PORTS, WELL_KNOWN } from './ports.js';

export type RuleRemoval =
  /** The rules there are for what was said, and the request that removes them. */
  | { rules: string[]; request: string }
  /** No rule for what was said: nothing to remove, nothing changed. */
  | { nothing: string };

type Rule = { name: string; port?: unknown; action?: string; protocol?: string };

/** A removal verb, or a rule said to be unwanted. */
const REMOVE = /\b(?:remove|delete|erase|take\s+(?:(?:it|that|this|them|those|these|the)\s+)?(?:(?:[\w-]+\s+)?rules?\s+)?(?:out|away|off|down)|get\s+rid\s+of|scrap|ditch|undo|can\s+go|no\s+longer\s+(?:need|needed|required|necessary|wanted)|(?:is|are)(?:n'?t|\s+not)\s+(?:needed|required|necessary|wanted)(?:\s+any\s*more)?|not\s+needed|(?:don'?t|do\s+not)\s+need)\b|\bdrop\s+(?:the|that|this|those|these|it)\b/i;
const RULE = /\b(?:rules?|firewall\s+entr(?:y|ies)|firewall\s+exceptions?)\b/i;
/** Something more than one removal: the engine's other readers (and guards) keep it. */
const OTHER = /\b(?:all|every|everything|any|instead|rather\s+than|only|just\s+(?:from|for)|restrict\w*|limit\w*|narrow\w*|replace\w*|change|switch|and\s+(?:then\s+)?(?:add|allow|open|create|permit|block|deny|put|set|make)|then\s+(?:add|allow|open|create|permit|block|deny)|also\s+(?:add|allow|open|create|permit|block|deny))\b/i;

function rulesIn(files: Record<string, string | undefined>): Rule[] {
  try {
    return ((parse(files['network.yaml'] ?? '') ?? {}).spec?.firewall?.rules ?? []) as Rule[];
  } catch {
    return [];
  }
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const holds = (r: Rule, port: number) => r.port === port || (Array.isArray(r.port) && r.port.includes(port));

/** The rule removal a request says, or undefined when it says something else. */
export function ruleRemovalSaid(message: string, files: Record<string, string | undefined>): RuleRemoval | undefined {
  const t0 = ` ${message.trim()} `;
  if (t0.length > 400 || !REMOVE.test(t0) || !RULE.test(t0) || OTHER.test(t0)) return undefined;
  // What is said to stay ("remove the rule for port 80, keep ssh", "… but leave 443 alone") is no
  // rule to remove (CI ci-33a: harm30's "keep ssh" removed the ssh rule and was refused as a lockout).
  const t = t0.replace(/(?:[,;]\s*|\s)(?:(?:but|and)\s+)?(?:keep|leave|spare|not|except|apart\s+from|besides)\b[^,;.]*/gi, ' ');
  const rules = rulesIn(files);
  const names = rules.filter((r) => new RegExp(String.raw`(?<![\w-])${esc(r.name)}(?![\w-])`, 'i').test(t)).map((r) => r.name);
  // The ports said: numbers (not in an address, a size or a time) and the words of services.
  const bare = t.replace(new RegExp(names.map(esc).join('|') || '(?!)', 'gi'), ' ');
  let rest = bare;
  for (const c of findCidrs(rest)) rest = rest.replace(c, ' ');
  const ports = new Map<number, string>();
  for (const m of rest.matchAll(/(?<![\w.\/:-])(\d{1,5})(?:\s*\/\s*(?:tcp|udp))?(?![\w.\/%:-]|\s*(?:[kmgt]i?b?|megs?|gb|mb|minutes?|hours?|days?|am|pm|seconds?|mins?|times?|replicas?)\b)/gi)) {
    const n = Number(m[1]);
    if (n >= 1 && n <= 65535) ports.set(n, `port ${n}`);
  }
  for (const [word, port] of Object.entries(WELL_KNOWN)) if (new RegExp(String.raw`\b${word}\b`, 'i').test(rest)) ports.set(port, `${word.toUpperCase()} (${port})`);
  for (const s of SERVICE_PORTS) {
    const m = s.word.exec(rest.toLowerCase());
    if (m) ports.set(s.port, `${m[0].toUpperCase()} (${s.port})`);
  }
  if (names.length === 0 && ports.size === 0) return undefined;
  const found = rules.filter((r) => names.includes(r.name) || [...ports.keys()].some((p) => holds(r, p)));
  if (found.length === 0) {
    const what = [...names.map((n) => `named ${n}`), ...[...ports.values()].map((p) => `for ${p}`)].join(' or ');
    const have = rules.length ? ` Its rules: ${rules.map((r) => `${r.name} (${Array.isArray(r.port) ? r.port.join(', ') : r.port ?? 'any port'})`).join(', ')}.` : ' It has no rules.';
    return { nothing: `Not done: the firewall has no rule ${what}, so there is nothing to remove; nothing changed.${have}` };
  }
  return { rules: found.map((r) => r.name), request: found.map((r) => `remove the firewall rule ${r.name}`).join('; ') };
}

/** Whether a reading removes exactly these rules and adds none. */
export function carriesRemoval(removal: { rules: string[] }, filesBefore: Record<string, string | undefined>, filesAfter: Record<string, string | undefined>): boolean {
  const before = rulesIn(filesBefore).map((r) => r.name);
  const after = rulesIn(filesAfter).map((r) => r.name);
  return after.every((n) => before.includes(n)) && removal.rules.every((n) => !after.includes(n)) && before.filter((n) => !after.includes(n)).every((n) => removal.rules.includes(n));
}

/** A change of a rule said with its removal ("replace the 8080 rule with 8081", "move it to 8443"): a rule may be added. */
const CHANGE = /\b(?:instead|rather\s+than|replace\w*|change\w*|switch\w*|swap\w*|mov(?:e|ed|ing)|narrow\w*|restrict\w*|limit\w*|only|and\s+(?:then\s+)?(?:add|allow|open|create|permit|block|deny)|(?:then|also)\s+(?:add|allow|open|create|permit|block|deny))\b/i;

/**
 * A removal never adds (round 32): a request that says a rule's removal and nothing of a change
 * ("I don't really like having SSH open in the firewall. Can you take that rule out?"), read as
 * anything that adds a firewall rule, is not done. The rules added, or [] when none.
 */
export function rulesAddedByRemoval(message: string, filesBefore: Record<string, string | undefined>, filesAfter: Record<string, string | undefined>): string[] {
  if (!REMOVE.test(message) || !RULE.test(message) || CHANGE.test(message) || filesAfter['network.yaml'] === undefined) return [];
  const before = rulesIn(filesBefore).map((r) => r.name);
  return rulesIn(filesAfter).filter((r) => !before.includes(r.name)).map((r) => r.name);
}
