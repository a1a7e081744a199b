/**
 * Compose-speak (round 26, intent3): a person who knows docker-compose says what they want in
 * its terms, inline ("api (image ghcr.io/acme/api:2.3.1, ports 3000:3000, depends_on db)",
 * "deploy.replicas: 3 for worker", `command: ["celery", "-A", "app", "worker"]`, "mem_limit
 * 768m", "nginx:1.25-alpine with 8080:80", "a network called backend") or as a pasted fragment
 * of a docker-compose.yml. One reader for compose's vocabulary turns it into the words the
 * grammar reads ("3 replicas", "memory", "depends on", "port 8080", "add a service called api
 * using image … on port 3000 depending on db"); nothing else of the request is touched.
 *
 * A pasted fragment or a parenthesised service is translated only when every key in it is one
 * this reader knows (image, ports, depends_on, environment, command, replicas, memory, cpus,
 * networks, restart); any other key (privileged, pid, network_mode, cap_add, volumes of the
 * host …) leaves the request exactly as typed, so the guard and the grammar read it as before.
 */
import { parse } from 'yaml';

/** What one compose service says, in the few fields the grammar can set. */
export interface ComposeService {
  name: string;
  image?: string;
  ports: string[];
  dependsOn: string[];
  env: [string, string][];
  command?: string[] | string;
  replicas?: number;
  memory?: string;
  cpus?: string;
  networks: string[];
  /** Ports of a pasted fragment that were not read (as typed), each said back as not done. */
  unread?: string[];
}

const KNOWN_KEYS = new Set(['image', 'ports', 'depends_on', 'environment', 'command', 'replicas', 'deploy', 'mem_limit', 'memory', 'cpus', 'networks', 'restart', 'container_name', 'expose']);
// A time of day ("06:00") is no image (round 34: "(06:00 and 18:00)" was read as two images).
export const IMAGE_REF = /^(?!\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?$)(?!\d{1,2}:\d{2}$)[a-z0-9][a-z0-9._/-]{0,200}(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/i;
const PORT_PAIR = /^(?:((?:\d{1,3}\.){3}\d{1,3}):)?(\d{1,5})(?::(\d{1,5}))?(?:\/(?:tcp|udp))?$/;

/** A command as typed: an argv array stays an array (exec form), a string stays a string. */
export function execForm(said: string): string[] | undefined {
  const t = said.trim();
  if (!/^\[[^\]]*\]$/.test(t)) return undefined;
  try {
    const v = JSON.parse(t.replace(/'/g, '"')) as unknown;
    return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x !== '') ? (v as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One port of a pasted fragment in the form PORT_PAIR reads, or undefined: the short syntax
 * ("8081:8080", "127.0.0.1:8081:8080", 8080) or the long one ({target, published, host_ip,
 * protocol}; a host_ip of 0.0.0.0 is every address, as if none were given). An IPv6 address
 * ("[::1]:8081:8080") or a key of the long syntax this does not know is not read.
 */
function portOf(x: unknown): string | undefined {
  if (typeof x === 'string' || typeof x === 'number') return PORT_PAIR.test(String(x)) ? String(x) : undefined;
  if (!x || typeof x !== 'object' || Array.isArray(x)) return undefined;
  const o = x as Record<string, unknown>;
  if (Object.keys(o).some((k) => !['target', 'published', 'host_ip', 'protocol', 'mode'].includes(k))) return undefined;
  const num = (v: unknown) => (typeof v === 'number' || (typeof v === 'string' && /^\d{1,5}$/.test(v)) ? String(v) : undefined);
  const target = num(o.target);
  const published = o.published === undefined ? undefined : num(o.published);
  if (!target || (o.published !== undefined && !published)) return undefined;
  if (o.protocol !== undefined && o.protocol !== 'tcp' && o.protocol !== 'udp') return undefined;
  if (o.mode !== undefined && o.mode !== 'host' && o.mode !== 'ingress') return undefined;
  const ip = o.host_ip === undefined || o.host_ip === '0.0.0.0' ? undefined : String(o.host_ip);
  const said = `${ip && published ? `${ip}:` : ''}${published ? `${published}:` : ''}${target}${o.protocol === 'udp' ? '/udp' : ''}`;
  return (ip && !published) || !PORT_PAIR.test(said) ? undefined : said;
}

/** One service of a pasted fragment, or undefined when it has a key the reader does not know. */
function fromYaml(name: string, v: unknown): ComposeService | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (Object.keys(o).some((k) => !KNOWN_KEYS.has(k))) return undefined;
  const deploy = (o.deploy ?? {}) as Record<string, unknown>;
  if (typeof deploy !== 'object' || Object.keys(deploy).some((k) => k !== 'replicas' && k !== 'resources')) return undefined;
  const limits = ((deploy.resources as Record<string, unknown> | undefined)?.limits ?? {}) as Record<string, unknown>;
  const list = (x: unknown): string[] => (Array.isArray(x) ? x.map(String) : x && typeof x === 'object' ? Object.keys(x) : typeof x === 'string' ? [x] : []);
  const env: [string, string][] = Array.isArray(o.environment)
    ? o.environment.map(String).filter((e) => e.includes('=')).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] as [string, string])
    : o.environment && typeof o.environment === 'object'
      ? Object.entries(o.environment as Record<string, unknown>).map(([k, x]) => [k, String(x ?? '')] as [string, string])
      : [];
  const replicas = deploy.replicas ?? o.replicas;
  const memory = limits.memory ?? o.mem_limit ?? o.memory;
  const cpus = limits.cpus ?? o.cpus;
  const ports = Array.isArray(o.ports) ? o.ports : o.ports === undefined || o.ports === null ? [] : [o.ports];
  const read = ports.map(portOf);
  const unread = ports.filter((_, i) => read[i] === undefined).map((p) => (typeof p === 'object' ? JSON.stringify(p) : String(p)));
  return {
    name,
    ...(typeof o.image === 'string' ? { image: o.image } : {}),
    ports: read.filter((p): p is string => p !== undefined),
    ...(unread.length > 0 ? { unread } : {}),
    dependsOn: list(o.depends_on),
    env,
    ...(Array.isArray(o.command) ? { command: o.command.map(String) } : typeof o.command === 'string' ? { command: o.command } : {}),
    ...(replicas !== undefined && Number.isInteger(Number(replicas)) ? { replicas: Number(replicas) } : {}),
    ...(memory !== undefined ? { memory: String(memory) } : {}),
    ...(cpus !== undefined ? { cpus: String(cpus) } : {}),
    networks: list(o.networks),
  };
}

/** The pasted fragment's services (under `services:`, or the top level), or undefined. */
function pastedServices(message: string): { services: ComposeService[]; before: string } | undefined {
  const at = /^[ \t]*(?:services|version|[a-z][\w.-]{0,62})[ \t]*:[ \t]*\r?\n[ \t]+\S/m.exec(message);
  if (!at) return undefined;
  let doc: unknown;
  try {
    doc = parse(message.slice(at.index));
  } catch {
    return undefined;
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const top = doc as Record<string, unknown>;
  const map = (top.services ?? top) as Record<string, unknown>;
  if (!map || typeof map !== 'object' || Array.isArray(map)) return undefined;
  const services: ComposeService[] = [];
  for (const [name, v] of Object.entries(map)) {
    if (top.services === undefined && (name === 'version' || name === 'networks' || name === 'volumes')) continue;
    const s = fromYaml(name, v);
    if (!s || !/^[a-z][a-z0-9-]{0,62}$/.test(name)) return undefined;
    services.push(s);
  }
  return services.length > 0 && services.some((s) => s.image !== undefined || s.ports.length > 0) ? { services, before: message.slice(0, at.index) } : undefined;
}

/** "image X", "X" (an image), "ports 3000:3000", "depends_on db", "replicas 2", "mem_limit 1g", "NODE_ENV=production". */
function fromProps(name: string, props: string): ComposeService | undefined {
  const s: ComposeService = { name, ports: [], dependsOn: [], env: [], networks: [] };
  for (const raw of props.split(/\s*[,;]\s*/)) {
    const p = raw.trim().replace(/^["']|["']$/g, '');
    if (p === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^image\s*[:=]?\s*(\S+)$/i.exec(p)) && IMAGE_REF.test(m[1]!)) s.image = m[1]!;
    else if ((m = /^(?:ports?|publish(?:es)?)\s*[:=]?\s*(.*)$/i.exec(p))) {
      // The list is split, never matched as a whole: a pattern over the whole list, `(item sep?)+$`, cut a run of
      // digits into items in 2^n ways before failing (review 20 HIGH-1: 70 characters took 69 s).
      const items = m[1]!.split(/\s*(?:\band\b|&|\s)\s*/).map((x) => x.replace(/^["']|["']$/g, '')).filter((x) => x !== '');
      if (items.length === 0 || !items.every((x) => PORT_PAIR.test(x))) return undefined;
      s.ports.push(...items);
    }
    else if ((m = /^depends?[_\s-]on\s*[:=]?\s*([a-z][\w-]*(?:\s*(?:and|&|\+)\s*[a-z][\w-]*)*)$/i.exec(p))) s.dependsOn.push(...m[1]!.split(/\s*(?:and|&|\+)\s*/));
    else if ((m = /^(?:deploy\.)?replicas\s*[:=]?\s*(\d{1,3})$/i.exec(p))) s.replicas = Number(m[1]);
    else if ((m = /^(?:mem_limit|memory|mem)\s*[:=]?\s*(\d+(?:\.\d+)?\s*[a-z]{0,3})$/i.exec(p))) s.memory = m[1]!.replace(/\s+/g, '');
    else if ((m = /^cpus?\s*[:=]?\s*(\d+(?:\.\d+)?)$/i.exec(p))) s.cpus = m[1]!;
    else if ((m = /^([A-Za-z_][A-Za-z0-9_]*)=(\S*)$/.exec(p))) s.env.push([m[1]!, m[2]!]);
    else if (PORT_PAIR.test(p) && p.includes(':')) s.ports.push(p);
    else if (IMAGE_REF.test(p) && /[:/]/.test(p) && s.image === undefined) s.image = p;
    else return undefined;
  }
  // "their site (port 8083)" is a port said in passing: a service listed this way names its image.
  return s.image !== undefined ? s : undefined;
}

/** The sentence the grammar reads for one compose service (also a service said as fields, attach.ts). */
export function sentence(s: ComposeService): string {
  const hostPorts = s.ports.map((p) => PORT_PAIR.exec(p)).filter((m): m is RegExpExecArray => m !== null);
  const parts = [`add a service called ${s.name}${s.image ? ` using image ${s.image}` : ''}`];
  // "127.0.0.1:8081:8080" keeps its address (ports.ts ADDRESSED): the port is published there only, never on every address.
  const said = (m: RegExpExecArray) => (m[1] ? `${m[1]}:${m[2]}:${m[3] ?? m[2]}` : m[3] ? `${m[2]}:${m[3]}` : m[2]);
  if (hostPorts.length > 0) parts.push(`on port ${hostPorts.map(said).join(' and ')}`);
  if (s.replicas !== undefined) parts.push(`with ${s.replicas} replicas`);
  if (s.memory !== undefined) parts.push(`with ${s.memory} memory`);
  if (s.cpus !== undefined) parts.push(`with ${s.cpus} cpus`);
  if (s.dependsOn.length > 0) parts.push(`depending on ${s.dependsOn.join(' and ')}`);
  const more: string[] = [];
  if (s.env.length > 0) more.push(`set ${s.env.map(([k, v]) => `${k}=${v}`).join(' ')} on ${s.name}`);
  if (s.command !== undefined) more.push(`${s.name} command: \`${Array.isArray(s.command) ? JSON.stringify(s.command) : s.command}\``);
  for (const n of s.networks) more.push(`put ${s.name} on the ${n} network`);
  return [parts.join(' '), ...more].join('. ');
}

/** Services said before the ones that wait for them (depends_on), else in the order typed. */
function inOrder(services: ComposeService[]): ComposeService[] {
  const out: ComposeService[] = [];
  const visit = (s: ComposeService, seen: Set<string>) => {
    if (out.includes(s) || seen.has(s.name)) return;
    seen.add(s.name);
    for (const d of s.dependsOn) {
      const t = services.find((x) => x.name === d);
      if (t) visit(t, seen);
    }
    out.push(s);
  };
  for (const s of services) visit(s, new Set());
  return out;
}

const SERVICE_IN_PARENS = /(?:^|[\s:,]|\band\s)([a-z][a-z0-9-]{0,62})\s*\(([^()]{1,400})\)/gi;

/**
 * What a pasted fragment said that was not read, each as a "Not done" line (review 20: a port
 * in IPv6 or in a form this reader does not know was dropped without a word).
 */
export function composeNotRead(message: string): string[] {
  return (pastedServices(message)?.services ?? []).flatMap((s) =>
    (s.unread ?? []).map((p) => `Not done: the port ${p} of ${s.name}. A port is read as PORT, HOST:CONTAINER or an IPv4 ADDRESS:HOST:CONTAINER (or compose's long form with target, published and an IPv4 host_ip), so nothing is published for it. Say it in one of those forms, or set it in services.yaml.`),
  );
}

/** The request with compose's vocabulary said in the grammar's words. */
export function composeSaid(message: string): string {
  const pasted = pastedServices(message);
  if (pasted) {
    const lead = pasted.before.trim().replace(/\b(?:here(?:'s| is)\s+(?:my|the|a)\s+)?(?:docker-?compose(?:\.ya?ml)?|compose\s+file)\b[^\n]*$/i, '').trim();
    return [lead.replace(/[:.\s]+$/, ''), ...inOrder(pasted.services).map(sentence)].filter((x) => x !== '').join('. ');
  }
  let t = message;
  // "services: api (image …, ports 3000:3000, depends_on db) and db (postgres:16)".
  const inline = [...t.matchAll(SERVICE_IN_PARENS)];
  if (inline.length > 0) {
    const services = inline.map((m) => fromProps(m[1]!.toLowerCase(), m[2]!));
    // "api (ghcr.io/acme/api:2.0) on 8080", "the office (203.0.113.0/24)": one value in parentheses is the grammar's own
    // form (or no service at all); compose's list says a key or more than one setting.
    const composeLike = inline.some((m) => m[2]!.includes(',') || /\b(?:image|ports?|depends?[_-]on|replicas|mem_limit)\b/i.test(m[2]!));
    if (composeLike && services.every((s) => s !== undefined) && services.length > 0) {
      const first = inline[0]!;
      const lead = t.slice(0, first.index).replace(/\b(?:services?|stack|compose)\s*:?\s*$/i, '').trim();
      const tail = t.slice(inline[inline.length - 1]!.index + inline[inline.length - 1]![0].length).trim();
      // "expose adminer (image adminer:4) at 8082": a lead that is only the verb of the add is the add itself (round 30;
      // "expose" stood alone as a sentence nothing read).
      const onlyVerb = /^(?:(?:please|pls|plz|could\s+you|can\s+you|i'?d\s+like\s+to|i\s+want\s+to|just|also|and)\s+)*(?:expose|run|deploy|add|publish|set\s*up|start|launch|spin\s+up|fire\s+up|create|install|serve)(?:\s+(?:a|an|the|me|us|up))?$/i.test(lead.replace(/[:,.\s]+$/, ''));
      return [onlyVerb ? '' : lead.replace(/[:,.\s]+$/, ''), ...inOrder(services as ComposeService[]).map(sentence), tail.replace(/^[,.;\s]+/, '')].filter((x) => x !== '').join('. ');
    }
  }
  // A key of compose said as a label of the sentence: "networks: put api and db on …".
  t = t.replace(/^\s*(?:services|networks|volumes|deploy)\s*:\s*(?=(?:put|add|make|attach|connect|join|create|give|set|run|start)\b)/i, '');
  // depends_on, depends-on, "should depends on" → "depend(s) on".
  t = t.replace(/\b(should|must|to|will|can|shall|please)\s+depends?[_\s-]on\s*:?\s*/gi, '$1 depend on ').replace(/\bdepends?[_-]on\s*:?\s*/gi, 'depends on ');
  // deploy.replicas: 3, replicas: 3, replicas=3 → "3 replicas".
  t = t.replace(/\b(?:deploy\s*[.:]\s*)?replicas\s*[:=]\s*(\d{1,3})\b/gi, '$1 replicas');
  // mem_limit, deploy.resources.limits.memory → memory; deploy.resources.limits.cpus → cpus.
  t = t.replace(/\b(?:deploy\.resources\.limits\.memory|mem_limit|mem_reservation)\b/gi, 'memory').replace(/\bdeploy\.resources\.limits\.cpus\b/gi, 'cpus');
  // A command or entrypoint as an argv array: one quoted value, kept as an array by the command reader.
  // "command: [...] for the worker (service)": the service said first, as the command reader reads it.
  t = t.replace(/\b(?:command|entrypoint|cmd)\s*(?:[:=]|\s(?:to|as|is)\s)?\s*(\[[^\]\n`]{1,400}\])(?:\s+(?:for|on|of|in)\s+(?:the\s+)?([a-z][\w-]{0,62})(?:\s+(?:service|container))?\b)?/gi, (m, arr: string, name?: string) => {
    const argv = execForm(arr);
    return argv ? `${name ? `${name} ` : ''}command: \`${JSON.stringify(argv)}\`` : m;
  });
  // "a network called backend", "network named backend" → "network backend".
  t = t.replace(/\bnetwork\s+(?:called|named)\s+/gi, 'network ');
  // "IMAGE with 8080:80", "nginx 8080:80": the host port said as compose says it.
  // A time of day (23:00, 4:45) and an address's port (10.0.0.1:8080) are not this.
  t = t.replace(/(?:\b(?:with|on|using)\s+)?(?<![\w.:/-])(\d{2,5}):(\d{2,5})(?![\w.:/])/gi, (m, h: string, c: string, at: number, all: string) =>
    /\b(?:ports?|at|from|to|until|till|by)\s*$/i.test(all.slice(Math.max(0, at - 8), at)) || (h.length <= 2 && Number(h) <= 23 && c.length === 2 && Number(c) <= 59) ? m : `on port ${h}:${c}`);
  // A line that opens with an image and its tag, as compose's `image:` value, and no verb ("nginx:1.25-alpine with 8080:80",
  // "gitea/gitea:1.21 on 3000"): a service to add from that image. Not a service's setting said
  // compose-style: "api:replicas=2" is "api:2 replicas" by now.
  t = t.replace(/^(\s*)((?:[a-z0-9][\w.-]*\/)*[a-z][\w.-]*:[\w][\w.-]{0,127})(?=[\s,]|$)(?!\s+(?:replicas?|copies|instances|memory|mem|cpus?|ram)\b)/i, (m, sp: string, ref: string) => (/^(?:https?|ssh|ftp|cron|rule|port|ports)$/i.test(ref.split(':')[0]!) ? m : `${sp}add ${ref}`));
  return t;
}
