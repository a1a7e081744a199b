/**
 * The "Proposed changes" lines of one request, said once per service. A service this request
 * adds is listed as `+ name: image → port …` when it is added; a later clause of the same
 * request may then change it ("set up a web server with nginx on port 8080", "add redis with
 * 512 MB"), which was listed again as `~ name: published on 8080 (container 80)` under a `+`
 * line that still said port 80. Here each such `~` line is folded into the service's `+`
 * line, which is redrawn from the service as the request leaves it: one line per new service,
 * true to the files.
 */
import type { Service } from '../../../generated/services.js';

/** The port part of a `+` line as engine.ts writes it: ` → port 80`, ` → ports 127.0.0.1:5432, 443`. */
const PORTS_PART = / → ports? [\d.:]+(?: \(container \d+\))?(?:, [\d.:]+(?: \(container \d+\))?)*/;

/** ` → port 8080 (container 80)`: each published port, its container port when it differs, its address when not all. */
export function portsPhrase(svc: Service): string {
  const ports = (svc.ports ?? [])
    .filter((p) => p.host !== undefined)
    .map((p) => `${p.host_ip && p.host_ip !== '0.0.0.0' ? `${p.host_ip}:` : ''}${p.host}${p.host !== p.container ? ` (container ${p.container})` : ''}`);
  return ports.length ? ` → port${ports.length > 1 ? 's' : ''} ${ports.join(', ')}` : '';
}

/** Why a service has no host port, as said while the request is read; `whoReachesIt` makes it true. */
export const NO_HOST_PORT = 'no host port (reachable by name from the services on its network only)';

/**
 * `~ name: no host port (…)` said true to the files as the request leaves them: reachable by
 * name from the services on its network only when another service shares a network with it;
 * otherwise that none can (a lone redis, or one on no network, was said to be reachable).
 */
export function whoReachesIt(lines: readonly string[], final: (name: string) => Service | undefined, all: readonly Service[]): string[] {
  return lines.map((l) => {
    const name = /^~ ([^:]+): /.exec(l)?.[1];
    if (name === undefined || l !== `~ ${name}: ${NO_HOST_PORT}`) return l;
    return sharesANetwork(name, final, all) ? l : `~ ${name}: no host port (no other service shares a network with it, so none reaches it by name)`;
  });
}

/** Whether another service shares a network with `name` in the files as the request leaves them. */
function sharesANetwork(name: string, final: (name: string) => Service | undefined, all: readonly Service[]): boolean {
  const nets = final(name)?.networks ?? [];
  return all.some((s) => s.name !== name && (s.networks ?? []).some((n) => nets.includes(n)));
}

/** What the replicas warning says of who reaches them, as said while the request is read; `whoReachesReplicas` makes it true. */
export const REPLICAS_BY_NAME = 'each replica is reachable by name from the services on its network only';

/**
 * The replicas warning ("web will not be reachable from outside on port 80: …") said true to
 * the files as the request leaves them: reachable by name only when another service shares a
 * network with it; otherwise that none reaches them by name either (a lone web scaled to 3).
 */
export function whoReachesReplicas(warnings: readonly string[], final: (name: string) => Service | undefined, all: readonly Service[]): string[] {
  return warnings.map((w) => {
    const name = /^(\S+) will not be reachable from outside on port/.exec(w)?.[1];
    if (name === undefined || !w.includes(REPLICAS_BY_NAME) || sharesANetwork(name, final, all)) return w;
    return w.replace(REPLICAS_BY_NAME, 'no other service shares a network with it, so none reaches its replicas by name either');
  });
}

/**
 * Folds the `~ name: …` lines of a service added by this request (`added`) into its
 * `+ name: …` line. `final` gives the service as the request leaves it. A port or image change
 * redraws that part of the `+` line; any other change (memory, CPU, command, replicas) is
 * added to it without its "(was …)", since there was nothing before. Other lines are kept as
 * they are, in their order.
 */
export function foldAddedServiceLines(lines: readonly string[], added: readonly string[], final: (name: string) => Service | undefined): string[] {
  const out = [...lines];
  for (const name of added) {
    const plus = out.findIndex((l) => l.startsWith(`+ ${name}: `));
    const svc = final(name);
    if (plus < 0 || !svc) continue;
    const changes: string[] = [];
    let redraw = false;
    for (let i = out.length - 1; i > plus; i--) {
      const m = out[i]!.startsWith(`~ ${name}: `) ? out[i]!.slice(`~ ${name}: `.length) : undefined;
      if (m === undefined) continue;
      out.splice(i, 1);
      if (/^(?:published on |image |no host port|no longer publishes host port)/.test(m)) {
        redraw = true;
        // Why a new service has no host port is worth saying ("2 containers cannot share a host port").
        const why = /^(?:no host port|no longer publishes host ports?[\d, ]*) (\(.*\))$/.exec(m)?.[1];
        if (why && portsPhrase(svc) === '') changes.unshift(`no host port ${why}`);
      } else changes.unshift(m.replace(/ \(was [^)]*\)$/, ''));
    }
    if (!redraw && changes.length === 0) continue;
    let line = out[plus]!;
    if (redraw) {
      const head = `+ ${name}: `;
      const rest = line.slice(head.length);
      const image = rest.split(/[ ,]/, 1)[0]!;
      const tail = rest.slice(image.length).replace(PORTS_PART, '');
      line = `${head}${svc.image}${portsPhrase(svc)}${tail}`;
    }
    out[plus] = [line, ...changes].join(', ');
  }
  return out;
}

/** A `~ name: …` change an add with current values says already: image, ports, memory, CPU, replicas. */
const CURRENT_VALUE = /^(?:image |published on |port \d+ published |no host port|no longer publishes host port|memory limit |CPU limit |\d+ replicas?\b)/;

/**
 * Says a service that is not on the machine (never applied: proposed earlier in this
 * conversation and changed again at "modify", or written in the files and not applied yet) as
 * the add it is: its `~ name: …` lines become one `+ name: …` line with its current values
 * (image, ports, memory and CPU limits, replicas) and its other changes without "(was …)": it
 * never was that on the machine. At the place of its first line; other lines are kept as they are.
 */
export function foldUnappliedServiceLines(lines: readonly string[], unapplied: readonly string[], final: (name: string) => Service | undefined): string[] {
  const out = [...lines];
  for (const name of unapplied) {
    const svc = final(name);
    const first = out.findIndex((l) => l.startsWith(`~ ${name}: `));
    if (!svc || first < 0 || out.some((l) => l.startsWith(`+ ${name}: `))) continue;
    const changes: string[] = [];
    for (let i = out.length - 1; i >= first; i--) {
      const m = out[i]!.startsWith(`~ ${name}: `) ? out[i]!.slice(`~ ${name}: `.length) : undefined;
      if (m === undefined) continue;
      if (i > first) out.splice(i, 1);
      if (!CURRENT_VALUE.test(m)) changes.unshift(m.replace(/ \(was [^)]*\)$/, ''));
    }
    const r = svc.resources;
    const current = [
      ...(r?.memory !== undefined ? [`memory limit ${r.memory}`] : []),
      ...(r?.cpu !== undefined ? [`CPU limit ${r.cpu}`] : []),
      ...(svc.replicas !== undefined && svc.replicas !== 1 ? [`${svc.replicas} replicas`] : []),
    ];
    out[first] = [`+ ${name}: ${svc.image}${portsPhrase(svc)}`, ...current, ...changes].join(', ');
  }
  return out;
}

/**
 * Folds `~ user NAME: …` lines into the `+ user NAME …` line of a user this request adds
 * ("add a user bob in the docker group" said `+ user bob (…)` and then `~ user bob: member of
 * group docker`): each change joins the `+` line before its "(security.yaml; …)" part, in
 * order. A user the request did not add keeps its `~` lines. Other lines are kept as they are.
 */
export function foldAddedUserLines(lines: readonly string[]): string[] {
  const out = [...lines];
  for (let plus = 0; plus < out.length; plus++) {
    const name = /^\+ user ([^\s,(]+)/.exec(out[plus]!)?.[1];
    if (!name) continue;
    const changes: string[] = [];
    for (let i = plus + 1; i < out.length; ) {
      if (out[i]!.startsWith(`~ user ${name}: `)) changes.push(out.splice(i, 1)[0]!.slice(`~ user ${name}: `.length));
      else i++;
    }
    if (changes.length === 0) continue;
    const line = out[plus]!;
    const paren = line.lastIndexOf(' (');
    const [head, tail] = paren > 0 && line.endsWith(')') ? [line.slice(0, paren), line.slice(paren)] : [line, ''];
    out[plus] = `${head}, ${changes.join(', ')}${tail}`;
  }
  return out;
}

/**
 * Folds `~ volume NAME: the last N backups kept` into the same request's backup line of that
 * volume (`~ volume NAME: backed up every day at 03:00 (…), last 7 kept (…)`): "postgres with
 * daily backups, keep 3" said 7 and then 3. The backup line says N; other lines are kept.
 */
export function foldBackupRetentionLines(lines: readonly string[]): string[] {
  const out = [...lines];
  for (let i = out.length - 1; i >= 0; i--) {
    const m = /^~ volume (\S+): the last (\d+) backups kept$/.exec(out[i]!);
    if (!m) continue;
    const at = out.findIndex((l, j) => j < i && l.startsWith(`~ volume ${m[1]}: backed up `) && /, last \d+ kept/.test(l));
    if (at < 0) continue;
    out[at] = out[at]!.replace(/, last \d+ kept/, `, last ${m[2]} kept`);
    out.splice(i, 1);
  }
  return out;
}

/**
 * The "already so" lines that only restate what this same request said: "back up the database
 * every night at 2, keep a week" sets 7 copies with the backup, and the "keep a week" clause,
 * changing nothing more, would be listed as already so on a machine that has no backup yet.
 * Dropped: a volume's retention equal to the one its backup line in this request says, and any
 * line about a service this request adds (`added`). Other lines are kept.
 */
export function withoutOwnRestatements(already: readonly string[], lines: readonly string[], added: readonly string[]): string[] {
  return already.filter((l) => {
    const bare = l.replace(/^[-+~]+ /, '');
    const keep = /^volume (\S+): the last (\d+) backups kept$/.exec(bare);
    if (keep && lines.some((x) => x.startsWith(`~ volume ${keep[1]}: backed up `) && x.includes(`, last ${keep[2]} kept`))) return false;
    const subject = /^([\w.-]+):/.exec(bare)?.[1];
    return !(subject && added.includes(subject));
  });
}
