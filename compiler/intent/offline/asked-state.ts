/**
 * Questions about the server that no other reader answered (round 26, intent3): "how many
 * containers is running now", "what is exposed to the internet right now?", "who can ssh into
 * this machine?", "show me the logs of nginx", "why site down??", "what's its status?". A
 * request that only asks (a question mark, or it opens with a question word or "show/tell/list
 * me", and has no verb of change outside the question) is answered from the state files and the
 * observed summary, by topic; nothing is changed (`understood: true`, no files). A question
 * that also orders ("why is it down? restart it") is not this: the order is read as before.
 */
import { parse } from 'yaml';
import type { ConversationTurn, StateFiles, StateSummary } from '../provider.js';

interface Svc {
  name: string;
  image: string;
  state?: string;
  replicas?: number;
  ports?: { host?: number; container: number; host_ip?: string }[];
}

const OPENS_AS_QUESTION = /^(?:(?:so|ok|okay|hey|hi|yo|and|but|also|quick\s+question|btw|pls|please|can\s+you|could\s+you)[\s,:]+)*(?:how\s+many|how\s+much|how(?:'s|s|\s+is|\s+are)?|what(?:'s|s)?|wat|wot|which|who(?:'s|s)?|whom|why|where|when|whats|is\s+there|are\s+there|show\s+me|tell\s+me|list|give\s+me\s+(?:a\s+)?(?:list|overview|summary)|status|any)\b/i;
/** Verbs that change something: a request with one of these is an order, not only a question. */
const CHANGE = /\b(?:add|install|set\s*up|create|make|remove|delete|drop|stop|start|restart|reboot|kill|scale|open|close|block|allow|deny|limit|move|change|upgrade|update|bump|put|give|enable|disable|turn|switch|fix|deploy|run|expose|publish|rename|back\s*up|schedule)\b/i;

/**
 * The request opens as a question and only asks ("which accounts have admin rights?"), so no
 * reader may read a change into it (round 33). A request that only ends with a question mark
 * ("Could you permit incoming connections to it?") is not this: it may be a request put politely.
 */
export function opensAndOnlyAsks(message: string): boolean {
  return OPENS_AS_QUESTION.test(message.trim().toLowerCase().replace(/\s+/g, ' ')) && onlyAsks(message);
}

/** The request only asks about the state. */
export function onlyAsks(message: string): boolean {
  const t = message.trim().toLowerCase().replace(/\s+/g, ' ');
  if (t === '' || t.length > 300) return false;
  // "how about moving nginx to 8080?", "what about adding redis?": a suggestion, which is a request (round 33).
  if (/^(?:(?:so|ok|okay|hmm+|and)[\s,]+)?(?:how|what)\s+about\s+(?:we\s+)?[a-z]+ing\b/.test(t)) return false;
  const opens = OPENS_AS_QUESTION.test(t);
  if (!opens && !/\?\s*$/.test(t)) return false;
  // The verbs after the question word: "what is running" asks, "why don't you restart it" orders.
  // "what's open to the world", "which ports are open": open said as a state, not a verb.
  const rest = t.replace(OPENS_AS_QUESTION, ' ').replace(/\bopen\s+(?=to\b|on\b|for\b|right\b|now\b|[?]|$)/g, ' ');
  if (/\b(?:can|could|would|will)\s+you\b|\bplease\b|\bpls\b/.test(t) && CHANGE.test(rest) && !/\b(?:show|tell|list)\b/.test(t)) return false;
  if (CHANGE.test(rest) && !/\b(?:is|are|was|were|it|they|be|been|being|can|does|do|did)\s+(?:\w+\s+){0,2}(?:running|exposed|published|open(?:ed)?|allowed|blocked|stopped|started|limited|set|installed|scheduled|backed)\b/.test(rest) && !/\bssh\b/.test(rest)) return false;
  return true;
}

const docOf = (files: StateFiles, name: keyof StateFiles): any => {
  try {
    return parse(files[name] ?? '') ?? {};
  } catch {
    return {};
  }
};

/** The service the conversation was last about ("its status"): the last one a turn named. */
function lastNamed(names: string[], history: ConversationTurn[]): string | undefined {
  for (const h of [...history].reverse()) {
    let best: { name: string; at: number } | undefined;
    for (const n of names) {
      const at = h.text.toLowerCase().lastIndexOf(n.toLowerCase());
      if (at >= 0 && (!best || at > best.at)) best = { name: n, at };
    }
    if (best) return best.name;
  }
  return undefined;
}

/** The answer to a question nothing else answered, from the files and the observed summary. */
export function answerFromState(message: string, files: StateFiles, summary: StateSummary | undefined, history: ConversationTurn[]): string[] {
  const t = message.toLowerCase();
  const services: Svc[] = docOf(files, 'services.yaml').spec?.services ?? [];
  const observed = new Map((summary?.services ?? []).map((s) => [s.name, s]));
  const stateOf = (s: Svc) => {
    const o = observed.get(s.name);
    return o ? `${o.state}${o.health && o.health !== 'none' ? ` (${o.health})` : ''}` : s.state === 'stopped' ? 'stopped' : 'meant to be running (not observed)';
  };
  const named = services.filter((s) => new RegExp(`(?<![\\w-])${s.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'i').test(t));
  const about = named.length > 0 ? named : /\b(?:it|its|it's|that|this|they|them|their)\b/.test(t) ? services.filter((s) => s.name === lastNamed(services.map((x) => x.name), history)) : [];
  const out: string[] = [];
  const policy: string = docOf(files, 'network.yaml').spec?.firewall?.defaultInputPolicy ?? docOf(files, 'network.yaml').spec?.firewall?.default_input_policy ?? 'accept';
  const rules: { name?: string; port?: unknown; source?: unknown; action?: string }[] = docOf(files, 'network.yaml').spec?.firewall?.rules ?? [];
  const users: { name: string; sudo?: boolean; ssh_keys?: unknown[]; sshKeys?: unknown[] }[] = docOf(files, 'security.yaml').spec?.users ?? [];

  if (/\blogs?\b/.test(t)) {
    for (const s of about.length > 0 ? about : services) {
      const lines = summary?.logs?.[s.name] ?? [];
      out.push(lines.length > 0 ? `Last log lines of ${s.name}:` : `No log lines of ${s.name} were observed (\`claude logs ${s.name}\` shows them).`, ...lines.slice(-20).map((l) => `  ${l}`));
    }
    if (services.length === 0) out.push('No services are defined, so there are no logs to show.');
    return out;
  }
  if (/\b(?:ssh|log\s*in|login|access|sudo|admins?|users?|accounts?)\b/.test(t) && /\bwho\b|\bwhich\s+(?:users?|accounts?|people)\b|\busers?\b|\baccounts?\b/.test(t)) {
    const keyed = users.filter((u) => (u.ssh_keys ?? u.sshKeys ?? []).length > 0);
    out.push(users.length === 0 ? 'No user accounts are defined in security.yaml.' : `Users: ${users.map((u) => `${u.name}${u.sudo ? ' (sudo)' : ''}${(u.ssh_keys ?? u.sshKeys ?? []).length > 0 ? ', SSH key' : ', no SSH key'}`).join('; ')}.`);
    if (users.length > 0) out.push(keyed.length > 0 ? `Can log in over SSH with a key: ${keyed.map((u) => u.name).join(', ')}.` : 'No user has an SSH key, so nobody can log in over SSH with a key.');
    const ssh = rules.filter((r) => String(r.port) === '22');
    out.push(ssh.length > 0 ? `SSH firewall rules: ${ssh.map((r) => `${r.name} (${r.action}${r.source ? ` from ${JSON.stringify(r.source)}` : ''})`).join(', ')}.` : `No firewall rule names SSH; the default input policy is ${policy}.`);
    return out;
  }
  if (/\b(?:exposed|expose|public|publicly|internet|outside|reachable|open\s+to|world)\b/.test(t)) {
    const pub = services.flatMap((s) => (s.ports ?? []).filter((p) => p.host !== undefined && p.host_ip !== '127.0.0.1' && p.host_ip !== '::1').map((p) => `${s.name} on ${p.host}`));
    const local = services.flatMap((s) => (s.ports ?? []).filter((p) => p.host !== undefined && (p.host_ip === '127.0.0.1' || p.host_ip === '::1')).map((p) => `${s.name} on ${p.host_ip}:${p.host}`));
    out.push(pub.length > 0 ? `Published on every address of the host: ${pub.join(', ')}.` : 'No service publishes a port on the host\'s public addresses.');
    if (local.length > 0) out.push(`Only on this machine (loopback): ${local.join(', ')}.`);
    out.push(`Firewall: default input policy ${policy}${rules.length > 0 ? `; rules: ${rules.map((r) => `${r.name} (${r.action}${r.port !== undefined ? ` ${JSON.stringify(r.port)}` : ''}${r.source ? ` from ${JSON.stringify(r.source)}` : ''})`).join(', ')}` : ', no rules'}.`);
    return out;
  }
  if (services.length === 0) return ['No services are defined yet. Try "set up a web server with nginx".'];
  const list = about.length > 0 ? about : services;
  const running = services.filter((s) => (observed.get(s.name)?.state ?? (summary ? 'not observed' : s.state ?? 'running')) === 'running');
  if (about.length === 0) out.push(`${services.length} service${services.length === 1 ? '' : 's'} defined (${services.reduce((n, s) => n + (s.state === 'stopped' ? 0 : s.replicas ?? 1), 0)} containers meant to run), ${running.length} observed running:`);
  for (const s of list) {
    const ports = (s.ports ?? []).filter((p) => p.host !== undefined).map((p) => `${p.host_ip ? `${p.host_ip}:` : ''}${p.host}`).join(', ');
    out.push(`  ${s.name} (${s.image}): ${stateOf(s)}${s.replicas !== undefined ? `, ${s.replicas} replicas` : ''}${ports ? `, port ${ports}` : ''}`);
    const lines = summary?.logs?.[s.name] ?? [];
    if (/\b(?:why|down|broken|wrong|failing|crash\w*)\b/.test(t) && lines.length > 0) out.push(...lines.slice(-5).map((l) => `    ${l}`));
  }
  if (/\b(?:why|down|broken|wrong|failing|crash\w*)\b/.test(t)) out.push('Say "restart <service>" to restart one, or "show me the logs of <service>".');
  return out;
}
